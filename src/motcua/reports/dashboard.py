"""Dashboard (bảng điều hành) and the shared page parameters of the report pages.

Everything here reads the official report's dossier lines (``engine.dossier_lines``, the exact
path of ``engine.official_report``), so every number on a page is the number of the official
report for the same period, filters and instant, and every drill-down list (``drill_lines``) is
the set of dossiers behind that number, rebuilt by the same fold. The dashboard folds the lines
once for its three groupings and its daily series instead of asking the report four times.

Shared by the other pages:

* ``PageParams`` / ``parse_params``: period (presets tháng, quý, 6 tháng, 9 tháng, năm or a
  custom range), unit / agency / field / channel filters as codes, and the user's scope;
* ``scoped_filters``: the engine filters with the user's unit scope applied (403 otherwise).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Field
from motcua.core.dates import parse_day
from motcua.core.errors import InvalidInput, NotAllowed
from motcua.dossiers.states import Channel
from motcua.org.models import RECEIVING_KINDS, Unit, UnitKind
from motcua.reports.engine import (
    CHANNEL_COLUMN,
    TIMELINESS_COLUMN,
    DossierLine,
    Report,
    ReportRow,
    Timeliness766,
    dossier_lines,
    make_window,
    normalise_filters,
    working_days,
)
from motcua.reports.ledger import VN

PRESETS = {
    "month": _("Tháng này"),
    "quarter": _("Quý này"),
    "6m": _("6 tháng đầu năm"),
    "9m": _("9 tháng đầu năm"),
    "year": _("Cả năm"),
}

# Drill-down metrics: the name in the URL -> (label, predicate on a DossierLine).
METRICS = {
    "received": _("Tổng số tiếp nhận"),
    "new": _("Tiếp nhận trong kỳ"),
    "carried_over": _("Kỳ trước chuyển sang"),
    "online": _("Tiếp nhận trực tuyến"),
    "processed": _("Đã xử lý"),
    "early": _("Đã xử lý trước hạn"),
    "on_time": _("Đã xử lý đúng hạn"),
    "in_time": _("Đã xử lý đúng và trước hạn"),
    "late": _("Đã xử lý quá hạn"),
    "in_process": _("Đang xử lý"),
    "paused": _("Tạm dừng xử lý"),
    "overdue": _("Quá hạn chưa xử lý xong"),
}


def line_matches(line: DossierLine, metric: str, day: dt.date | None = None) -> bool:
    """Whether a dossier line counts in ``metric`` (and, with ``day``, on that day)."""
    processed = line.category == "processed"
    if metric == "received":
        ok = True
    elif metric == "new":
        ok = not line.carried_over
    elif metric == "carried_over":
        ok = line.carried_over
    elif metric == "online":
        ok = not line.carried_over and line.facts.dims[5] == Channel.ONLINE
    elif metric == "processed":
        ok = processed
    elif metric in ("early", "on_time", "late"):
        ok = processed and line.timeliness == metric
    elif metric == "in_time":
        ok = processed and line.timeliness in ("early", "on_time")
    elif metric in ("in_process", "paused"):
        ok = line.category == metric
    elif metric == "overdue":
        ok = not processed and line.timeliness == "overdue"
    else:
        raise InvalidInput("unknown_metric", gettext("Chỉ tiêu không hợp lệ."), field="metric")
    if ok and day is not None:
        if metric in ("processed", "early", "on_time", "late", "in_time"):
            ok = line.finished_at is not None and line.finished_at.astimezone(VN).date() == day
        else:
            ok = line.facts.received_at.astimezone(VN).date() == day
    return ok


# ------------------------------------------------------------------------------- parameters


def preset_period(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period of a preset containing ``today`` (kỳ báo cáo tháng, quý, 6, 9 tháng, năm)."""
    year = today.year
    if preset == "month":
        first = today.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        return first, nxt - dt.timedelta(days=1)
    if preset == "quarter":
        q = (today.month - 1) // 3
        first = dt.date(year, 3 * q + 1, 1)
        last_month = 3 * q + 3
        nxt = dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)
        return first, nxt - dt.timedelta(days=1)
    if preset == "6m":
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    if preset == "9m":
        return dt.date(year, 1, 1), dt.date(year, 9, 30)
    if preset == "year":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    raise InvalidInput("unknown_preset", gettext("Kỳ báo cáo không hợp lệ."), field="preset")


def _date(value: str, name: str) -> dt.date:
    """A filter date as typed on the page (dd/mm/yyyy) or as the page's own links carry it."""
    try:
        return parse_day(value)
    except ValueError:
        raise InvalidInput(
            "invalid_date",
            gettext("Ngày “%(value)s” không hợp lệ; hãy ghi theo dạng dd/mm/yyyy.")
            % {"value": value},
            field=name,
        ) from None


