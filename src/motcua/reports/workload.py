"""Workload analytics (phân tích khối lượng công việc): dossiers per counter, field and receiving
officer per working day, and the peak hours of reception.

Counted: the dossiers received in the period (tiếp nhận trong kỳ, as the official report's "new"
column; refused at reception excluded), divided by the working days from the period start to
its last day counted (``engine.working_days``, with the installation's calendar decisions).
Counters and fields below the threshold (default ``MOTCUA_WORKLOAD_MIN_PER_WORKING_DAY`` = 2
dossiers per working day) are flagged "đề xuất điều chuyển cán bộ" (propose re-deploying staff).
Peak hours: a histogram of the reception time, hour by weekday, in Vietnam time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Status
from motcua.org.models import Counter
from motcua.reports.dashboard import PageParams
from motcua.reports.engine import end_of_day, make_window, start_of_day, working_days
from motcua.reports.ledger import VN
from motcua.reports.transparency import dossier_filter

DEFAULT_THRESHOLD = Decimal("2")
WEEKDAYS = (
    _("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"),
    _("Chủ nhật"),
)
OFFICE_HOURS = range(7, 17)  # always shown, so an empty morning is visible too


def default_threshold() -> Decimal:
    return Decimal(str(getattr(settings, "MOTCUA_WORKLOAD_MIN_PER_WORKING_DAY", DEFAULT_THRESHOLD)))


def per_day(count: int, days: int) -> Decimal | None:
    if not days:
        return None
    return (Decimal(count) / Decimal(days)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class LoadLine:
    key: int | None
    code: str
    label: str
    dossiers: int
    per_day: Decimal | None
    flagged: bool = False


@dataclass
class Workload:
    params: PageParams
    as_of: dt.datetime
    working_days: int
    threshold: Decimal
    counters: list[LoadLine]
    fields: list[LoadLine]
    officers: list[LoadLine]
    hours: list[int]
    heatmap: list[tuple[str, list[int]]]  # (weekday name, counts per hour in ``hours``)

    @property
    def peak(self) -> int:
        return max((n for _, row in self.heatmap for n in row), default=0)

    def shaded(self) -> list[tuple[str, list[tuple[int, str, bool]]]]:
        """The heatmap with an opacity per cell (its share of the peak hour) and whether its
        number is written in white.

        Dark text keeps 4.5:1 on the red up to an opacity of 0.7, white text from 0.8; between
        the two neither does, so such cells are drawn at 0.7 or 0.8 (WCAG 1.4.3).
        """
        peak = self.peak or 1
        return [(name, [(n, *_shade(n / peak)) for n in row]) for name, row in self.heatmap]


def _shade(share: float) -> tuple[str, bool]:
    if 0.7 < share < 0.8:
        share = 0.7 if share < 0.75 else 0.8
    return f"{share:.2f}", share >= 0.8


def _lines(rows, days, threshold, flag: bool) -> list[LoadLine]:
    lines = []
    for key, code, label, n in rows:
        rate = per_day(n, days)
        # No dossier at all (a reserve counter, a field nobody asked for): nothing to move
        # staff away from, so no "đề xuất điều chuyển cán bộ" (issue 10).
        lines.append(LoadLine(key, code, label, n, rate,
                              flag and n > 0 and rate is not None and rate < threshold))
    return sorted(lines, key=lambda x: (-x.dossiers, x.code, x.label))


def received_dossiers(params: PageParams, until: dt.datetime):
    qs = Dossier.objects.filter(
        received_at__gte=start_of_day(params.date_from), received_at__lte=until
    ).exclude(status=Status.REFUSED_AT_RECEPTION)
    return dossier_filter(qs, params.filters)


def _counters_in_scope(params: PageParams):
    """Active counters that should appear even with no dossier: those of the chosen center, or
    of the user's centers, or the counters the user's agency staffs; all for province staff."""
    qs = Counter.objects.filter(is_active=True)
    if params.unit:
        return qs.filter(center=params.unit)
    if params.agency:
        return qs.filter(agency=params.agency)
    if params.scope is None:
        return qs
    return qs.filter(
        Q(center_id__in=params.scope["receiving_unit"])
        | Q(agency_id__in=params.scope["competent_unit"])
    )


def workload(
    params: PageParams, *, threshold: Decimal | None = None, as_of: dt.datetime | None = None
) -> Workload:
    threshold = default_threshold() if threshold is None else threshold
    window = make_window(params.date_from, params.date_to, as_of)
    until = min(end_of_day(params.date_to), window.as_of)
    days = working_days(params.date_from, window.last_day)
    qs = received_dossiers(params, until)

    counter_counts = {
        r["counter_id"]: r["n"]
        for r in qs.filter(counter__isnull=False).values("counter_id").annotate(n=Count("id"))
    }
    counters = {
        c.pk: c
        for c in Counter.objects.filter(
            Q(pk__in=counter_counts) | Q(pk__in=_counters_in_scope(params).values("pk"))
        ).select_related("center")
    }
    counter_rows = [
        (pk, f"{c.center.short_name or c.center.name} – {c.number}", c.name,
         counter_counts.get(pk, 0))
        for pk, c in counters.items()
    ]
    field_rows = [
        (r["field_id"], r["field__code"], r["field__name"], r["n"])
        for r in qs.values("field_id", "field__code", "field__name").annotate(n=Count("id"))
    ]
    officer_rows = [
        (
            r["received_by_id"], r["received_by__username"],
            " ".join(p for p in (r["received_by__last_name"], r["received_by__first_name"]) if p)
            or r["received_by__username"],
            r["n"],
        )
        for r in qs.filter(received_by__isnull=False)
        .values(
            "received_by_id", "received_by__username", "received_by__last_name",
            "received_by__first_name",
        )
        .annotate(n=Count("id"))
    ]

    grid: dict[tuple[int, int], int] = {}
    for r in (
        qs.annotate(wd=ExtractIsoWeekDay("received_at", tzinfo=VN),
                    hour=ExtractHour("received_at", tzinfo=VN))
        .values("wd", "hour")
        .annotate(n=Count("id"))
    ):
        grid[(r["wd"], r["hour"])] = r["n"]
    hours = sorted(set(OFFICE_HOURS) | {h for _, h in grid})
    heatmap = [
        (str(WEEKDAYS[wd - 1]), [grid.get((wd, h), 0) for h in hours]) for wd in range(1, 8)
    ]
    return Workload(
        params=params, as_of=window.as_of, working_days=days, threshold=threshold,
        counters=_lines(counter_rows, days, threshold, True),
        fields=_lines(field_rows, days, threshold, True),
        officers=_lines(officer_rows, days, threshold, False),
        hours=hours, heatmap=heatmap,
    )
