"""Reading and checking catalog files (nhập danh mục thủ tục): JSON, CSV and XLSX.

Reading turns a file into raw rows that remember where they came from (a JSON index or a
spreadsheet row). Checking turns raw rows into ``ProcedureRecord``s and collects every problem,
each naming the row and the column, so a province's clerk can fix a whole file in one pass
instead of one error at a time. Nothing here writes to the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from motcua.catalog.models import (
    DocumentForm,
    Field,
    OnlineMode,
    StepRole,
    TimeUnit,
)
from motcua.catalog.records import (
    CODE_RE,
    DocumentRecord,
    FeeRecord,
    FieldRecord,
    ProcedureRecord,
    StepRecord,
)
from motcua.core.errors import InvalidInput
from motcua.core.text import fold
from motcua.org.models import Level, Unit

FORMATS = ("json", "csv", "xlsx")

# Spreadsheet layout: one row per procedure. field_name/field_order let a CSV carry the fields.
SHEET_COLUMNS = (
    "code", "name", "field", "field_name", "field_order", "agency", "receiving_units", "level",
    "legal_time_value", "legal_time_unit", "committed_time_value", "committed_time_unit",
    "time_note", "cutoff", "fee_text", "fees", "result_type", "online_mode", "five_on_site",
    "boundary_free", "requires_paper_result", "documents", "steps", "legal_basis", "source",
    "note",
)
REQUIRED_COLUMNS = ("code", "name", "field", "agency", "level")
FIELD_SHEET = "fields"
FIELD_COLUMNS = ("code", "name", "order")

JSON_KEYS = (
    "code", "name", "field", "agency", "receiving_units", "level", "legal_time",
    "committed_time", "time_note", "cutoff", "fee_text", "fees", "result_type", "online_mode",
    "five_on_site", "boundary_free", "requires_paper_result", "documents", "steps",
    "legal_basis", "source", "note",
)
JSON_LABELS = {
    "legal_time_value": "legal_time.value",
    "legal_time_unit": "legal_time.unit",
    "committed_time_value": "committed_time.value",
    "committed_time_unit": "committed_time.unit",
}
DOCUMENT_KEYS = ("name", "form", "copies", "mandatory", "condition")
FEE_KEYS = ("name", "amount", "description")
STEP_KEYS = ("name", "role", "unit", "hours")

TRUE_WORDS = {"true", "1", "x", "yes", "co", "dung"}
FALSE_WORDS = {"false", "0", "no", "khong", "sai"}

# Spreadsheet document markers: "Tờ khai [copy] [optional] [x2] [condition: khi ủy quyền]".
FORM_MARKERS = {
    **{value: value for value in DocumentForm.values},
    "certified copy": DocumentForm.CERTIFIED_COPY,
    "ban chinh": DocumentForm.ORIGINAL,
    "ban sao": DocumentForm.COPY,
    "ban sao chung thuc": DocumentForm.CERTIFIED_COPY,
    "xuat trinh": DocumentForm.PRESENT,
    "ban chinh hoac ban sao": DocumentForm.ANY,
}
OPTIONAL_MARKERS = {"optional", "khong bat buoc"}
MARKER_RE = re.compile(r"\s*\[([^\[\]]*)\]\s*$")
COPIES_RE = re.compile(r"^(?:x\s*(\d+)|(\d+)\s*ban)$")
CONDITION_PREFIXES = ("condition:", "dieu kien:")
_LINES = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Problem:
    """One error in the file: where (row), which column, what is wrong (Vietnamese)."""

    where: str
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"{self.where}, cột {self.column}: {self.message}"
        return f"{self.where}: {self.message}"


class CatalogInvalid(InvalidInput):
    """The catalog file has errors; ``problems`` lists all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(
            "catalog_invalid",
            f"Tệp danh mục có {len(self.problems)} lỗi; không có thủ tục nào được nhập.",
        )


@dataclass
class RawRow:
    """A procedure or field as read, before checking."""

    where: str
    values: dict[str, Any]
    style: str  # "json" or "sheet": how columns are named in messages


