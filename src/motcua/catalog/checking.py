"""Checking catalog rows (kiểm tra danh mục thủ tục) read by ``motcua.catalog.importers``.

Checking turns raw rows into ``ProcedureRecord``s and collects every problem, each naming the
row and the column, so a province's clerk can fix a whole file in one pass instead of one error
at a time. It reads the database (known fields and units) and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from motcua.catalog.importers import CatalogInvalid, Problem, RawCatalog, RawRow
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
from motcua.core.text import fold
from motcua.org.models import Level, Unit

JSON_LABELS = {
    "legal_time_value": "legal_time.value",
    "legal_time_unit": "legal_time.unit",
    "committed_time_value": "committed_time.value",
    "committed_time_unit": "committed_time.unit",
}
DOCUMENT_KEYS = ("name", "form", "copies", "mandatory", "condition")
FEE_KEYS = ("name", "amount", "description", "per_copy", "online_reduction_percent", "exemptions")
# Spreadsheet fee markers (payments2): "Lệ phí|10000 [per_copy] [online -50%] [exempt: Hộ nghèo]".
PER_COPY_MARKERS = {"per_copy", "per copy", "moi ban", "theo ban"}
ONLINE_RE = re.compile(r"^(?:online|truc tuyen)\s*-\s*(\d+)\s*%$")
EXEMPT_PREFIXES = ("exempt:", "mien:")
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


@dataclass
class CatalogData:
    """A checked file, ready for the import service."""

    fields: list[FieldRecord]
    procedures: list[ProcedureRecord]


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


def _entries(row: _Row, key: str, parse_text, allowed: tuple[str, ...]):
    """(item, locator) for each entry of a list column, its unsupported keys reported."""
    for index, item in _items(row, key, row.get(key), parse_text):
        for extra in sorted(set(item) - set(allowed)):
            row.error(key, "khóa không được hỗ trợ.", index=index, sub=extra)
        yield item, _locator(row, index)


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
    item: dict[str, Any] = {}
    exemptions: list[str] = []
    while match := MARKER_RE.search(text):
        marker = match.group(1).strip()
        folded = fold(marker)
        text = text[: match.start()]
        if folded in PER_COPY_MARKERS:
            item["per_copy"] = True
        elif online := ONLINE_RE.match(folded):
            item["online_reduction_percent"] = online.group(1)
        elif prefix := next((p for p in EXEMPT_PREFIXES if folded.startswith(p)), None):
            exemptions.insert(0, marker[len(prefix):].strip())
        else:
            row.error(key, f"nhãn [{marker}] không hợp lệ; dùng [per_copy], [online -50%], "
                           "[exempt: ...].", index=index)
            return None
    parts = [p.strip() for p in text.split("|")]
    if len(parts) > 3:
        row.error(key, "cần dạng tên|số tiền|mô tả.", index=index)
        return None
    parts += [""] * (3 - len(parts))
    if exemptions:
        item["exemptions"] = exemptions
    return {"name": parts[0], "amount": parts[1], "description": parts[2], **item}


def _percent(row: _Row, value: Any, **loc) -> int:
    percent = _integer(row, "fees", value, minimum=0, what="tỷ lệ giảm", **loc)
    if percent is not None and percent > 100:
        row.error("fees", "tỷ lệ giảm phải từ 0 đến 100 (%).", **loc)
        return 0
    return percent or 0


def _exemptions(row: _Row, key: str, value: Any, **loc) -> tuple[str, ...]:
    """Exemption categories (đối tượng miễn): a list of distinct non-empty names."""
    if _is_empty(value):
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        row.error(key, "đối tượng miễn phải là danh sách tên (chuỗi).", **loc)
        return ()
    names = [v.strip() for v in value if v.strip()]
    if any(len(v) > 255 for v in names):
        row.error(key, "tên đối tượng miễn tối đa 255 ký tự.", **loc)
    if len(set(names)) != len(names):
        row.error(key, "đối tượng miễn bị lặp.", **loc)
    return tuple(names)


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
    for item, sub in _entries(row, "documents", _document_from_text, DOCUMENT_KEYS):
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
    for item, sub in _entries(row, "fees", _fee_from_text, FEE_KEYS):
        fees.append(
            FeeRecord(
                name=_text(row, "fees", item.get("name"), required=True, max_length=255, **sub("name")),
                amount=_integer(row, "fees", item.get("amount"), minimum=0, what="số tiền",
                                grouping=row.raw.style != "json", **sub("amount")),
                description=_text(row, "fees", item.get("description"), **sub("description")),
                per_copy=_bool(row, "fees", item.get("per_copy"), False, **sub("per_copy")),
                online_reduction_percent=_percent(row, item.get("online_reduction_percent"),
                                                  **sub("online_reduction_percent")),
                exemptions=_exemptions(row, "fees", item.get("exemptions"), **sub("exemptions")),
            )
        )
        if fees[-1].per_copy and fees[-1].amount is None:
            row.error("fees", "khoản thu tính theo bản cần đơn giá (số tiền).", **sub("amount"))

    steps = []
    for item, sub in _entries(row, "steps", _step_from_text, STEP_KEYS):
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
        value.strip() for r in raw.procedures if isinstance(value := r.values.get("field"), str)
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
        procedure = _check_procedure(raw_row, problems, known_fields, known_units)
        raw_code = raw_row.values.get("code")
        code = raw_code.strip() if isinstance(raw_code, str) else None
        if code:
            if code in seen:
                problems.append(
                    Problem(raw_row.where, "code", f"mã thủ tục \"{code}\" bị trùng với {seen[code]}.")
                )
                continue
            seen[code] = raw_row.where.split(" (")[0]
        if procedure is not None:
            procedures.append(procedure)

    if problems:
        raise CatalogInvalid(problems)
    return CatalogData(fields=list(fields.values()), procedures=procedures)
