"""Writing the catalog (xuất danh mục thủ tục) as JSON, CSV or XLSX.

The output is the import format: exporting and importing back gives the same catalog, and
importing the export into the same database changes nothing.
"""

from __future__ import annotations

import csv
import io
import json

from motcua.catalog.importers import SHEET_COLUMNS
from motcua.catalog.models import DocumentForm
from motcua.catalog.records import (
    DocumentRecord,
    FieldRecord,
    ProcedureRecord,
    decimal_text,
    number,
    time_text,
)
from motcua.catalog.selectors import catalog_records


def _limit(value, unit):
    return {"value": number(value), "unit": unit} if value is not None else None


def fee_json(fee) -> dict:
    """A fee in JSON: the rules (payments2) only when set, so older files read the same."""
    item: dict = {"name": fee.name, "amount": fee.amount, "description": fee.description}
    if fee.per_copy:
        item["per_copy"] = True
    if fee.online_reduction_percent:
        item["online_reduction_percent"] = fee.online_reduction_percent
    if fee.exemptions:
        item["exemptions"] = list(fee.exemptions)
    return item


def fee_text(fee) -> str:
    """A fee in a spreadsheet cell: ``tên|số tiền|mô tả`` then its rule markers, ``[per_copy]``,
    ``[online -50%]``, ``[exempt: Hộ nghèo]`` (one per category)."""
    text = "|".join([fee.name, "" if fee.amount is None else str(fee.amount), fee.description])
    text = text.rstrip("|")
    markers = []
    if fee.per_copy:
        markers.append("[per_copy]")
    if fee.online_reduction_percent:
        markers.append(f"[online -{fee.online_reduction_percent}%]")
    markers += [f"[exempt: {category}]" for category in fee.exemptions]
    return " ".join([text, *markers]) if markers else text


def record_to_json(record: ProcedureRecord) -> dict:
    return {
        "code": record.code,
        "name": record.name,
        "field": record.field,
        "agency": record.agency,
        "receiving_units": list(record.receiving_units),
        "level": record.level,
        "legal_time": _limit(record.legal_time_value, record.legal_time_unit),
        "committed_time": _limit(record.committed_time_value, record.committed_time_unit),
        "time_note": record.time_note,
        "cutoff": time_text(record.cutoff),
        "fee_text": record.fee_text,
        "fees": [
            fee_json(f) for f in record.fees
        ],
        "result_type": record.result_type,
        "online_mode": record.online_mode,
        "five_on_site": record.five_on_site,
        "boundary_free": record.boundary_free,
        "requires_paper_result": record.requires_paper_result,
        "documents": [
            {
                "name": d.name, "form": d.form, "copies": d.copies, "mandatory": d.mandatory,
                "condition": d.condition,
            }
            for d in record.documents
        ],
        "steps": [
            {"name": s.name, "role": s.role, "unit": s.unit, "hours": number(s.hours)}
            for s in record.steps
        ],
        "legal_basis": record.legal_basis,
        "source": record.source,
        "note": record.note,
    }


def field_to_json(record: FieldRecord) -> dict:
    return {"code": record.code, "name": record.name, "order": record.order}


def _join(items: list[str]) -> str:
    """One item per line; a lone item holding ";" gets a trailing newline so that reading it
    back splits by lines, not by ";"."""
    text = "\n".join(items)
    if len(items) == 1 and ";" in items[0]:
        text += "\n"
    return text


def document_text(document: DocumentRecord) -> str:
    text = document.name
    if document.form != DocumentForm.ANY:
        text += f" [{document.form}]"
    if not document.mandatory:
        text += " [optional]"
    if document.copies != 1:
        text += f" [x{document.copies}]"
    if document.condition:
        text += f" [condition: {document.condition}]"
    return text


def record_to_row(record: ProcedureRecord, fields: dict[str, FieldRecord]) -> dict:
    field = fields.get(record.field)
    return {
        "code": record.code,
        "name": record.name,
        "field": record.field,
        "field_name": field.name if field else "",
        "field_order": field.order if field else "",
        "agency": record.agency,
        "receiving_units": ";".join(record.receiving_units),
        "level": record.level,
        "legal_time_value": decimal_text(record.legal_time_value),
        "legal_time_unit": record.legal_time_unit,
        "committed_time_value": decimal_text(record.committed_time_value),
        "committed_time_unit": record.committed_time_unit,
        "time_note": record.time_note,
        "cutoff": time_text(record.cutoff) or "",
        "fee_text": record.fee_text,
        "fees": _join(
            [
                fee_text(f) for f in record.fees
            ]
        ),
        "result_type": record.result_type,
        "online_mode": record.online_mode,
        "five_on_site": "true" if record.five_on_site else "false",
        "boundary_free": "true" if record.boundary_free else "false",
        "requires_paper_result": "true" if record.requires_paper_result else "false",
        "documents": _join([document_text(d) for d in record.documents]),
        "steps": _join(
            [
                "|".join(
                    [s.name, s.role, decimal_text(s.hours)] + ([s.unit] if s.unit else [])
                )
                for s in record.steps
            ]
        ),
        "legal_basis": record.legal_basis,
        "source": record.source,
        "note": record.note,
    }


def export_json(fields: list[FieldRecord], procedures: list[ProcedureRecord]) -> bytes:
    doc = {
        "fields": [field_to_json(f) for f in fields],
        "procedures": [record_to_json(p) for p in procedures],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_csv(fields: list[FieldRecord], procedures: list[ProcedureRecord]) -> bytes:
    by_code = {f.code: f for f in fields}
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=SHEET_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in procedures:
        writer.writerow(record_to_row(record, by_code))
    # The byte-order mark makes Excel read the file as UTF-8 and show the diacritics.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(fields: list[FieldRecord], procedures: list[ProcedureRecord]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    by_code = {f.code: f for f in fields}
    book = Workbook()
    sheet = book.active
    sheet.title = "procedures"
    sheet.append(list(SHEET_COLUMNS))
    for record in procedures:
        row = record_to_row(record, by_code)
        # The "fields" sheet carries field names and order.
        row["field_name"] = row["field_order"] = ""
        sheet.append([row[c] if row[c] != "" else None for c in SHEET_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column in ("documents", "steps", "fees"):
        letter = sheet.cell(row=1, column=SHEET_COLUMNS.index(column) + 1).column_letter
        sheet.column_dimensions[letter].width = 60
        for cell in sheet[letter][1:]:
            cell.alignment = wrap
    fields_sheet = book.create_sheet("fields")
    fields_sheet.append(["code", "name", "order"])
    for field in fields:
        fields_sheet.append([field.code, field.name, field.order])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXPORTERS = {"json": export_json, "csv": export_csv, "xlsx": export_xlsx}


def export_catalog(fmt: str) -> bytes:
    """The whole current catalog (the current published version of every procedure)."""
    fields, procedures = catalog_records()
    return EXPORTERS[fmt](fields, procedures)