@dataclass
class RawCatalog:
    """A read file: field rows, procedure rows and the problems found while reading."""

    fmt: str
    fields: list[RawRow] = field(default_factory=list)
    procedures: list[RawRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class CatalogData:
    """A checked file, ready for the import service."""

    fields: list[FieldRecord]
    procedures: list[ProcedureRecord]


# Reading ---------------------------------------------------------------------------------


def detect_format(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise InvalidInput(
        "catalog_format",
        f"Không nhận ra định dạng của tệp {name}; dùng đuôi .json, .csv hoặc .xlsx.",
    )


def read_catalog(path: str | Path, fmt: str | None = None) -> RawCatalog:
    """Read a catalog file; the format comes from the extension unless given."""
    path = Path(path)
    fmt = fmt or detect_format(path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput("catalog_file", f"Không đọc được tệp {path}: {exc.strerror}.") from exc
    return read_bytes(data, fmt)


def read_bytes(data: bytes, fmt: str) -> RawCatalog:
    if fmt == "json":
        return _read_json(data)
    if fmt == "csv":
        return _read_csv(data)
    if fmt == "xlsx":
        return _read_xlsx(data)
    raise InvalidInput("catalog_format", f"Định dạng {fmt} không được hỗ trợ (json, csv, xlsx).")


def _read_json(data: bytes) -> RawCatalog:
    raw = RawCatalog(fmt="json")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raw.problems.append(Problem("Tệp", None, "tệp JSON phải mã hóa UTF-8."))
        return raw
    except json.JSONDecodeError as exc:
        raw.problems.append(
            Problem("Tệp", None, f"JSON không hợp lệ ở dòng {exc.lineno}, cột {exc.colno}: {exc.msg}.")
        )
        return raw
    if isinstance(doc, list):
        doc = {"procedures": doc}
    if not isinstance(doc, dict):
        raw.problems.append(Problem("Tệp", None, "cần một đối tượng có khóa \"procedures\"."))
        return raw
    for key in sorted(set(doc) - {"fields", "procedures"}):
        raw.problems.append(Problem("Tệp", key, "khóa không được hỗ trợ (chỉ có fields, procedures)."))
    fields = doc.get("fields") or []
    procedures = doc.get("procedures")
    if procedures is None:
        raw.problems.append(Problem("Tệp", "procedures", "thiếu danh sách thủ tục."))
        procedures = []
    for name, items in (("fields", fields), ("procedures", procedures)):
        if not isinstance(items, list):
            raw.problems.append(Problem("Tệp", name, "phải là một danh sách."))
    if not isinstance(fields, list):
        fields = []
    if not isinstance(procedures, list):
        procedures = []

    for index, item in enumerate(fields):
        where = f"Lĩnh vực thứ {index + 1} (fields[{index}])"
        if not isinstance(item, dict):
            raw.problems.append(Problem(where, None, "phải là một đối tượng {code, name, order}."))
            continue
        for key in sorted(set(item) - set(FIELD_COLUMNS)):
            raw.problems.append(Problem(where, key, "khóa không được hỗ trợ."))
        raw.fields.append(RawRow(where, dict(item), "json"))

    for index, item in enumerate(procedures):
        code = item.get("code") if isinstance(item, dict) else None
        where = f"Thủ tục thứ {index + 1} (procedures[{index}]"
        where += f", mã {code})" if isinstance(code, str) and code.strip() else ")"
        if not isinstance(item, dict):
            raw.problems.append(Problem(where, None, "phải là một đối tượng."))
            continue
        for key in sorted(set(item) - set(JSON_KEYS)):
            raw.problems.append(Problem(where, key, "khóa không được hỗ trợ."))
        values = {k: v for k, v in item.items() if k in JSON_KEYS}
        for key in REQUIRED_COLUMNS:
            if key not in values:
                raw.problems.append(Problem(where, key, "thiếu trường bắt buộc."))
        for key in ("legal_time", "committed_time"):
            limit = values.pop(key, None)
            if limit is None:
                continue
            if not isinstance(limit, dict):
                raw.problems.append(
                    Problem(where, key, "phải là {\"value\": ..., \"unit\": ...} hoặc null.")
                )
                continue
            for sub in sorted(set(limit) - {"value", "unit"}):
                raw.problems.append(Problem(where, f"{key}.{sub}", "khóa không được hỗ trợ."))
            values[f"{key}_value"] = limit.get("value")
            values[f"{key}_unit"] = limit.get("unit")
        raw.procedures.append(RawRow(where, values, "json"))
    return raw


def _read_csv(data: bytes) -> RawCatalog:
    raw = RawCatalog(fmt="csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raw.problems.append(Problem("Tệp", None, "tệp CSV phải mã hóa UTF-8."))
        return raw
    first_line = text.split("\n", 1)[0]
    # Excel with Vietnamese regional settings saves CSV with ";" between columns.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    _read_sheet_rows(raw, rows, lambda i: f"Dòng {i}")
    return raw


def _read_xlsx(data: bytes) -> RawCatalog:
    from openpyxl import load_workbook

    raw = RawCatalog(fmt="xlsx")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a broken file
        raw.problems.append(Problem("Tệp", None, f"không mở được tệp XLSX ({exc})."))
        return raw
    try:
        names = book.sheetnames
        main = "procedures" if "procedures" in names else next(
            (n for n in names if n != FIELD_SHEET), names[0]
        )
        rows = [list(r) for r in book[main].iter_rows(values_only=True)]
        _read_sheet_rows(raw, rows, lambda i: f"Dòng {i}")
        if FIELD_SHEET in names:
            field_rows = [list(r) for r in book[FIELD_SHEET].iter_rows(values_only=True)]
            _read_field_sheet(raw, field_rows)
    finally:
        book.close()
    return raw


def _header(raw: RawCatalog, cells: list, allowed: tuple[str, ...], where: str) -> list[str | None]:
    header: list[str | None] = []
    for cell in cells:
        name = str(cell).strip().lower() if cell is not None else ""
        if not name:
            header.append(None)
            continue
        if name not in allowed:
            raw.problems.append(Problem(where, name, "cột không được hỗ trợ."))
            header.append(None)
        elif name in header:
            raw.problems.append(Problem(where, name, "cột bị lặp."))
            header.append(None)
        else:
            header.append(name)
    return header


def _blank(cells: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _read_sheet_rows(raw: RawCatalog, rows: list[list], where) -> None:
    if not rows:
        raw.problems.append(Problem("Tệp", None, "tệp trống, thiếu dòng tiêu đề."))
        return
    header = _header(raw, rows[0], SHEET_COLUMNS, "Dòng tiêu đề")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    for column in missing:
        raw.problems.append(Problem("Dòng tiêu đề", column, "thiếu cột bắt buộc."))
    if missing:
        return
    for number, cells in enumerate(rows[1:], start=2):
        if _blank(cells):
            continue
        values = {
            name: cells[i] if i < len(cells) else None
            for i, name in enumerate(header)
            if name is not None
        }
        # Excel turns 1.001193 into a number; six decimals give the code back.
        if isinstance(values.get("code"), float):
            values["code"] = f"{values['code']:.6f}"
        row_where = where(number)
        if values.get("field_name") not in (None, ""):
            raw.fields.append(
                RawRow(
                    row_where,
                    {
                        "code": values.get("field"),
                        "name": values.get("field_name"),
                        "order": values.get("field_order"),
                    },
                    "sheet-field",
                )
            )
        values.pop("field_name", None)
        values.pop("field_order", None)
        raw.procedures.append(RawRow(row_where, values, "sheet"))


def _read_field_sheet(raw: RawCatalog, rows: list[list]) -> None:
    if not rows:
        return
    where = f"Trang {FIELD_SHEET}"
    header = _header(raw, rows[0], FIELD_COLUMNS, f"{where}, dòng tiêu đề")
    for column in ("code", "name"):
        if column not in header:
            raw.problems.append(Problem(f"{where}, dòng tiêu đề", column, "thiếu cột bắt buộc."))
            return
    for number, cells in enumerate(rows[1:], start=2):
        if _blank(cells):
            continue
        values = {
            name: cells[i] if i < len(cells) else None
            for i, name in enumerate(header)
            if name is not None
        }
        raw.fields.append(RawRow(f"{where}, dòng {number}", values, "sheet"))


# Checking --------------------------------------------------------------------------------


class _Row:
    """Collects problems for one raw row, naming columns the way the file names them."""

    def __init__(self, raw_row: RawRow, problems: list[Problem]):
        self.raw = raw_row
        self.problems = problems
        self.ok = True

    def label(self, key: str, index: int | None = None, sub: str | None = None) -> str:
        if self.raw.style == "json":
            label = JSON_LABELS.get(key, key)
            if index is not None:
                label += f"[{index}]"
            if sub:
                label += f".{sub}"
            return label
        if self.raw.style == "sheet-field":
            key = {"code": "field", "name": "field_name", "order": "field_order"}[key]
        if index is not None:
            return f"{key} (mục {index + 1})"
        return key

    def error(self, key: str, message: str, index: int | None = None, sub: str | None = None):
        self.ok = False
        self.problems.append(Problem(self.raw.where, self.label(key, index, sub), message))

    def get(self, key: str) -> Any:
        return self.raw.values.get(key)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(row: _Row, key: str, value: Any, *, required=False, max_length=None, **loc) -> str:
    if _is_empty(value):
        if required:
            row.error(key, "không được để trống.", **loc)
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        row.error(key, "phải là chuỗi ký tự.", **loc)
        return ""
    text = str(value).strip()
    if max_length and len(text) > max_length:
        row.error(key, f"dài quá {max_length} ký tự.", **loc)
    return text


def _choice(row: _Row, key: str, value: Any, choices, what: str, default=None, **loc) -> str:
    if _is_empty(value) and default is not None:
        return default
    text = str(value).strip() if value is not None else ""
    if text in choices.values:
        return text
    accepted = ", ".join(choices.values)
    if not text:
        row.error(key, f"không được để trống; dùng {accepted}.", **loc)
    else:
        row.error(key, f"{what} \"{text}\" không hợp lệ; dùng {accepted}.", **loc)
    return choices.values[0]


def _bool(row: _Row, key: str, value: Any, default: bool, **loc) -> bool:
    if _is_empty(value):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = fold(str(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    row.error(key, f"giá trị \"{value}\" không hợp lệ; dùng true hoặc false.", **loc)
    return default


def _decimal(row: _Row, key: str, value: Any, *, positive: bool, what: str, **loc):
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        row.error(key, f"{what} phải là một số.", **loc)
        return None
    text = str(value).strip().replace(",", ".") if not isinstance(value, float) else repr(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        row.error(key, f"{what} phải là một số (đang là \"{value}\").", **loc)
        return None
    if not number.is_finite():
        row.error(key, f"{what} phải là một số (đang là \"{value}\").", **loc)
        return None
    if positive and number <= 0:
        row.error(key, f"{what} phải lớn hơn 0 (đang là {value}).", **loc)
        return None
    if number < 0:
        row.error(key, f"{what} không được âm (đang là {value}).", **loc)
        return None
    if number != number.quantize(Decimal("0.01")) or number >= Decimal("100000"):
        row.error(key, f"{what} tối đa 5 chữ số phần nguyên và 2 chữ số thập phân.", **loc)
        return None
    return number


def _integer(row: _Row, key: str, value: Any, *, minimum: int, what: str, grouping=False, **loc):
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        row.error(key, f"{what} phải là số nguyên.", **loc)
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if grouping:
        # "50.000" is fifty thousand đồng the Vietnamese way.
        text = re.sub(r"[.,\s]", "", text)
    if not re.fullmatch(r"-?\d+", text):
        row.error(key, f"{what} phải là số nguyên (đang là \"{value}\").", **loc)
        return None
    number = int(text)
    if number < minimum:
        row.error(key, f"{what} phải từ {minimum} trở lên (đang là {number}).", **loc)
        return None
    return number


def _time_of_day(row: _Row, key: str, value: Any) -> dt.time | None:
    if _is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    match = re.fullmatch(r"(\d{1,2})[:h](\d{2})", str(value).strip())
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return dt.time(int(match.group(1)), int(match.group(2)))
    row.error(key, f"giờ chốt \"{value}\" không hợp lệ; dùng dạng HH:MM, ví dụ 15:00.")
    return None


def _split_list(value: Any) -> list[str]:
    """Spreadsheet lists: one item per line, or ";"-separated when on one line."""
    text = str(value)
    parts = _LINES.split(text) if "\n" in text or "\r" in text else text.split(";")
    return [p.strip() for p in parts if p.strip()]


def _items(row: _Row, key: str, value: Any, parse_text) -> list[tuple[int, dict]]:
    """(index, item dict) pairs from a JSON list or a spreadsheet cell."""
    if _is_empty(value):
        return []
    if isinstance(value, list):
        result = []
        for index, item in enumerate(value):
            if isinstance(item, str) and key == "documents":
                item = {"name": item}
            if not isinstance(item, dict):
                row.error(key, "phải là một đối tượng.", index=index)
                continue
            result.append((index, item))
        return result
    if isinstance(value, str) and row.raw.style != "json":
        return [
            (index, item)
            for index, part in enumerate(_split_list(value))
            if (item := parse_text(row, key, index, part)) is not None
        ]
    row.error(key, "phải là một danh sách.")
    return []


def _locator(row: _Row, index: int):
    """Where an item's attribute is named: documents[2].form in JSON, "documents (mục 3)" in a
    spreadsheet cell, which has no sub-columns."""
    if row.raw.style == "json":
        return lambda key: {"index": index, "sub": key}
    return lambda key: {"index": index}


def _document_from_text(row: _Row, key: str, index: int, text: str) -> dict | None:
    item: dict[str, Any] = {}
    while match := MARKER_RE.search(text):
        marker = match.group(1).strip()
        folded = fold(marker)
        text = text[: match.start()]
        if folded in FORM_MARKERS:
            item["form"] = FORM_MARKERS[folded]
        elif folded in OPTIONAL_MARKERS:
            item["mandatory"] = False
        elif copies := COPIES_RE.match(folded):
            item["copies"] = copies.group(1) or copies.group(2)
        elif prefix := next((p for p in CONDITION_PREFIXES if folded.startswith(p)), None):
            item["condition"] = marker[len(prefix):].strip()
        else:
            row.error(
                key,
                f"nhãn [{marker}] không hợp lệ; dùng [original], [copy], [certified_copy], "
                "[present], [any], [optional], [x2], [condition: ...].",
                index=index,
            )
            return None
    item["name"] = text.strip()
    return item


def _fee_from_text(row: _Row, key: str, index: int, text: str) -> dict | None:
    parts = [p.strip() for p in text.split("|")]
    if len(parts) > 3:
        row.error(key, "cần dạng tên|số tiền|mô tả.", index=index)
        return None
    parts += [""] * (3 - len(parts))
    return {"name": parts[0], "amount": parts[1], "description": parts[2]}


def _step_from_text(row: _Row, key: str, index: int, text: str) -> dict | None:
    parts = [p.strip() for p in text.split("|")]
    if len(parts) not in (3, 4):
        row.error(key, f"\"{text}\" cần dạng tên|vai trò|số giờ (hoặc tên|vai trò|số giờ|mã đơn vị).", index=index)
        return None
    return {"name": parts[0], "role": parts[1], "hours": parts[2], "unit": parts[3] if len(parts) == 4 else None}


def _check_field(raw_row: RawRow, problems: list[Problem]) -> FieldRecord | None:
    row = _Row(raw_row, problems)
    code = _text(row, "code", row.get("code"), required=True, max_length=32)
    name = _text(row, "name", row.get("name"), required=True, max_length=255)
    order = _integer(row, "order", row.get("order"), minimum=0, what="thứ tự")
    if order is not None and order > 32767:
        row.error("order", "thứ tự tối đa 32767.")
    if not row.ok:
        return None
    return FieldRecord(code=code, name=name, order=order or 0)


def _check_procedure(
    raw_row: RawRow, problems: list[Problem], known_fields: set[str], known_units: set[str]
) -> ProcedureRecord | None:
    row = _Row(raw_row, problems)
    code = _text(row, "code", row.get("code"), required=True, max_length=64)
    if code and not CODE_RE.match(code):
        row.error("code", f"mã thủ tục \"{code}\" không đúng dạng d.dddddd (ví dụ 1.001193 hoặc 1.014199.H05).")
    name = _text(row, "name", row.get("name"), required=True, max_length=1000)
    field_code = _text(row, "field", row.get("field"), required=True, max_length=32)
    if field_code and field_code not in known_fields:
        row.error("field", f"lĩnh vực \"{field_code}\" không có trong tệp và chưa có trong hệ thống.")
    agency = _text(row, "agency", row.get("agency"), required=True, max_length=35)
    if agency and agency not in known_units:
        row.error("agency", f"không tìm thấy đơn vị có mã \"{agency}\".")

    receiving = row.get("receiving_units")
    receiving_codes: list[str] = []
    if isinstance(receiving, list):
        for index, unit in enumerate(receiving):
            if not isinstance(unit, str):
                row.error("receiving_units", "phải là mã đơn vị (chuỗi).", index=index)
            elif unit.strip():
                receiving_codes.append(unit.strip())
    elif isinstance(receiving, str) and row.raw.style != "json":
        receiving_codes = _split_list(receiving)
    elif not _is_empty(receiving):
        row.error("receiving_units", "phải là danh sách mã đơn vị.")
    for unit in receiving_codes:
        if unit not in known_units:
            row.error("receiving_units", f"không tìm thấy đơn vị có mã \"{unit}\".")

    level = _choice(row, "level", row.get("level"), Level, "cấp thực hiện")
    limits = {}
    for prefix, what in (("legal_time", "thời hạn quy định"), ("committed_time", "thời hạn cam kết")):
        value = _decimal(row, f"{prefix}_value", row.get(f"{prefix}_value"), positive=True, what=what)
        raw_unit = row.get(f"{prefix}_unit")
        unit = ""
        if not _is_empty(raw_unit):
            unit = _choice(row, f"{prefix}_unit", raw_unit, TimeUnit, "đơn vị thời hạn")
        elif value is not None:
            row.error(f"{prefix}_unit", f"thiếu đơn vị của {what}; dùng {', '.join(TimeUnit.values)}.")
        if value is None and not _is_empty(row.get(f"{prefix}_value")):
            unit = ""
        elif value is None and unit:
            row.error(f"{prefix}_value", f"có đơn vị nhưng thiếu {what}.")
        limits[prefix] = (value, unit)
    (legal_value, legal_unit), (committed_value, committed_unit) = limits.values()
    if (
        legal_value is not None and committed_value is not None
        and legal_unit == committed_unit and committed_value > legal_value
    ):
        row.error(
            "committed_time_value",
            f"thời hạn cam kết ({committed_value}) dài hơn thời hạn quy định ({legal_value}).",
        )

    documents = []
    for index, item in _items(row, "documents", row.get("documents"), _document_from_text):
        for key in sorted(set(item) - set(DOCUMENT_KEYS)):
            row.error("documents", "khóa không được hỗ trợ.", index=index, sub=key)
        sub = _locator(row, index)
        documents.append(
            DocumentRecord(
                name=_text(row, "documents", item.get("name"), required=True, **sub("name")),
                form=_choice(row, "documents", item.get("form"), DocumentForm, "hình thức",
                             default=DocumentForm.ANY, **sub("form")),
                copies=_integer(row, "documents", item.get("copies"), minimum=1, what="số bản",
                                **sub("copies")) or 1,
                mandatory=_bool(row, "documents", item.get("mandatory"), True, **sub("mandatory")),
                condition=_text(row, "documents", item.get("condition"), max_length=500,
                                **sub("condition")),
            )
        )

    fees = []
    for index, item in _items(row, "fees", row.get("fees"), _fee_from_text):
        for key in sorted(set(item) - set(FEE_KEYS)):
            row.error("fees", "khóa không được hỗ trợ.", index=index, sub=key)
        sub = _locator(row, index)
        fees.append(
            FeeRecord(
                name=_text(row, "fees", item.get("name"), required=True, max_length=255, **sub("name")),
                amount=_integer(row, "fees", item.get("amount"), minimum=0, what="số tiền",
                                grouping=row.raw.style != "json", **sub("amount")),
                description=_text(row, "fees", item.get("description"), **sub("description")),
            )
        )

    steps = []
    for index, item in _items(row, "steps", row.get("steps"), _step_from_text):
        for key in sorted(set(item) - set(STEP_KEYS)):
            row.error("steps", "khóa không được hỗ trợ.", index=index, sub=key)
        sub = _locator(row, index)
        unit = _text(row, "steps", item.get("unit"), **sub("unit")) or None
        if unit and unit not in known_units:
            row.error("steps", f"không tìm thấy đơn vị có mã \"{unit}\".", **sub("unit"))
        hours = _decimal(row, "steps", item.get("hours"), positive=False, what="số giờ", **sub("hours"))
        if hours is None and _is_empty(item.get("hours")):
            row.error("steps", "thiếu số giờ.", **sub("hours"))
        steps.append(
            StepRecord(
                name=_text(row, "steps", item.get("name"), required=True, max_length=255, **sub("name")),
                role=_choice(row, "steps", item.get("role"), StepRole, "vai trò", **sub("role")),
                hours=hours if hours is not None else Decimal(0),
                unit=unit,
            )
        )

    record = ProcedureRecord(
        code=code,
        name=name,
        field=field_code,
        agency=agency,
        level=level,
        receiving_units=tuple(sorted(set(receiving_codes))),
        legal_time_value=legal_value,
        legal_time_unit=legal_unit,
        committed_time_value=committed_value,
        committed_time_unit=committed_unit,
        time_note=_text(row, "time_note", row.get("time_note")),
        cutoff=_time_of_day(row, "cutoff", row.get("cutoff")),
        fee_text=_text(row, "fee_text", row.get("fee_text")),
        fees=tuple(fees),
        result_type=_text(row, "result_type", row.get("result_type"), max_length=500),
        online_mode=_choice(row, "online_mode", row.get("online_mode"), OnlineMode,
                            "mức dịch vụ trực tuyến", default=OnlineMode.NONE),
        five_on_site=_bool(row, "five_on_site", row.get("five_on_site"), False),
        boundary_free=_bool(row, "boundary_free", row.get("boundary_free"), False),
        requires_paper_result=_bool(row, "requires_paper_result", row.get("requires_paper_result"), True),
        documents=tuple(documents),
        steps=tuple(steps),
        legal_basis=_text(row, "legal_basis", row.get("legal_basis")),
        source=_text(row, "source", row.get("source")),
        note=_text(row, "note", row.get("note")),
    )
    return record if row.ok else None


def _referenced_units(raw: RawCatalog) -> set[str]:
    codes: set[str] = set()
    for row in raw.procedures:
        values = row.values
        for value in (values.get("agency"),):
            if isinstance(value, str):
                codes.add(value.strip())
        receiving = values.get("receiving_units")
        if isinstance(receiving, list):
            codes.update(u.strip() for u in receiving if isinstance(u, str))
        elif isinstance(receiving, str):
            codes.update(_split_list(receiving))
        steps = values.get("steps")
        if isinstance(steps, list):
            codes.update(s["unit"].strip() for s in steps if isinstance(s, dict) and isinstance(s.get("unit"), str))
        elif isinstance(steps, str):
            for part in _split_list(steps):
                pieces = part.split("|")
                if len(pieces) == 4:
                    codes.add(pieces[3].strip())
    codes.discard("")
    return codes


def check_catalog(raw: RawCatalog) -> CatalogData:
    """Check every row against the rules and the database; raise ``CatalogInvalid`` listing all
    problems, or return the records."""
    problems = list(raw.problems)

    fields: dict[str, FieldRecord] = {}
    field_where: dict[str, str] = {}
    for raw_row in raw.fields:
        record = _check_field(raw_row, problems)
        if record is None:
            continue
        known = fields.get(record.code)
        if known is None:
            fields[record.code] = record
            field_where[record.code] = raw_row.where
        elif raw_row.style == "sheet-field" and known.name == record.name and raw_row.values.get(
            "order"
        ) in (None, ""):
            continue
        elif known != record:
            problems.append(
                Problem(
                    raw_row.where,
                    _Row(raw_row, []).label("name"),
                    f"lĩnh vực \"{record.code}\" đã được khai báo khác ở {field_where[record.code]}.",
                )
            )

    field_codes = {
        r.values.get("field").strip() for r in raw.procedures if isinstance(r.values.get("field"), str)
    }
    known_fields = set(fields) | set(
        Field.objects.filter(code__in=field_codes).values_list("code", flat=True)
    )
    known_units = set(
        Unit.objects.filter(code__in=_referenced_units(raw)).values_list("code", flat=True)
    )

    procedures: list[ProcedureRecord] = []
    seen: dict[str, str] = {}
    for raw_row in raw.procedures:
        record = _check_procedure(raw_row, problems, known_fields, known_units)
        code = raw_row.values.get("code")
        code = code.strip() if isinstance(code, str) else None
        if code:
            if code in seen:
                problems.append(
                    Problem(raw_row.where, "code", f"mã thủ tục \"{code}\" bị trùng với {seen[code]}.")
                )
                continue
            seen[code] = raw_row.where.split(" (")[0]
        if record is not None:
            procedures.append(record)

    if problems:
        raise CatalogInvalid(problems)
    return CatalogData(fields=list(fields.values()), procedures=procedures)
