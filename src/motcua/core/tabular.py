"""One reader for the spreadsheet files people import (bảng tính nhập liệu): CSV or XLSX.

Both the catalog import and the legacy dossier import read rows through here, so a file that one
accepts the other accepts too: CSV in UTF-8 with or without the BOM Excel writes, with "," or
";" between columns (Excel with Vietnamese regional settings saves ";"), or an XLSX workbook
read with openpyxl in read-only mode (streaming, so a 100,000-row file is not held in memory).

Rows carry their number in the file as a person sees it in Excel (the header is row 1), so an
error message can say "Dòng 7". A file that cannot be read raises ``TabularError`` with a
Vietnamese message; checking the columns and values is the caller's business.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import InvalidInput

FORMATS = ("csv", "xlsx")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class TabularError(InvalidInput):
    """The file is not a readable CSV/XLSX file (wrong type, wrong encoding, broken)."""

    def __init__(self, message: Any, *, code: str = "tabular_file"):
        super().__init__(code, message)


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its number in the file (header = 1), the cells in column order and the
    values by (normalised) header name. A column without a header, or a repeated header after
    its first occurrence, appears only in ``cells``."""

    number: int
    cells: tuple[Any, ...]
    values: dict[str, Any]

    def pick(self, header: list[str | None]) -> dict[str, Any]:
        """Values for a caller's own header (None = skip that column): the catalog drops the
        columns it refuses."""
        return {
            name: self.cells[i] if i < len(self.cells) else None
            for i, name in enumerate(header)
            if name is not None
        }


def normalise_header(cell: Any) -> str:
    """Column name as written, without case or surrounding spaces (and without a BOM or
    non-breaking spaces that Excel sometimes leaves in the first cell)."""
    if cell is None:
        return ""
    return " ".join(str(cell).replace("\ufeff", "").replace("\xa0", " ").split()).lower()


def is_blank(cells: tuple[Any, ...] | list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def detect_format(name: str) -> str:
    """"csv" or "xlsx" from a file name; ``TabularError`` for anything else."""
    suffix = Path(name).suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix == ".csv":
        return "csv"
    raise TabularError(
        _("Không nhận ra loại tệp %(name)s; dùng tệp .csv hoặc .xlsx.") % {"name": name},
        code="tabular_format",
    )


class Table:
    """An open CSV or XLSX file. Use as a context manager; ``sheet_names`` lists the XLSX
    sheets (a CSV has one, named ""); ``header(sheet)`` and ``rows(sheet)`` read one of them
    (the first by default)."""

    def __init__(self, source: str | Path | bytes, fmt: str):
        self.fmt = fmt
        self._source = source
        self._book: Any = None
        self._text: IO[str] | None = None
        if fmt == "xlsx":
            self._book = _open_book(source)
            self.sheet_names: list[str] = list(self._book.sheetnames)
        elif fmt == "csv":
            self.sheet_names = [""]
        else:
            raise TabularError(
                _("Loại tệp %(fmt)s không được hỗ trợ (csv, xlsx).") % {"fmt": fmt},
                code="tabular_format",
            )

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None
        if self._text is not None:
            self._text.close()
            self._text = None

    def _raw_rows(self, sheet: str | None) -> Iterator[tuple[Any, ...]]:
        if self.fmt == "xlsx":
            name = sheet if sheet is not None else self.sheet_names[0]
            for values in self._book[name].iter_rows(values_only=True):
                yield tuple(values or ())
            return
        yield from _csv_rows(self._open_text())

    def _open_text(self) -> IO[str]:
        if self._text is not None:
            self._text.close()
        if isinstance(self._source, bytes):
            try:
                self._text = io.StringIO(self._source.decode("utf-8-sig"), newline="")
            except UnicodeDecodeError:
                raise _not_utf8() from None
        else:
            self._text = open(self._source, encoding="utf-8-sig", newline="")  # noqa: SIM115
        return self._text

    def read(self, sheet: str | None = None) -> tuple[list[str], Iterator[Row]]:
        """The normalised header and an iterator over the non-blank data rows of one sheet."""
        raw = self._raw_rows(sheet)
        try:
            header = [normalise_header(c) for c in next(raw, ())]
        except UnicodeDecodeError:
            raise _not_utf8() from None
        return header, _data_rows(header, raw)


def _data_rows(header: list[str], raw: Iterator[tuple[Any, ...]]) -> Iterator[Row]:
    first: dict[str, int] = {}
    for index, name in enumerate(header):
        if name and name not in first:
            first[name] = index
    number = 1
    while True:
        try:
            cells = next(raw, None)
        except UnicodeDecodeError:
            raise _not_utf8(number + 1) from None
        if cells is None:
            return
        number += 1
        if is_blank(cells):
            continue
        values = {name: cells[i] if i < len(cells) else None for name, i in first.items()}
        yield Row(number, cells, values)


def _csv_rows(text: IO[str]) -> Iterator[tuple[Any, ...]]:
    first_line = text.readline()
    text.seek(0)
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    for cells in csv.reader(text, delimiter=delimiter):
        yield tuple(cells)


def _not_utf8(number: int | None = None) -> TabularError:
    if number is None:
        return TabularError(_("Tệp CSV phải mã hóa UTF-8 (trong Excel: Lưu thành CSV UTF-8)."))
    return TabularError(
        _("Tệp CSV phải mã hóa UTF-8 (trong Excel: Lưu thành CSV UTF-8); dòng %(number)s không "
          "đọc được.") % {"number": number}
    )


def _open_book(source: str | Path | bytes) -> Any:
    from openpyxl import load_workbook

    target = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        return load_workbook(target, read_only=True, data_only=True)
    except OSError as exc:
        raise TabularError(
            _("Không đọc được tệp: %(reason)s.") % {"reason": exc.strerror or exc}
        ) from exc
    except Exception as exc:  # openpyxl raises several unrelated types for a broken file
        raise TabularError(
            _("Không mở được tệp XLSX; tệp hỏng hoặc không phải bảng tính Excel (%(reason)s).")
            % {"reason": exc.__class__.__name__}
        ) from exc


def open_table(source: str | Path | bytes, fmt: str | None = None) -> Table:
    """Open a file (path) or its content (bytes, then ``fmt`` is required)."""
    if fmt is None:
        if isinstance(source, bytes):
            raise ValueError("fmt is required when reading bytes")
        fmt = detect_format(str(source))
    if not isinstance(source, bytes):
        path = Path(source)
        if not path.is_file():
            raise TabularError(_("Không tìm thấy tệp %(name)s.") % {"name": path.name})
    return Table(source, fmt)


def read_rows(
    source: str | Path | bytes, fmt: str | None = None, *, sheet: str | None = None
) -> Iterator[Row]:
    """Rows of one sheet (the first by default), streaming, the file closed at the end."""
    with open_table(source, fmt) as table:
        _header, rows = table.read(sheet)
        yield from rows