@dataclass
class PageParams:
    """What a report page was asked for, already checked against the user's scope."""

    date_from: dt.date
    date_to: dt.date
    preset: str = ""
    unit: Unit | None = None  # receiving unit (nơi tiếp nhận)
    agency: Unit | None = None  # competent unit (cơ quan giải quyết)
    field: Field | None = None
    channel: int | None = None
    scope: dict | None = None  # report_scope(user); None = everything
    filters: dict = dc_field(default_factory=dict)  # engine filters, scope applied

    def query(self, **extra) -> dict:
        """URL parameters reproducing these params (plus ``extra``), for links."""
        q = {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}
        if self.unit:
            q["unit"] = self.unit.code
        if self.agency:
            q["agency"] = self.agency.code
        if self.field:
            q["field"] = self.field.code
        if self.channel:
            q["channel"] = str(self.channel)
        q.update({k: v for k, v in extra.items() if v not in (None, "")})
        return q


def _lookup(model, code: str, name: str):
    obj = model.objects.filter(code=code).first()
    if obj is None:
        raise InvalidInput(
            "unknown_code", gettext("Không tìm thấy mã “%(code)s”.") % {"code": code}, field=name
        )
    return obj


def parse_params(
    query, *, scope: dict | None, default_preset: str = "month", today: dt.date | None = None
) -> PageParams:
    """Period and filters from a GET query; raises InvalidInput / NotAllowed."""
    today = today or timezone.localdate()
    preset = (query.get("preset") or "").strip()
    if query.get("from") or query.get("to"):
        if not (query.get("from") and query.get("to")):
            raise InvalidInput(
                "required", gettext("Cần cả ngày bắt đầu và ngày kết thúc."), field="from"
            )
        date_from, date_to = _date(query["from"], "from"), _date(query["to"], "to")
        preset = ""
    else:
        preset = preset or default_preset
        if preset == "ytd":
            date_from, date_to = dt.date(today.year, 1, 1), today
        else:
            date_from, date_to = preset_period(preset, today)
    if date_to < date_from:
        raise InvalidInput(
            "period_reversed",
            gettext("Ngày kết thúc kỳ báo cáo phải sau hoặc bằng ngày bắt đầu."),
            field="to",
        )
    params = PageParams(date_from=date_from, date_to=date_to, preset=preset, scope=scope)
    if query.get("unit"):
        params.unit = _lookup(Unit, query["unit"].strip(), "unit")
    if query.get("agency"):
        params.agency = _lookup(Unit, query["agency"].strip(), "agency")
    if query.get("field"):
        params.field = _lookup(Field, query["field"].strip(), "field")
    if query.get("channel"):
        try:
            params.channel = Channel(int(query["channel"]))
        except ValueError:
            raise InvalidInput(
                "invalid_channel", gettext("Kênh nộp không hợp lệ."), field="channel"
            ) from None
    params.filters = scoped_filters(params)
    return params


def scoped_filters(params: PageParams) -> dict:
    """Engine filters for the params, limited to the user's units (NotAllowed otherwise)."""
    filters: dict = {}
    if params.unit:
        filters["receiving_unit"] = [params.unit.pk]
    if params.agency:
        filters["competent_unit"] = [params.agency.pk]
    if params.field:
        filters["field"] = [params.field.pk]
    if params.channel:
        filters["channel"] = [int(params.channel)]
    scope = params.scope
    if scope is None:
        return normalise_filters(filters)
    for name, allowed in scope.items():
        if name in filters and allowed and not set(filters[name]) <= set(allowed):
            raise NotAllowed(
                "permission_denied", gettext("Bạn chỉ được xem báo cáo của đơn vị mình."), field=name
            )
    # As the API: a center sees what it received, an agency what it resolves.
    primary = "receiving_unit" if scope["receiving_unit"] else "competent_unit"
    if primary not in filters:
        filters[primary] = sorted(scope[primary])
    return normalise_filters(filters)


def unit_filters(unit: Unit | None) -> dict:
    """Engine filters for "the dossiers of a unit": everything for the province and its
    center, what a commune center or receiving point received, what an agency resolves."""
    if unit is None or unit.kind in (UnitKind.PROVINCE, UnitKind.PROVINCIAL_CENTER):
        return {}
    if unit.kind in RECEIVING_KINDS:
        return {"receiving_unit": [unit.pk]}
    return {"competent_unit": [unit.pk]}


def scope_units(scope: dict | None):
    """Units a scoped user may choose on the index and scoring pages (None: any unit)."""
    if scope is None:
        return None
    ids = set(scope["receiving_unit"]) | set(scope["competent_unit"])
    return list(Unit.objects.filter(pk__in=ids).order_by("code"))


# -------------------------------------------------------------------------------- dashboard


