"""The official period report (báo cáo tình hình tiếp nhận, giải quyết TTHC), domain §6.2.

One entry point: ``official_report(date_from=, date_to=, as_of=None, by="agency", filters=None,
method="auto")``. Two ways to compute the same numbers:

* ``exact``: every dossier's state at ``as_of`` rebuilt from its history (``ledger.state_at``);
  any instant, any period.
* ``aggregate``: prefix sums over the daily ledger (``DailyStat``); only for an ``as_of`` at
  the end of a day no later than the end of ``date_to``.

``auto`` picks ``aggregate`` when it applies, else ``exact``. See docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Field, Procedure
from motcua.core.errors import InvalidInput
from motcua.dossiers.models import Dossier, StatusChange
from motcua.dossiers.states import PROCESSING_ENDED, Channel, Status
from motcua.org.models import CalendarOverride, CalendarOverrideKind, Level, Unit
from motcua.reports.aggregates import CHANGE_VALUES, DOSSIER_VALUES, facts_from_values
from motcua.reports.ledger import (
    ENDED,
    PAUSED_KIND,
    VN,
    Change,
    Facts,
    calendar,
    state_at,
    view_766,
)
from motcua.reports.models import DailyStat, Metric, MonthlyStat, RollupMark, StockBalance

GROUPINGS = {
    "unit": ("receiving_unit_id", _("Nơi tiếp nhận")),
    "agency": ("competent_unit_id", _("Cơ quan giải quyết")),
    "field": ("field_id", _("Lĩnh vực")),
    "procedure": ("procedure_id", _("Thủ tục hành chính")),
    "level": ("level", _("Cấp thực hiện")),
    "channel": ("channel", _("Kênh nộp hồ sơ")),
}
# filters= keys -> ledger column; the Dossier lookup is in _DOSSIER_LOOKUP.
FILTERS = {
    "receiving_unit": "receiving_unit_id",
    "competent_unit": "competent_unit_id",
    "field": "field_id",
    "procedure": "procedure_id",
    "level": "level",
    "channel": "channel",
}
_DOSSIER_LOOKUP = {
    "receiving_unit_id": "receiving_unit_id",
    "competent_unit_id": "competent_unit_id",
    "field_id": "field_id",
    "procedure_id": "procedure_version__procedure_id",
    "level": "procedure_version__level",
    "channel": "channel",
}
_DIM_INDEX = {
    "receiving_unit_id": 0, "competent_unit_id": 1, "field_id": 2, "procedure_id": 3,
    "level": 4, "channel": 5,
}
METHODS = ("auto", "exact", "aggregate")
CHANNEL_COLUMN = {Channel.ONLINE: "online", Channel.COUNTER: "counter", Channel.POST: "post"}
TIMELINESS_COLUMN = {"early": "processed_early", "on_time": "processed_on_time", "late": "processed_late"}
COUNT_COLUMNS = (
    "carried_over", "online", "counter", "post",
    "processed_early", "processed_on_time", "processed_late",
    "in_process_on_time", "in_process_overdue", "paused_on_time", "paused_overdue",
    "digitised", "fee_bearing", "paid_online",
)


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=VN)


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=VN)


def _percent(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def _average(total: int, days: int) -> float | None:
    if not days:
        return None
    return float((Decimal(total) / Decimal(days)).quantize(Decimal("0.01"), ROUND_HALF_UP))


@dataclass
class ReportRow:
    """One line of the report: a unit, agency, field, procedure, level, channel or the total."""

    key: object
    code: str
    label: str
    carried_over: int = 0
    online: int = 0
    counter: int = 0
    post: int = 0
    processed_early: int = 0
    processed_on_time: int = 0
    processed_late: int = 0
    in_process_on_time: int = 0
    in_process_overdue: int = 0
    paused_on_time: int = 0
    paused_overdue: int = 0
    digitised: int = 0
    fee_bearing: int = 0
    paid_online: int = 0
    working_days: int = 0

    @property
    def new(self) -> int:
        return self.online + self.counter + self.post

    @property
    def received(self) -> int:
        return self.carried_over + self.new

    @property
    def processed(self) -> int:
        return self.processed_early + self.processed_on_time + self.processed_late

    @property
    def in_process(self) -> int:
        return self.in_process_on_time + self.in_process_overdue

    @property
    def paused(self) -> int:
        return self.paused_on_time + self.paused_overdue

    @property
    def on_time_rate(self) -> float | None:
        return _percent(self.processed_early + self.processed_on_time, self.processed)

    @property
    def online_share(self) -> float | None:
        return _percent(self.online, self.new)

    @property
    def digitisation_share(self) -> float | None:
        return _percent(self.digitised, self.new)

    @property
    def online_payment_share(self) -> float | None:
        return _percent(self.paid_online, self.fee_bearing)

    @property
    def daily_received(self) -> float | None:
        return _average(self.new, self.working_days)

    @property
    def daily_processed(self) -> float | None:
        return _average(self.processed, self.working_days)

    def add(self, other: ReportRow) -> None:
        for name in COUNT_COLUMNS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "code": self.code,
            "label": self.label,
            "received": {
                "total": self.received,
                "carried_over": self.carried_over,
                "new": self.new,
                "online": self.online,
                "counter": self.counter,
                "post": self.post,
            },
            "processed": {
                "total": self.processed,
                "early": self.processed_early,
                "on_time": self.processed_on_time,
                "late": self.processed_late,
            },
            "in_process": {
                "total": self.in_process,
                "on_time": self.in_process_on_time,
                "overdue": self.in_process_overdue,
            },
            "paused": {
                "total": self.paused,
                "on_time": self.paused_on_time,
                "overdue": self.paused_overdue,
            },
            "counts": {
                "digitised": self.digitised,
                "fee_bearing": self.fee_bearing,
                "paid_online": self.paid_online,
            },
            "rates": {
                "on_time": self.on_time_rate,
                "online": self.online_share,
                "digitised": self.digitisation_share,
                "online_payment": self.online_payment_share,
            },
            "daily_average": {
                "received": self.daily_received,
                "processed": self.daily_processed,
            },
        }


@dataclass
class Report:
    date_from: dt.date
    date_to: dt.date
    as_of: dt.datetime
    by: str
    method: str
    working_days: int
    rows: list[ReportRow]
    total: ReportRow
    filters: dict = field(default_factory=dict)
    generated_at: dt.datetime = field(default_factory=timezone.now)

    TITLE = _("Báo cáo tình hình tiếp nhận và giải quyết hồ sơ thủ tục hành chính")

    @property
    def by_label(self) -> str:
        return str(GROUPINGS[self.by][1])

    def to_dict(self) -> dict:
        return {
            "title": str(self.TITLE),
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "as_of": self.as_of.astimezone(VN).isoformat(),
            "by": self.by,
            "by_label": self.by_label,
            "method": self.method,
            "working_days": self.working_days,
            "filters": {k: v for k, v in self.filters.items()},
            "generated_at": self.generated_at.astimezone(VN).isoformat(),
            "rows": [row.to_dict() for row in self.rows],
            "total": self.total.to_dict(),
        }


@dataclass(frozen=True)
class Window:
    """The instants a report needs, derived once from its arguments."""

    date_from: dt.date
    date_to: dt.date
    as_of: dt.datetime
    start: dt.datetime  # 00:00 on date_from
    received_until: dt.datetime  # min(end of date_to, as_of)

    @property
    def last_day(self) -> dt.date:
        return self.received_until.astimezone(VN).date()

    @property
    def end_of_day_as_of(self) -> bool:
        return self.as_of == end_of_day(self.as_of.astimezone(VN).date())


def make_window(date_from: dt.date, date_to: dt.date, as_of: dt.datetime | None) -> Window:
    if date_to < date_from:
        raise InvalidInput(
            "period_reversed", _('Ngày kết thúc kỳ báo cáo phải sau hoặc bằng ngày bắt đầu.'),
            field="to",
        )
    start = start_of_day(date_from)
    if as_of is None:
        as_of = min(end_of_day(date_to), timezone.now())
    elif timezone.is_naive(as_of):
        as_of = as_of.replace(tzinfo=VN)
    if as_of < start:
        raise InvalidInput(
            "as_of_before_period",
            _('Thời điểm chốt số liệu không được trước ngày bắt đầu kỳ báo cáo.'),
            field="as_of",
        )
    return Window(date_from, date_to, as_of, start, min(end_of_day(date_to), as_of))


def normalise_filters(filters: dict | None) -> dict[str, list]:
    result = {}
    for name, value in (filters or {}).items():
        if value in (None, "", [], ()):
            continue
        if name not in FILTERS:
            raise InvalidInput("unknown_filter", _("Không có bộ lọc “%(name)s”.") % {"name": name}, field=name)
        values = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
        result[name] = values
    return result


def working_days(date_from: dt.date, date_to: dt.date) -> int:
    """Working days of the period, with the installation-wide calendar decisions applied."""
    overrides = CalendarOverride.objects.filter(
        unit__isnull=True, date__gte=date_from, date__lte=date_to
    ).values_list("date", "kind")
    cal = calendar()
    days = cal.working_days_between(date_from, date_to)
    for day, kind in overrides:
        works = cal.is_working_day(day)
        if kind == CalendarOverrideKind.DAY_OFF and works:
            days -= 1
        elif kind == CalendarOverrideKind.WORKING_DAY and not works:
            days += 1
        elif kind == CalendarOverrideKind.CANCEL_HOLIDAY and not works and day.weekday() < 5:
            days += 1
    return days


def official_report(
    *,
    date_from: dt.date,
    date_to: dt.date,
    as_of: dt.datetime | None = None,
    by: str = "agency",
    filters: dict | None = None,
    method: str = "auto",
) -> Report:
    """The official period report (§6.2) for [date_from, date_to] as it stood at ``as_of``.

    ``filters`` keys: receiving_unit, competent_unit, field, procedure (ids), level ("tinh"/"xa"),
    channel (1/2/3); a value may be a list.
    """
    if by not in GROUPINGS:
        raise InvalidInput(
            "unknown_grouping",
            _("Cách nhóm không hợp lệ; chọn một trong: %(groupings)s.")
            % {"groupings": ", ".join(GROUPINGS)},
            field="by",
        )
    if method not in METHODS:
        raise InvalidInput("unknown_method", _('Phương pháp tính không hợp lệ.'), field="method")
    window = make_window(date_from, date_to, as_of)
    flt = normalise_filters(filters)
    aggregate_ok = window.end_of_day_as_of and window.as_of <= end_of_day(date_to)
    if method == "aggregate" and not aggregate_ok:
        raise InvalidInput(
            "aggregate_unavailable",
            _('Số liệu tổng hợp theo ngày chỉ dùng được khi chốt số liệu vào cuối một ngày trong kỳ báo cáo.'),
            field="as_of",
        )
    if method == "auto":
        method = "aggregate" if aggregate_ok and _ledger_ready() else "exact"
    dim = GROUPINGS[by][0]
    counts = _aggregate(window, dim, flt) if method == "aggregate" else _exact(window, dim, flt)
    days = working_days(date_from, window.last_day)
    rows = _label_rows(by, counts, days)
    total = ReportRow(key=None, code="", label=str(_("Tổng cộng")), working_days=days)
    for row in rows:
        total.add(row)
    return Report(
        date_from=date_from, date_to=date_to, as_of=window.as_of, by=by, method=method,
        working_days=days, rows=rows, total=total, filters=flt,
    )


def _ledger_ready() -> bool:
    # A ledger that was never built (data loaded without the services) must not read as zeros.
    return (
        DailyStat.objects.exists()
        or not Dossier.objects.filter(received_at__isnull=False).exists()
    )


# ---------------------------------------------------------------------------- aggregate path


FLOW_COLUMNS = {
    Metric.DIGITISED: "digitised", Metric.FEE: "fee_bearing",
    Metric.PAID_ONLINE: "paid_online", Metric.EARLY: "processed_early",
    Metric.ON_TIME: "processed_on_time", Metric.LATE: "processed_late",
}
STOCKS = [Metric.OPEN, Metric.PAUSED_IN_TIME, Metric.PAUSED_OVERDUE]


def _rollup_until() -> dt.date | None:
    """How far the monthly rollups reach. A read never rolls them (the nightly
    ``tasks.roll_up_months`` or ``motcua reports_rollup`` does): while a month that has ended is
    not rolled yet, ``_aggregate`` reads its days from DailyStat, which gives the same figures."""
    return RollupMark.objects.filter(pk=1).values_list("until", flat=True).first()


def _aggregate(window: Window, dim: str, flt: dict) -> dict[object, ReportRow]:
    """Prefix sums over the ledger: StockBalance at a month start + DailyStat up to the day for
    stocks; MonthlyStat for the whole months of the period + DailyStat for the rest for flows."""
    lookups = {f"{FILTERS[k]}__in": v for k, v in flt.items()}
    daily = DailyStat.objects.filter(**lookups)
    first, last = window.date_from, window.last_day
    rows: dict[object, ReportRow] = defaultdict(lambda: ReportRow(None, "", ""))
    until = _rollup_until()

    # Carried over: stocks at the end of the day before the period.
    if until is None:
        stock_from = None
        carried = daily.filter(day__lt=first)
    else:
        stock_from = min(first.replace(day=1), until)
        carried = daily.filter(day__gte=stock_from, day__lt=first)
        for r in (
            StockBalance.objects.filter(month=stock_from, **lookups)
            .values(dim).annotate(n=Sum("count"))
        ):
            rows[r[dim]].carried_over += r["n"]
    for r in carried.filter(metric__in=STOCKS).values(dim).annotate(n=Sum("count")):
        rows[r[dim]].carried_over += r["n"]

    # Flows of the period: whole rolled months from MonthlyStat, the other days from DailyStat.
    months = _whole_months(first, last, until)
    flow_metrics = [Metric.RECEIVED, *FLOW_COLUMNS]
    flow_days = daily.filter(day__gte=first, day__lte=last, metric__in=flow_metrics)
    sources = [flow_days]
    if months:
        sources = [
            flow_days.exclude(day__gte=months[0], day__lt=months[1]),
            MonthlyStat.objects.filter(
                month__gte=months[0], month__lt=months[1], metric__in=flow_metrics, **lookups
            ),
        ]
    for source in sources:
        for r in source.values(dim, "metric", "channel").annotate(n=Sum("count")):
            row = rows[r[dim]]
            if r["metric"] == Metric.RECEIVED:
                column = CHANNEL_COLUMN.get(r["channel"], "counter")
            else:
                column = FLOW_COLUMNS[r["metric"]]
            setattr(row, column, getattr(row, column) + r["n"])

    # Stocks at the end of the as-of day; open ones overdue when due_day <= that day.
    overdue = Sum(Case(When(due_day__lte=last, then="count"), default=0, output_field=IntegerField()))
    stock_sources = [daily.filter(day__lte=last, metric__in=STOCKS)]
    if until is not None:
        at = min(last + dt.timedelta(days=1), until)
        at = at if at == until else at.replace(day=1)
        stock_sources = [
            daily.filter(day__gte=at, day__lte=last, metric__in=STOCKS),
            StockBalance.objects.filter(month=at, **lookups),
        ]
    for source in stock_sources:
        for r in source.values(dim, "metric").annotate(n=Sum("count"), overdue=overdue):
            row = rows[r[dim]]
            if r["metric"] == Metric.OPEN:
                row.in_process_overdue += r["overdue"]
                row.in_process_on_time += r["n"] - r["overdue"]
            elif r["metric"] == Metric.PAUSED_OVERDUE:
                row.paused_overdue += r["n"]
            else:
                row.paused_on_time += r["n"]
    return rows


def _whole_months(first: dt.date, last: dt.date, until: dt.date | None):
    """[start, end) of the whole calendar months inside [first, last] already rolled up."""
    if until is None:
        return None
    start = first if first.day == 1 else (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    end = (last + dt.timedelta(days=1))
    end = end if end.day == 1 else end.replace(day=1)
    end = min(end, until)
    return (start, end) if start < end else None


# -------------------------------------------------------------------------------- exact path


@dataclass(frozen=True)
class DossierLine:
    """One dossier as the report sees it at ``as_of`` (for the CSV list and the exact path)."""

    row: dict
    facts: Facts
    carried_over: bool
    category: str  # processed / in_process / paused
    timeliness: str  # early / on_time / late for processed; on_time / overdue otherwise
    status: str  # the status at as_of (the last change by then), not the frozen end status
    finished_at: dt.datetime | None
    due_at: dt.datetime | None
    # The QĐ 766 statistical view (ledger.view_766): supplement time subtracted, two or more
    # supplement requests late. Same vocabulary as ``timeliness``.
    timeliness_766: str = ""
    supplements: int = 0


def population(window: Window, flt: dict):
    """Dossiers of the report: received by the end of the period (or as-of) and not finished
    before the period began. Refused at reception (code 3) were never received."""
    qs = Dossier.objects.filter(
        received_at__isnull=False, received_at__lte=window.received_until
    ).exclude(status=Status.REFUSED_AT_RECEPTION)
    for name, values in flt.items():
        qs = qs.filter(**{f"{_DOSSIER_LOOKUP[FILTERS[name]]}__in": values})
    ended_before = StatusChange.objects.filter(
        dossier_id=OuterRef("pk"), to_status__in=PROCESSING_ENDED, at__lt=window.start
    )
    return qs.filter(~Q(Exists(ended_before)))


def dossier_lines(window: Window, flt: dict, extra_values: tuple = ()) -> Iterator[DossierLine]:
    """Each dossier of the report with its state at ``as_of``, rebuilt from its history."""
    before_start = window.start - dt.timedelta(microseconds=1)
    qs = population(window, flt)
    last_id = 0
    while True:
        chunk = list(
            qs.filter(id__gt=last_id).order_by("id").values(*DOSSIER_VALUES, *extra_values)[:2000]
        )
        if not chunk:
            return
        history: dict[int, list[Change]] = defaultdict(list)
        for r in (
            StatusChange.objects.filter(
                dossier_id__in=[c["id"] for c in chunk], at__lte=window.as_of
            )
            .order_by("dossier_id", "at", "id")
            .values_list(*CHANGE_VALUES)
        ):
            history[r[0]].append(Change(*r[1:]))
        for row in chunk:
            facts = facts_from_values(row)
            changes = history.get(row["id"], [])
            carried = facts.received_at < window.start
            if carried:
                before = state_at(facts, changes, before_start)
                if before is not None and before.kind == ENDED:
                    continue  # ended exactly in the last µs before the period (defensive)
            track = state_at(facts, changes, window.as_of)
            due = facts.resolve(track.due)
            if track.kind == ENDED:
                category, verdict = "processed", track.timeliness
            elif track.kind == PAUSED_KIND:
                category = "paused"
                verdict = "overdue" if track.paused_overdue else "on_time"
            else:
                category = "in_process"
                verdict = "overdue" if due is not None and window.as_of > due else "on_time"
            # The statistics freeze at the first end of processing (766), but the list shows
            # where the dossier was at as_of: returned (10) after issued (9), for instance.
            status = changes[-1].to_status if changes else track.status
            v766 = view_766(facts, changes, window.as_of)
            yield DossierLine(row, facts, carried, category, verdict, status, track.ended_at, due,
                              v766.timeliness, v766.supplements)
        last_id = chunk[-1]["id"]


def _exact(window: Window, dim: str, flt: dict) -> dict[object, ReportRow]:
    rows: dict[object, ReportRow] = defaultdict(lambda: ReportRow(None, "", ""))
    index = _DIM_INDEX[dim]
    counts: dict[object, Counter] = defaultdict(Counter)
    for line in dossier_lines(window, flt):
        c = counts[line.facts.dims[index]]
        if line.carried_over:
            c["carried_over"] += 1
        else:
            c[CHANNEL_COLUMN.get(line.facts.dims[5], "counter")] += 1
            c["digitised"] += line.facts.digitised
            c["fee_bearing"] += line.facts.fee
            c["paid_online"] += line.facts.paid_online and line.facts.fee  # as the ledger
        if line.category == "processed":
            c[TIMELINESS_COLUMN[line.timeliness]] += 1
        else:
            c[f"{line.category}_{line.timeliness}"] += 1
    for key, c in counts.items():
        row = rows[key]
        for name, n in c.items():
            setattr(row, name, getattr(row, name) + n)
    return rows


# ------------------------------------------------------------------------------------ labels


def _label_rows(by: str, counts: dict[object, ReportRow], days: int) -> list[ReportRow]:
    keys = [k for k, row in counts.items() if any(getattr(row, c) for c in COUNT_COLUMNS)]
    labels: dict[object, tuple[str, str]] = {}
    if by in ("unit", "agency"):
        labels = {u.pk: (u.code, u.name) for u in Unit.objects.filter(pk__in=keys)}
    elif by == "field":
        labels = {f.pk: (f.code, f.name) for f in Field.objects.filter(pk__in=keys)}
    elif by == "procedure":
        labels = {
            p.pk: (p.code, p.current.name if p.current_id else p.code)
            for p in Procedure.objects.filter(pk__in=keys).select_related("current")
        }
    elif by == "level":
        labels = {value: (value, str(label)) for value, label in Level.choices}
    elif by == "channel":
        labels = {value: (str(value), str(label)) for value, label in Channel.choices}
    rows = []
    for key in keys:
        row = counts[key]
        row.key = key
        row.code, row.label = labels.get(key, (str(key), str(key)))
        row.working_days = days
        rows.append(row)
    rows.sort(key=lambda r: (r.code, r.label))
    return rows


@dataclass
class Timeliness766:
    """Both views of timeliness over the same dossier lines (domain §3.4): the legal one
    (a completed supplement restarts the time limit) and the QĐ 766 statistical one."""

    received: int = 0
    legal_in_time: int = 0  # processed early or on time + in process or paused in time
    legal_overdue: int = 0  # processed late + in process or paused overdue
    in_time: int = 0  # the same in the 766 view
    overdue: int = 0
    processed: int = 0
    processed_in_time: int = 0  # 766 view
    repeated_supplements: int = 0  # dossiers with two or more supplement requests

    def add(self, line: DossierLine) -> None:
        self.received += 1
        legal_ok = line.timeliness in ("early", "on_time")
        ok = line.timeliness_766 in ("early", "on_time")
        self.legal_in_time += legal_ok
        self.legal_overdue += not legal_ok
        self.in_time += ok
        self.overdue += not ok
        if line.category == "processed":
            self.processed += 1
            self.processed_in_time += ok
        self.repeated_supplements += line.supplements >= 2

    @property
    def on_time_rate(self) -> float | None:
        """Processed early or on time ÷ processed, in the 766 view (percent, 2 decimals)."""
        return _percent(self.processed_in_time, self.processed)


def timeliness_766(window: Window, flt: dict) -> Timeliness766:
    result = Timeliness766()
    for line in dossier_lines(window, normalise_filters(flt)):
        result.add(line)
    return result
