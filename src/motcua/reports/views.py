"""Report pages (trang báo cáo): dashboard, drill-down list, public transparency page, 766 index,
TT 01/2018 scoring and workload. Thin: parse the query, call one module, render.

Staff pages need the center manager, leader or administrator role (``api.report_scope``);
holders of those roles outside the province and its center see only their own units. An
anonymous visitor is sent to the login page; a wrong role or unit gets 403. The transparency
page is public and shows aggregates only.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from motcua.catalog.models import Field
from motcua.core.errors import InvalidInput, NotAllowed
from motcua.dossiers.states import NATIONAL_CODE, NATIONAL_NAME, Channel
from motcua.org.models import RECEIVING_KINDS, Unit
from motcua.reports import dashboard as dash
from motcua.reports import exports
from motcua.reports.api import report_scope
from motcua.reports.engine import GROUPINGS, end_of_day, official_report
from motcua.reports.exports import CATEGORY, CSV_HEADER, VERDICT, verdict_766
from motcua.reports.index766 import service_index
from motcua.reports.ledger import VN
from motcua.reports.params import parse_as_of
from motcua.reports.scoring import scoring
from motcua.reports.transparency import transparency
from motcua.reports.workload import workload

PAGE_SIZE = 50

# The drill-down list shows the official words of the CSV (exports.VERDICT, NATIONAL_NAME) and
# translates them when rendering, as the portal does with status names; listed here so that
# makemessages keeps them in the catalogue.
TRANSLATED_AT_RENDER = (
    gettext_noop("Trước hạn"), gettext_noop("Đúng hạn"), gettext_noop("Quá hạn"),
    gettext_noop("Trong hạn"),
    gettext_noop("Mới đăng ký"), gettext_noop("Được tiếp nhận"),
    gettext_noop("Không được tiếp nhận"), gettext_noop("Đang xử lý"),
    gettext_noop("Yêu cầu bổ sung giấy tờ"), gettext_noop("Yêu cầu thực hiện nghĩa vụ tài chính"),
    gettext_noop("Công dân yêu cầu rút hồ sơ"), gettext_noop("Dừng xử lý"),
    gettext_noop("Đã xử lý xong"), gettext_noop("Đã trả kết quả"),
)


def _forbidden(request, message: str):
    return render(request, "reports/forbidden.html", {"message": message}, status=403)


def _bad_request(request, error: InvalidInput):
    return render(request, "reports/error.html", {"message": error.message}, status=400)


def staff_page(view):
    """Login required, then the reporting roles; the scope is passed to the view."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            scope = report_scope(request.user)
            return view(request, scope, *args, **kwargs)
        except NotAllowed as error:
            return _forbidden(request, error.message)
        except InvalidInput as error:
            return _bad_request(request, error)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return require_GET(wrapper)


def _filter_choices(scope: dict | None) -> dict:
    units = Unit.objects.filter(kind__in=RECEIVING_KINDS)
    agencies = Unit.objects.filter(procedure_versions__isnull=False).distinct()
    if scope is not None:
        units = units.filter(pk__in=scope["receiving_unit"])
        agencies = Unit.objects.filter(pk__in=scope["competent_unit"])
    return {
        "unit_choices": list(units.order_by("code").values("code", "name")),
        "agency_choices": list(agencies.order_by("code").values("code", "name")),
        "field_choices": list(Field.objects.order_by("order", "name").values("code", "name")),
        "channel_choices": Channel.choices,
        "presets": dash.PRESETS.items(),
    }


def _base_context(params: dash.PageParams, scope) -> dict:
    return {"params": params, "q": params.query(), **_filter_choices(scope)}


def _as_of_text(as_of: dt.datetime) -> str:
    return as_of.astimezone(VN).isoformat()


def drill_url(params: dash.PageParams, as_of: dt.datetime, metric: str, **dims) -> str:
    query = params.query(metric=metric, as_of=_as_of_text(as_of), **dims)
    return reverse("reports:dossiers") + "?" + urlencode(query)