@dataclass
class DayPoint:
    day: dt.date
    received: int = 0
    processed: int = 0


@dataclass
class Dashboard:
    params: PageParams
    by_agency: Report
    by_field: Report
    by_unit: Report
    days: list[DayPoint]
    views: Timeliness766 | None = None  # on-time in the QĐ 766 view beside the legal one

    @property
    def total(self):
        return self.by_agency.total

    @property
    def as_of(self) -> dt.datetime:
        return self.by_agency.as_of

    def chart_data(self) -> dict:
        """What the charts draw (embedded with json_script)."""
        return {
            "days": [p.day.strftime("%d/%m") for p in self.days],
            "received": [p.received for p in self.days],
            "processed": [p.processed for p in self.days],
            "agencies": [r.label for r in self.by_agency.rows],
            "agency_on_time": [r.on_time_rate for r in self.by_agency.rows],
            "fields": [r.label for r in self.by_field.rows],
            "field_on_time": [r.on_time_rate for r in self.by_field.rows],
            "channels": {
                "online": self.total.online,
                "counter": self.total.counter,
                "post": self.total.post,
            },
        }


# Dossier-line dimension index (Facts.dims) of each dashboard grouping.
_DIMS = {"agency": 1, "field": 2, "unit": 0}


def _count(row: ReportRow, line: DossierLine) -> None:
    """Add one dossier line to a report row, as the official report's exact path does."""
    facts = line.facts
    if line.carried_over:
        row.carried_over += 1
    else:
        column = CHANNEL_COLUMN.get(facts.dims[5], "counter")
        setattr(row, column, getattr(row, column) + 1)
        row.digitised += facts.digitised
        row.fee_bearing += facts.fee
        row.paid_online += facts.paid_online and facts.fee
    if line.category == "processed":
        column = TIMELINESS_COLUMN[line.timeliness]
    else:
        column = f"{line.category}_{line.timeliness}"
    setattr(row, column, getattr(row, column) + 1)


def _labels(by: str, keys) -> dict:
    model = Field if by == "field" else Unit
    return {o["pk"]: (o["code"], o["name"]) for o in model.objects.filter(pk__in=keys)
            .values("pk", "code", "name")}


def dashboard(params: PageParams, *, as_of: dt.datetime | None = None) -> Dashboard:
    """The dashboard numbers in one pass over the official report's dossier lines: the report
    by agency, by field and by receiving unit (equal to ``official_report(by=...)``, tested) and
    the received / processed series per day."""
    window = make_window(params.date_from, params.date_to, as_of)
    days = working_days(params.date_from, window.last_day)
    groups: dict[str, dict] = {by: defaultdict(lambda: ReportRow(None, "", "")) for by in _DIMS}
    points: dict[dt.date, DayPoint] = {}
    day = params.date_from
    while day <= window.last_day:
        points[day] = DayPoint(day)
        day += dt.timedelta(days=1)
    views = Timeliness766()
    for line in dossier_lines(window, params.filters):
        views.add(line)
        for by, index in _DIMS.items():
            _count(groups[by][line.facts.dims[index]], line)
        if not line.carried_over:
            point = points.get(line.facts.received_at.astimezone(VN).date())
            if point:
                point.received += 1
        if line.category == "processed":
            point = points.get(line.finished_at.astimezone(VN).date())
            if point:
                point.processed += 1
    reports = {}
    for by, counts in groups.items():
        labels = _labels(by, counts)
        rows = []
        total = ReportRow(key=None, code="", label=str(_("Tổng cộng")), working_days=days)
        for key, row in counts.items():
            row.key, row.working_days = key, days
            row.code, row.label = labels.get(key, (str(key), str(key)))
            rows.append(row)
            total.add(row)
        rows.sort(key=lambda r: (r.code, r.label))
        reports[by] = Report(
            date_from=params.date_from, date_to=params.date_to, as_of=window.as_of, by=by,
            method="exact", working_days=days, rows=rows, total=total, filters=params.filters,
        )
    return Dashboard(params, reports["agency"], reports["field"], reports["unit"],
                     list(points.values()), views)


DRILL_VALUES = (
    "code", "procedure_version__procedure__code", "procedure_version__name",
    "receiving_unit__name", "competent_unit__name", "returned_at",
)


def drill_lines(
    params: PageParams, metric: str, *, as_of: dt.datetime | None = None,
    day: dt.date | None = None,
) -> Iterator[DossierLine]:
    """The dossiers behind one dashboard number (same window, filters and fold)."""
    if metric not in METRICS:
        raise InvalidInput("unknown_metric", gettext("Chỉ tiêu không hợp lệ."), field="metric")
    window = make_window(params.date_from, params.date_to, as_of)
    for line in dossier_lines(window, params.filters, DRILL_VALUES):
        if line_matches(line, metric, day):
            yield line
