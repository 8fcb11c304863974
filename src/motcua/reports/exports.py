"""Exports of the official report: JSON, Excel (official layout), PDF (A4 landscape), and the
CSV list of the underlying dossiers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

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


# ------------------------------------------------------------- the official document's frame


@dataclass(frozen=True)
class Issuer:
    """Who issues the report (cơ quan ban hành) and who signs it (NĐ 30/2020 layout)."""

    governing: str  # cơ quan chủ quản, e.g. "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    name: str  # the issuing unit
    symbol: str  # "BC-TTPVHCC": the report number's symbol
    place: str  # "Đắk Lắk" in "Đắk Lắk, ngày … tháng … năm …"
    signer_title: str  # "GIÁM ĐỐC"
    signer_name: str  # empty: signed by hand under the title
    number: str = ""  # given by the clerk (văn thư) when registered; blank dots otherwise


_COUNCIL = "ỦY BAN NHÂN DÂN"


def _governing(unit) -> str:
    from motcua.org.models import UnitKind

    parent = unit.parent if unit is not None else None
    if parent is None:
        return f"{_COUNCIL} TỈNH {settings.MOTCUA_PROVINCE_NAME}".upper()
    name = parent.name.upper()
    if parent.kind in (UnitKind.PROVINCE, UnitKind.COMMUNE) and not name.startswith(_COUNCIL):
        return f"{_COUNCIL} {name}"  # "Tỉnh Đắk Lắk" -> "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", once
    return name


def _signer(unit) -> tuple[str, str]:
    """The unit's leader (lãnh đạo, else the center manager) and the title to print."""
    from motcua.org.models import Membership, Role, UnitKind

    title = "GIÁM ĐỐC" if unit is not None and unit.kind in (
        UnitKind.PROVINCIAL_CENTER, UnitKind.COMMUNE_CENTER, UnitKind.AGENCY,
    ) else "THỦ TRƯỞNG ĐƠN VỊ"
    if unit is None:
        return title, ""
    today = timezone.localdate()
    for role in (Role.LEADER, Role.CENTER_MANAGER):
        member = (
            Membership.objects.filter(unit=unit, role=role, user__is_active=True)
            .exclude(valid_to__lt=today).select_related("user").order_by("id").first()
        )
        if member is not None:
            user = member.user
            name = f"{user.last_name} {user.first_name}".strip() or user.get_username()
            return (member.title.upper() if member.title else title), name
    return title, ""


def issuer_for(unit=None, *, number: str = "") -> Issuer:
    """The heading of a report issued by ``unit`` (default: the provincial center)."""
    from motcua.org.models import Unit, UnitKind

    if unit is None:
        unit = Unit.objects.filter(kind=UnitKind.PROVINCIAL_CENTER, is_active=True) \
            .order_by("code").first()
    if unit is None:
        name, suffix = f"{_COUNCIL} TỈNH {settings.MOTCUA_PROVINCE_NAME}".upper(), "UBND"
    else:
        name = unit.name.upper()
        suffix = "TTPVHCC" if unit.kind in (
            UnitKind.PROVINCIAL_CENTER, UnitKind.COMMUNE_CENTER) else (unit.short_name or "")
    place = settings.MOTCUA_PROVINCE_NAME
    node = unit
    while node is not None:
        if node.kind == UnitKind.COMMUNE:
            place = re.sub(r"^(ủy ban nhân dân\s+)?(xã|phường|đặc khu)\s+", "", node.name,
                           flags=re.IGNORECASE)
            break
        node = node.parent
    title, signer = _signer(unit)
    return Issuer(
        governing=_governing(unit) if unit is not None else "",
        name=name, symbol="-".join(p for p in ("BC", suffix) if p), place=place,
        signer_title=title, signer_name=signer, number=number.strip(),
    )


def _date_words(day: dt.date) -> str:
    """'ngày 07 tháng 02 năm 2026': day and months 1–2 with a leading zero (NĐ 30/2020)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


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


# The official table (domain §6.2): "Trong kỳ" spans its channels in a third header row.
_RECEIVED_HEAD = [("Tổng số", 1), ("Kỳ trước chuyển sang", 1), ("Trong kỳ", 4)]
_NEW_SUBS = ["Tổng số", "Trực tuyến", "Trực tiếp", "Bưu chính công ích"]


@in_vietnamese
def to_html(report: Report, issuer: Issuer | None = None) -> str:
    """The report as an official document (A4 landscape): national heading, issuing body,
    number and date, title and period, the table, the signature block."""
    issuer = issuer or issuer_for()
    rows = [
        {"number": i, "label": row.label, "cells": [_number(v) for v in _cells(row)]}
        for i, row in enumerate(report.rows, start=1)
    ]
    issued = (report.generated_at or timezone.now()).astimezone(VN).date()
    return render_to_string(
        "reports/official_report_pdf.html",
        {
            "title": str(report.TITLE),
            # Under "BÁO CÁO" the subject (trích yếu) reads "Tình hình …", not "Báo cáo …" again.
            "subject": re.sub(r"^Báo cáo\s+", "", str(report.TITLE)).capitalize(),
            "issuer": issuer,
            "place_date": f"{issuer.place}, {_date_words(issued)}",
            "period": (f"Kỳ báo cáo: từ ngày {report.date_from:%d/%m/%Y} đến ngày "
                       f"{report.date_to:%d/%m/%Y} ({report.working_days} ngày làm việc)"),
            "as_of": f"Số liệu tính đến {report.as_of.astimezone(VN):%H giờ %M ngày %d/%m/%Y}",
            "by_label": report.by_label,
            "groups": [(group, [label for label, _ in subs]) for group, subs in GROUPS],
            "received_head": _RECEIVED_HEAD,
            "new_subs": _NEW_SUBS,
            "column_numbers": [f"({i})" for i in range(1, 3 + len(COLUMNS))],
            "rows": rows,
            "total": [_number(v) for v in _cells(report.total)],
            "total_label": report.total.label,
        },
    )


@in_vietnamese
def to_pdf(report: Report, issuer: Issuer | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(report, issuer)).write_pdf()


CSV_HEADER = [
    "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Nơi tiếp nhận", "Cơ quan giải quyết", "Kênh nộp",
    "Tiếp nhận lúc", "Hạn xử lý (thống kê)", "Hạn ban đầu", "Kết thúc xử lý lúc",
    "Trả kết quả lúc", "Mã trạng thái", "Trạng thái", "Kỳ trước chuyển sang", "Nhóm",
    "Tiến độ", "Tiến độ (QĐ 766)", "Số lần yêu cầu bổ sung",
]


def verdict_766(line) -> str:
    """The 766 view's word for a dossier line (as ``Tiến độ``: "Trong hạn" when not ended)."""
    if line.category != "processed" and line.timeliness_766 == "on_time":
        return _IN_TIME
    return VERDICT[line.timeliness_766]
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
            verdict_766(line), line.supplements,
        ])
        n += 1
    return n
