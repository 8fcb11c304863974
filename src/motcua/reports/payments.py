"""Fees in the reports (issue 14): the daily statement per unit and provider (bảng kê đối soát:
expected, confirmed, refunded, pending) and the fees collected per field and per agency for a
period, on a page and as XLSX. Reports may import features; the figures come from
``payments.selectors``."""

from __future__ import annotations

import datetime as dt
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import dates
from motcua.core.errors import InvalidInput
from motcua.payments import selectors
from motcua.reports.views import staff_page

MAX_DAYS = 366


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dates.parse_date(request.GET["from"]) if request.GET.get("from") else \
            today.replace(day=1)
        end = dates.parse_date(request.GET["to"]) if request.GET.get("to") else today
    except ValueError:
        raise InvalidInput("invalid_date", _("Ngày phải viết dd/mm/yyyy.")) from None
    if end < start or (end - start).days > MAX_DAYS:
        raise InvalidInput("invalid_period",
                           _("Khoảng thời gian không hợp lệ (tối đa một năm).")) from None
    return start, end


def _provider_label(code: str) -> str:
    return code.upper() if code else _("Tại quầy")


def _xlsx(start, end, statement, by_field, by_agency) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Bang ke"
    sheet.append([_("Bảng kê thu phí, lệ phí"), f"{dates.format_day(start)} – "
                  f"{dates.format_day(end)}"])
    sheet.append([_("Ngày"), _("Đơn vị"), _("Kênh"), _("Dự kiến (đồng)"), _("Số giao dịch"),
                  _("Đã xác nhận (đồng)"), _("Hoàn tiền (đồng)"), _("Đang chờ (đồng)")])
    for r in statement:
        sheet.append([r.day, r.unit_name, _provider_label(r.provider), r.expected,
                      r.expected_count, r.confirmed, r.refunded, r.pending])
    for title, rows in (("Linh vuc", by_field), ("Co quan", by_agency)):
        part = book.create_sheet(title)
        part.append([_("Tên"), _("Số khoản"), _("Đã thu (đồng)"), _("Trong đó trực tuyến")])
        for row in rows:
            part.append([row["name"], row["count"], row["total"], row["online"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@staff_page
def payments_view(request, scope):
    """Phí, lệ phí: bảng kê theo ngày, đơn vị, kênh; số đã thu theo lĩnh vực, cơ quan."""
    start, end = _period(request)
    statement = selectors.daily_statement(start=start, end=end, scope=scope)
    by_field = selectors.collected(start=start, end=end, by="field", scope=scope)
    by_agency = selectors.collected(start=start, end=end, by="agency", scope=scope)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            _xlsx(start, end, statement, by_field, by_agency),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = (
            f'attachment; filename="phi-le-phi-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"')
        return response
    totals = {
        "expected": sum(r.expected for r in statement),
        "confirmed": sum(r.confirmed for r in statement),
        "refunded": sum(r.refunded for r in statement),
        "pending": sum(r.pending for r in statement),
    }
    return render(request, "reports/payments.html", {
        "start": start, "end": end, "statement": statement, "by_field": by_field,
        "by_agency": by_agency, "totals": totals,
        "rows": [(r, _provider_label(r.provider)) for r in statement],
        "from_text": dates.format_day(start), "to_text": dates.format_day(end),
    })