def _row_view(params, as_of, row, dim: str | None) -> dict:
    dims = {dim: row.code} if dim else {}

    def link(metric):
        return drill_url(params, as_of, metric, **dims)

    return {
        "label": row.label,
        "code": row.code,
        "received": row.received, "received_url": link("received"),
        "new": row.new, "new_url": link("new"),
        "processed": row.processed, "processed_url": link("processed"),
        "in_time": row.processed_early + row.processed_on_time, "in_time_url": link("in_time"),
        "late": row.processed_late, "late_url": link("late"),
        "overdue": row.in_process_overdue + row.paused_overdue, "overdue_url": link("overdue"),
        "online": row.online, "online_url": link("online"),
        "on_time_rate": row.on_time_rate,
        "online_share": row.online_share,
    }


@staff_page
def dashboard_view(request, scope):
    """Bảng điều hành: received and resolved per day, on-time rates, overdue, online share."""
    params = dash.parse_params(request.GET, scope=scope)
    data = dash.dashboard(params, as_of=parse_as_of(request.GET.get("as_of")))
    as_of = data.as_of
    chart = data.chart_data()
    chart["received_urls"] = [
        drill_url(params, as_of, "new", day=p.day.isoformat()) for p in data.days
    ]
    chart["processed_urls"] = [
        drill_url(params, as_of, "processed", day=p.day.isoformat()) for p in data.days
    ]
    from motcua.reports import satisfaction

    return render(request, "reports/dashboard.html", {
        **_base_context(params, scope), **download_context(params, as_of),
        "data": data,
        "satisfaction": satisfaction.summary(params.date_from, params.date_to, params.filters),
        "as_of": as_of,
        "total": _row_view(params, as_of, data.total, None),
        "agencies": [_row_view(params, as_of, r, "agency") for r in data.by_agency.rows],
        "fields": [_row_view(params, as_of, r, "field") for r in data.by_field.rows],
        "units": [_row_view(params, as_of, r, "unit") for r in data.by_unit.rows],
        "chart": chart,
        # The chart legends, for reports/dashboard.js (no inline script under the CSP).
        "chart_labels": {
            "received": _("Tiếp nhận"), "processed": _("Đã xử lý"), "online": _("Trực tuyến"),
            "counter": _("Trực tiếp"), "post": _("Bưu chính công ích"),
            "rate": _("Tỷ lệ đúng hạn (%)"),
        },
        "days": [
            {"day": p.day, "received": p.received, "processed": p.processed,
             "received_url": u1, "processed_url": u2}
            for p, u1, u2 in zip(data.days, chart["received_urls"], chart["processed_urls"],
                                 strict=True)
        ],
    })


def _parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("invalid_date", _("Ngày không hợp lệ."), field="day") from None


def _line_view(line) -> dict:
    code = NATIONAL_CODE[line.status]
    verdict = VERDICT[line.timeliness]
    if line.category != "processed" and line.timeliness == "on_time":
        verdict = "Trong hạn"
    return {
        "code": line.row["code"],
        "procedure_code": line.row["procedure_version__procedure__code"],
        "procedure": line.row["procedure_version__name"],
        "receiving_unit": line.row["receiving_unit__name"],
        "competent_unit": line.row["competent_unit__name"],
        "channel": line.row["channel"],
        "received_at": line.row["received_at"],
        "due_at": line.due_at,
        "finished_at": line.finished_at,
        "returned_at": line.row["returned_at"],
        "status_code": code,
        "status": NATIONAL_NAME[code],
        "category": CATEGORY[line.category],
        "carried_over": line.carried_over,
        "timeliness": verdict,
        "late": line.timeliness in ("late", "overdue"),
    }


def _fmt(value) -> str:
    return value.astimezone(VN).strftime("%d/%m/%Y %H:%M") if value else ""


# An export, like the official report's: Vietnamese whatever the page language (the channel
# labels would otherwise follow it).
@translation.override("vi")
def _csv(lines, as_of) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ho-so-bao-cao.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a BOM
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    channels = dict(Channel.choices)
    for line in lines:
        v = _line_view(line)
        returned = v["returned_at"] if v["returned_at"] and v["returned_at"] <= as_of else None
        writer.writerow([
            v["code"], v["procedure_code"], v["procedure"], v["receiving_unit"],
            v["competent_unit"], str(channels.get(v["channel"], v["channel"])),
            _fmt(v["received_at"]), _fmt(v["due_at"]), _fmt(line.row["original_due_at"]),
            _fmt(v["finished_at"]), _fmt(returned), v["status_code"], v["status"],
            "x" if v["carried_over"] else "", v["category"], v["timeliness"],
            verdict_766(line), line.supplements,
        ])
    return response


