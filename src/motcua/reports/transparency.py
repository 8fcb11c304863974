"""Public transparency page (công khai kết quả giải quyết TTHC): aggregates only, no personal data.

Per agency (cơ quan giải quyết): on-time rate and processed count of the period, dossiers overdue
in process at the as-of instant, apologies issued in the period (Mẫu 04), satisfaction (no
ratings model yet: "chưa có dữ liệu"). Per procedure: the average actual processing time in
working days (from receipt to the end of processing, measured with ``motcua.worktime``) against
the committed time limit.

Speed: when the period reaches today the page is "as of the end of yesterday", so the official
report takes its aggregate path (three grouped queries over the daily ledger); the apology
counts are one grouped query and the processing times one query over the period's ended
dossiers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import pgettext_lazy

from motcua.catalog.models import Procedure, TimeUnit
from motcua.dossiers.models import Apology, Dossier
from motcua.dossiers.states import Status
from motcua.reports.engine import Report, end_of_day, official_report, start_of_day
from motcua.reports.ledger import calendar

HOURS_PER_DAY = Decimal(8)
# The words of ``limit_label``, in the page's language. Not catalog.TimeUnit's own labels: no
# catalogue translates them and a bare "ngày" msgid would translate every other "ngày" too.
LIMIT_UNITS = {
    TimeUnit.WORKING_DAYS: pgettext_lazy("thời hạn", "ngày làm việc"),
    TimeUnit.WORKING_HOURS: pgettext_lazy("thời hạn", "giờ làm việc"),
    TimeUnit.CALENDAR_DAYS: pgettext_lazy("thời hạn", "ngày"),
}
DOSSIER_LOOKUP = {
    "receiving_unit": "receiving_unit_id",
    "competent_unit": "competent_unit_id",
    "field": "field_id",
    "procedure": "procedure_version__procedure_id",
    "level": "procedure_version__level",
    "channel": "channel",
}


def _round(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), ROUND_HALF_UP)


@dataclass
class AgencyLine:
    code: str
    name: str
    processed: int
    on_time_rate: float | None
    overdue: int
    apologies: int


@dataclass
class ProcedureLine:
    code: str
    name: str
    agency: str
    dossiers: int
    average_days: Decimal  # working days, 2 decimals
    limit_value: Decimal | None
    limit_unit: str
    limit_days: Decimal | None  # the limit in working days, where comparable

    @property
    def limit_label(self) -> str:
        if self.limit_value is None:
            return ""
        # Decimal comma in Vietnamese, point in English.
        value = number_format(f"{self.limit_value.normalize():f}", use_l10n=True)
        return f"{value} {LIMIT_UNITS[TimeUnit(self.limit_unit)]}" if self.limit_unit else value

    @property
    def within_limit(self) -> bool | None:
        if self.limit_days is None:
            return None
        return self.average_days <= self.limit_days


@dataclass
class Transparency:
    date_from: dt.date
    date_to: dt.date
    report: Report
    agencies: list[AgencyLine]
    procedures: list[ProcedureLine]

    @property
    def as_of(self) -> dt.datetime:
        return self.report.as_of


def public_as_of(date_from: dt.date, date_to: dt.date, now: dt.datetime | None = None):
    """End of yesterday while the period is still running (the fast daily figures), else the
    end of the period; None (now) when the period starts today."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if date_to < today:
        return end_of_day(date_to)
    yesterday = today - dt.timedelta(days=1)
    return end_of_day(yesterday) if yesterday >= date_from else None


def limit_in_working_days(value, unit: str) -> Decimal | None:
    """A time limit in working days, or None when it is in calendar days (not comparable)."""
    if value is None:
        return None
    if unit == TimeUnit.WORKING_DAYS:
        return Decimal(value)
    if unit == TimeUnit.WORKING_HOURS:
        return _round(Decimal(value) / HOURS_PER_DAY)
    return None


def ended_dossiers(date_from: dt.date, until: dt.datetime):
    """Dossiers whose processing ended (first end, ``finished_at``) from ``date_from`` to
    ``until``."""
    qs = Dossier.objects.filter(
        finished_at__gte=start_of_day(date_from), finished_at__lte=until,
        received_at__isnull=False,
    )
    return qs.exclude(status=Status.REFUSED_AT_RECEPTION)


def dossier_filter(qs, filters: dict | None):
    """A Dossier queryset limited by engine filters (receiving_unit, competent_unit, ...)."""
    for name, values in (filters or {}).items():
        qs = qs.filter(**{f"{DOSSIER_LOOKUP[name]}__in": values})
    return qs


def processing_times(
    date_from: dt.date, until: dt.datetime, filters: dict | None = None
) -> dict[int, tuple[int, Decimal]]:
    """Per procedure id: (dossiers, average working days from receipt to end of processing),
    over the dossiers whose processing ended in the period."""
    cal = calendar()
    qs = dossier_filter(ended_dossiers(date_from, until), filters)
    totals: dict[int, list] = defaultdict(lambda: [0, dt.timedelta(0)])
    for procedure_id, received, finished in qs.values_list(
        "procedure_version__procedure_id", "received_at", "finished_at"
    ).iterator():
        spent = cal.working_time_between(received, finished)
        entry = totals[procedure_id]
        entry[0] += 1
        entry[1] += max(spent, dt.timedelta(0))
    result = {}
    for procedure_id, (n, spent) in totals.items():
        days = Decimal(spent.total_seconds()) / Decimal(cal.day_length.total_seconds())
        result[procedure_id] = (n, _round(days / n))
    return result


def transparency(*, date_from: dt.date, date_to: dt.date, now=None) -> Transparency:
    as_of = public_as_of(date_from, date_to, now)
    report = official_report(date_from=date_from, date_to=date_to, as_of=as_of, by="agency")
    apologies = dict(
        Apology.objects.filter(
            issued_at__gte=start_of_day(date_from),
            issued_at__lte=min(end_of_day(date_to), report.as_of),
        )
        .values_list("unit__code")
        .annotate(n=Count("id"))
        .values_list("unit__code", "n")
    )
    agencies = [
        AgencyLine(
            code=row.code, name=row.label, processed=row.processed,
            on_time_rate=row.on_time_rate,
            overdue=row.in_process_overdue + row.paused_overdue,
            apologies=apologies.pop(row.code, 0),
        )
        for row in report.rows
    ]
    # An apologising unit with no dossier in the report still shows its apologies.
    if apologies:
        from motcua.org.models import Unit

        for unit in Unit.objects.filter(code__in=apologies).order_by("code"):
            agencies.append(AgencyLine(unit.code, unit.name, 0, None, 0, apologies[unit.code]))
    times = processing_times(date_from, min(end_of_day(date_to), report.as_of))
    procedures = []
    for proc in (
        Procedure.objects.filter(pk__in=times)
        .select_related("current__agency")
        .order_by("code")
    ):
        n, average = times[proc.pk]
        version = proc.current
        value, unit = version.effective_time if version else (None, "")
        procedures.append(
            ProcedureLine(
                code=proc.code, name=version.name if version else proc.code,
                agency=version.agency.name if version else "", dossiers=n,
                average_days=average, limit_value=value, limit_unit=unit or "",
                limit_days=limit_in_working_days(value, unit),
            )
        )
    return Transparency(date_from, date_to, report, agencies, procedures)
