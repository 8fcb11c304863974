"""Exports of the official report: JSON, Excel (official layout), PDF (A4 landscape), and the
CSV list of the underlying dossiers."""

from __future__ import annotations

import csv
import io
import json

from django.template.loader import render_to_string

from motcua.core.language import in_vietnamese
from motcua.dossiers.states import NATIONAL_CODE, NATIONAL_NAME, Channel
from motcua.reports.engine import Report, ReportRow, Window, dossier_lines
from motcua.reports.ledger import VN

FORMATS = ("json", "xlsx", "pdf", "csv")

# (group header, [(sub-header, getter)]) in the order of the official table (§6.2).
GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Tiếp nhận", [
        ("Tổng số", "received"), ("Kỳ trước chuyển sang", "carried_over"),
        ("Trong kỳ", "new"), ("Trực tuyến", "online"), ("Trực tiếp", "counter"),
        ("Bưu chính công ích", "post"),
    ]),
    ("Đã xử lý", [
        ("Tổng số", "processed"), ("Trước hạn", "processed_early"),
        ("Đúng hạn", "processed_on_time"), ("Quá hạn", "processed_late"),
    ]),
    ("Đang xử lý", [
        ("Tổng số", "in_process"), ("Trong hạn", "in_process_on_time"),
        ("Quá hạn", "in_process_overdue"),
    ]),
    ("Tạm dừng xử lý", [
        ("Tổng số", "paused"), ("Trong hạn", "paused_on_time"), ("Quá hạn", "paused_overdue"),
    ]),
    ("Tỷ lệ (%)", [
        ("Đúng hạn", "on_time_rate"), ("Trực tuyến", "online_share"),
        ("Số hóa", "digitisation_share"), ("TT trực tuyến", "online_payment_share"),
    ]),
    ("Bình quân/ngày", [("Tiếp nhận", "daily_received"), ("Đã xử lý", "daily_processed")]),
]
COLUMNS = [getter for _, subs in GROUPS for _, getter in subs]


def _fmt_dt(value) -> str:
    return value.astimezone(VN).strftime("%d/%m/%Y %H:%M") if value else ""


def header_lines(report: Report) -> list[str]:
    return [
        f"Kỳ báo cáo: từ ngày {report.date_from:%d/%m/%Y} đến ngày {report.date_to:%d/%m/%Y} "
        f"({report.working_days} ngày làm việc)",
        f"Số liệu tính đến: {report.as_of.astimezone(VN):%H:%M:%S ngày %d/%m/%Y}",
        f"Nhóm theo: {report.by_label}",
    ]


@in_vietnamese
def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def _cells(row: ReportRow) -> list:
    return [getattr(row, name) for name in COLUMNS]


@in_vietnamese
def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ncols = 2 + len(COLUMNS)
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    ws.cell(1, 1, str(report.TITLE).upper()).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.cell(1, 1).alignment = center
    for i, line in enumerate(header_lines(report), start=2):
        ws.cell(i, 1, line)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=ncols)
        ws.cell(i, 1).alignment = center

    top = 6  # two header rows: groups, then sub-columns
    ws.cell(top, 1, "STT")
    ws.cell(top, 2, report.by_label)
    for col in (1, 2):
        ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
    col = 3
    for group, subs in GROUPS:
        ws.cell(top, col, group)
        ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + len(subs) - 1)
        for offset, (label, _) in enumerate(subs):
            ws.cell(top + 1, col + offset, label)
        col += len(subs)
    for r in (top, top + 1):
        for c in range(1, ncols + 1):
            cell = ws.cell(r, c)
            cell.font, cell.alignment, cell.border = bold, center, border

    r = top + 2
    for number, row in enumerate(report.rows, start=1):
        for c, value in enumerate([number, row.label, *_cells(row)], start=1):
            ws.cell(r, c, value).border = border
        r += 1
    for c, value in enumerate(["", report.total.label, *_cells(report.total)], start=1):
        cell = ws.cell(r, c, value)
        cell.font, cell.border = bold, border

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 40
    for c in range(3, ncols + 1):
        ws.column_dimensions[get_column_letter(c)].width = 11
    ws.row_dimensions[top + 1].height = 45
    ws.freeze_panes = ws.cell(top + 2, 3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")
    return f"{value:,}".replace(",", ".")


@in_vietnamese
def to_html(report: Report) -> str:
    rows = [
        {"number": i, "label": row.label, "cells": [_number(v) for v in _cells(row)]}
        for i, row in enumerate(report.rows, start=1)
    ]
    return render_to_string(
        "reports/official_report_pdf.html",
        {
            "title": str(report.TITLE),
            "lines": header_lines(report),
            "by_label": report.by_label,
            "groups": [(group, [label for label, _ in subs]) for group, subs in GROUPS],
            "rows": rows,
            "total": [_number(v) for v in _cells(report.total)],
            "total_label": report.total.label,
        },
    )


@in_vietnamese
def to_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(report)).write_pdf()


CSV_HEADER = [
    "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Nơi tiếp nhận", "Cơ quan giải quyết", "Kênh nộp",
    "Tiếp nhận lúc", "Hạn xử lý (thống kê)", "Hạn ban đầu", "Kết thúc xử lý lúc",
    "Trả kết quả lúc", "Mã trạng thái", "Trạng thái", "Kỳ trước chuyển sang", "Nhóm",
    "Tiến độ",
]
CATEGORY = {"processed": "Đã xử lý", "in_process": "Đang xử lý", "paused": "Tạm dừng xử lý"}
VERDICT = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn", "overdue": "Quá hạn"}
_IN_TIME = "Trong hạn"


@in_vietnamese
def write_csv(window: Window, filters: dict, out) -> int:
    """The dossiers behind the report (status as of the report instant); returns the count."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    extra = (
        "code", "procedure_version__procedure__code", "procedure_version__name",
        "receiving_unit__name", "competent_unit__name", "returned_at",
    )
    channels = dict(Channel.choices)
    n = 0
    for line in dossier_lines(window, filters, extra):
        row = line.row
        returned = row["returned_at"]
        if returned is not None and returned > window.as_of:
            returned = None
        code = NATIONAL_CODE[line.status]
        verdict = VERDICT[line.timeliness]
        if line.category != "processed" and line.timeliness == "on_time":
            verdict = _IN_TIME
        writer.writerow([
            row["code"], row["procedure_version__procedure__code"],
            row["procedure_version__name"], row["receiving_unit__name"],
            row["competent_unit__name"], str(channels.get(row["channel"], row["channel"])),
            _fmt_dt(row["received_at"]), _fmt_dt(line.due_at), _fmt_dt(row["original_due_at"]),
            _fmt_dt(line.finished_at), _fmt_dt(returned), code, NATIONAL_NAME[code],
            "x" if line.carried_over else "", CATEGORY[line.category], verdict,
        ])
        n += 1
    return n