@staff_page
def dossier_list_view(request, scope):
    """The dossiers behind one dashboard number (danh sách hồ sơ theo chỉ tiêu)."""
    params = dash.parse_params(request.GET, scope=scope)
    metric = request.GET.get("metric") or "received"
    day = _parse_day(request.GET.get("day"))
    as_of = parse_as_of(request.GET.get("as_of"))
    if as_of is None:
        as_of = min(end_of_day(params.date_to), timezone.now())
    lines = list(dash.drill_lines(params, metric, as_of=as_of, day=day))
    if request.GET.get("format") == "csv":
        return _csv(lines, as_of)
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    query = params.query(metric=metric, as_of=_as_of_text(as_of),
                         day=day.isoformat() if day else None)
    return render(request, "reports/dossier_list.html", {
        **_base_context(params, scope), **download_context(params, as_of),
        "metric": metric,
        "metric_label": dash.METRICS[metric],
        "day": day,
        "as_of": as_of,
        "count": len(lines),
        "page": page,
        "rows": [_line_view(line) for line in page.object_list],
        "query": urlencode(query),
        "csv_url": reverse("reports:dossiers") + "?" + urlencode({**query, "format": "csv"}),
    })


DOWNLOAD_FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
}


def _issuing_unit(params: dash.PageParams, scope) -> Unit | None:
    """Who issues a downloaded report: the unit filtered on, else the user's own unit when
    the user sees one unit only, else the provincial center (``exports.issuer_for``)."""
    if params.unit or params.agency:
        return params.unit or params.agency
    units = dash.scope_units(scope)
    return units[0] if units and len(units) == 1 else None


@staff_page
def report_download_view(request, scope):
    """Tải báo cáo: the official report for the filters shown on a report page, as Excel or
    as an official PDF document. Vietnamese whatever the page language (exports.in_vietnamese)."""
    fmt = request.GET.get("format") or "pdf"
    if fmt not in DOWNLOAD_FORMATS:
        raise InvalidInput("unknown_format", _("Định dạng tải về không hợp lệ."), field="format")
    by = request.GET.get("by") or "agency"
    if by not in GROUPINGS:
        raise InvalidInput("unknown_grouping", _("Cách nhóm không hợp lệ."), field="by")
    number = (request.GET.get("number") or "").strip()
    if len(number) > 20:
        raise InvalidInput("number_too_long", _("Số báo cáo quá dài (tối đa 20 ký tự)."),
                           field="number")
    params = dash.parse_params(request.GET, scope=scope)
    as_of = parse_as_of(request.GET.get("as_of"))
    # An official document: its labels (groups, channels, "Tổng cộng") are Vietnamese even
    # when the page is English, so the report is computed with Vietnamese active too.
    with translation.override("vi"):
        report = official_report(date_from=params.date_from, date_to=params.date_to,
                                 as_of=as_of, by=by, filters=params.filters)
        if fmt == "xlsx":
            body = exports.to_xlsx(report)
        else:
            issuer = exports.issuer_for(_issuing_unit(params, scope), number=number)
            body = exports.to_pdf(report, issuer)
    content_type, extension = DOWNLOAD_FORMATS[fmt]
    response = HttpResponse(body, content_type=content_type)
    name = f"bao-cao-{params.date_from:%Y%m%d}-{params.date_to:%Y%m%d}-{by}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def download_context(params: dash.PageParams, as_of: dt.datetime | None = None) -> dict:
    """What the download bar of a page needs: the page's filters as hidden fields."""
    query = params.query(as_of=_as_of_text(as_of) if as_of else None)
    return {"download_query": query, "download_url": reverse("reports:download")}


