"""Reading catalog files (nhập danh mục thủ tục): JSON, CSV and XLSX.

Reading turns a file into raw rows that remember where they came from (a JSON index or a
spreadsheet row); CSV and XLSX go through the one tabular reader (``motcua.core.tabular``).
Checking the rows is ``motcua.catalog.checking``. Nothing here writes to the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import InvalidInput
from motcua.core.tabular import Row, TabularError, open_table

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
            _("Tệp danh mục có %(count)s lỗi; không có thủ tục nào được nhập.")
            % {"count": len(self.problems)},
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


# Reading ---------------------------------------------------------------------------------


def detect_format(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise InvalidInput(
        "catalog_format",
        _("Không nhận ra định dạng của tệp %(name)s; dùng đuôi .json, .csv hoặc .xlsx.") % {"name": name},
    )


def read_catalog(path: str | Path, fmt: str | None = None) -> RawCatalog:
    """Read a catalog file; the format comes from the extension unless given."""
    path = Path(path)
    fmt = fmt or detect_format(path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput("catalog_file", _("Không đọc được tệp %(path)s: %(strerror)s.") % {"path": path, "strerror": exc.strerror}) from exc
    return read_bytes(data, fmt)


def read_bytes(data: bytes, fmt: str) -> RawCatalog:
    if fmt == "json":
        return _read_json(data)
    if fmt in ("csv", "xlsx"):
        return _read_sheets(data, fmt)
    raise InvalidInput("catalog_format", _("Định dạng %(fmt)s không được hỗ trợ (json, csv, xlsx).") % {"fmt": fmt})


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


def _read_sheets(data: bytes, fmt: str) -> RawCatalog:
    """CSV or XLSX through the one tabular reader; an XLSX may carry a "fields" sheet."""
    raw = RawCatalog(fmt=fmt)
    try:
        with open_table(data, fmt) as table:
            names = table.sheet_names
            main = "procedures" if "procedures" in names else next(
                (n for n in names if n != FIELD_SHEET), names[0]
            )
            _read_sheet_rows(raw, *table.read(main))
            if fmt == "xlsx" and FIELD_SHEET in names:
                _read_field_sheet(raw, *table.read(FIELD_SHEET))
    except TabularError as exc:
        raw.problems.append(Problem("Tệp", None, str(exc.message)))
    return raw


def _header(raw: RawCatalog, names: list[str], allowed: tuple[str, ...], where: str) -> list[str | None]:
    """The file's header with the refused and repeated columns as None (each reported)."""
    header: list[str | None] = []
    for name in names:
        if not name:
            header.append(None)
        elif name not in allowed:
            raw.problems.append(Problem(where, name, "cột không được hỗ trợ."))
            header.append(None)
        elif name in header:
            raw.problems.append(Problem(where, name, "cột bị lặp."))
            header.append(None)
        else:
            header.append(name)
    return header


def _read_sheet_rows(raw: RawCatalog, names: list[str], rows: Iterator[Row]) -> None:
    if not names:
        raw.problems.append(Problem("Tệp", None, "tệp trống, thiếu dòng tiêu đề."))
        return
    header = _header(raw, names, SHEET_COLUMNS, "Dòng tiêu đề")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    for column in missing:
        raw.problems.append(Problem("Dòng tiêu đề", column, "thiếu cột bắt buộc."))
    if missing:
        return
    for row in rows:
        values = row.pick(header)
        # Excel turns 1.001193 into a number; six decimals give the code back.
        if isinstance(values.get("code"), float):
            values["code"] = f"{values['code']:.6f}"
        row_where = f"Dòng {row.number}"
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


def _read_field_sheet(raw: RawCatalog, names: list[str], rows: Iterator[Row]) -> None:
    if not names:
        return
    where = f"Trang {FIELD_SHEET}"
    header = _header(raw, names, FIELD_COLUMNS, f"{where}, dòng tiêu đề")
    for column in ("code", "name"):
        if column not in header:
            raw.problems.append(Problem(f"{where}, dòng tiêu đề", column, "thiếu cột bắt buộc."))
            return
    for row in rows:
        raw.fields.append(RawRow(f"{where}, dòng {row.number}", row.pick(header), "sheet"))