@require_GET
def transparency_view(request):
    """Công khai kết quả giải quyết TTHC (public, no login, no personal data)."""
    try:
        params = dash.parse_params(request.GET, scope=None, default_preset="ytd")
        data = transparency(date_from=params.date_from, date_to=params.date_to)
    except InvalidInput as error:
        return _bad_request(request, error)
    return render(request, "reports/transparency.html", {
        "params": params, "data": data, "presets": dash.PRESETS.items(),
    })


def _chosen_unit(request, scope) -> Unit | None:
    allowed = dash.scope_units(scope)
    code = (request.GET.get("unit") or "").strip()
    if not code:
        return allowed[0] if allowed else None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise InvalidInput(
            "unknown_code", _("Không tìm thấy mã “%(code)s”.") % {"code": code}, field="unit"
        )
    if allowed is not None and unit not in allowed:
        raise NotAllowed("permission_denied", _("Bạn chỉ được xem chỉ số của đơn vị mình."))
    return unit


@staff_page
def index_view(request, scope):
    """Bộ chỉ số 766: self-assessed per unit and period."""
    unit = _chosen_unit(request, scope)
    query = request.GET.copy()
    query.pop("unit", None)
    params = dash.parse_params(query, scope=None, default_preset="ytd")
    index = service_index(unit=unit, date_from=params.date_from, date_to=params.date_to)
    allowed = dash.scope_units(scope)
    units = allowed if allowed is not None else list(Unit.objects.order_by("code"))
    # The index's unit is a center (what it received) or an agency (what it resolves).
    filters = dash.unit_filters(unit)
    download = download_context(params)
    if "receiving_unit" in filters:
        download["download_query"]["unit"] = unit.code
    elif "competent_unit" in filters:
        download["download_query"]["agency"] = unit.code
    return render(request, "reports/index766.html", {
        **download,
        "params": params, "index": index, "unit": unit, "units": units,
        "presets": dash.PRESETS.items(), "province_wide": scope is None,
    })


@staff_page
def scoring_view(request, scope):
    """Chấm điểm theo Thông tư 01/2018/TT-VPCP."""
    params = dash.parse_params(request.GET, scope=scope, default_preset="quarter")
    data = scoring(params)
    page = Paginator(data.dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reports/scoring.html", {
        **_base_context(params, scope), **download_context(params), "data": data, "page": page, "query": query.urlencode(),
    })


def _threshold(value: str | None) -> Decimal | None:
    if not value:
        return None
    try:
        threshold = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise InvalidInput("invalid_threshold", _("Ngưỡng không hợp lệ."), field="threshold") from None
    if not threshold.is_finite() or threshold < 0:
        raise InvalidInput("invalid_threshold", _("Ngưỡng không hợp lệ."), field="threshold")
    return threshold


@staff_page
def workload_view(request, scope):
    """Khối lượng công việc theo quầy, lĩnh vực, cán bộ; giờ cao điểm."""
    params = dash.parse_params(request.GET, scope=scope)
    data = workload(params, threshold=_threshold(request.GET.get("threshold")))
    return render(request, "reports/workload.html", {
        **_base_context(params, scope), **download_context(params), "data": data,
        "threshold_text": request.GET.get("threshold", ""),
    })



@staff_page
def floor_view(request, scope):
    """Thống kê sảnh: waiting/service times, no-shows, demand vs capacity, ratings (+ XLSX)."""
    from motcua.reports import floorstats

    params = dash.parse_params(request.GET, scope=scope, default_preset="month")
    unit_ids = None
    if scope is not None:
        unit_ids = sorted(set(scope["receiving_unit"]) | set(scope["competent_unit"]))
    elif params.unit is not None:
        unit_ids = [params.unit.pk]
    stats = floorstats.floor_stats(date_from=params.date_from, date_to=params.date_to,
                                   unit_ids=unit_ids)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            floorstats.to_xlsx(stats),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = (
            f'attachment; filename="thong-ke-sanh-{params.date_from:%Y%m%d}-'
            f'{params.date_to:%Y%m%d}.xlsx"')
        return response
    return render(request, "reports/floor.html", {
        **_base_context(params, scope), "stats": stats,
        "xlsx_query": urlencode({**params.query(), "format": "xlsx"})})
