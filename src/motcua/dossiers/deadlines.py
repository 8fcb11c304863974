"""Due times (ngày hẹn trả) computed by ``motcua.worktime`` from a dossier's stored inputs.

Inputs kept on the dossier: ``clock_start`` (acceptance, or the completion of a supplement, after
which the limit restarts from zero), ``time_value``/``time_unit`` (copied from the procedure
version at intake), ``cutoff`` (null: no cut-off) and the closed payment pauses
(``DossierPause`` kind=payment), which push the due time by the working time they cover.

The calendar is the receiving unit's (``calendar_for_unit``): the appointment is made and kept
by the one-stop center that printed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from motcua.catalog.models import TimeUnit
from motcua.org.calendars import calendar_for_unit, cutoff_for_unit
from motcua.worktime import DEFAULT_CUTOFF, Duration, WorkCalendar


def duration_of(value, unit: str) -> Duration:
    value = Decimal(str(value))
    if unit == TimeUnit.CALENDAR_DAYS:
        return Duration.calendar_days(int(value))
    number = int(value) if value == value.to_integral_value() else Fraction(str(value))
    if unit == TimeUnit.WORKING_HOURS:
        return Duration.working_hours(number)
    return Duration.working_days(number)


def calendar_for_dossier(dossier) -> WorkCalendar:
    return calendar_for_unit(dossier.receiving_unit)


def intake_cutoff(
    version, unit, *, five_on_site: bool = False,
    unit_cutoff: Callable[[], dt.time | None] | None = None,
) -> dt.time | None:
    """The cut-off for a dossier accepted now (giờ chốt): the version's, the unit's, or 15:00.

    "5 tại chỗ" procedures counted in working hours have no cut-off, so a short limit can end
    the same day. ``unit_cutoff`` supplies the unit's cut-off from a calendar the caller has
    already looked up (each lookup costs a query), and is only called when the version has none.
    """
    if five_on_site and version.effective_time[1] == TimeUnit.WORKING_HOURS:
        return None
    unit_cutoff = unit_cutoff or (lambda: cutoff_for_unit(unit))
    return version.cutoff or unit_cutoff() or DEFAULT_CUTOFF


def payment_pauses(dossier) -> list[tuple[dt.datetime, dt.datetime]]:
    from motcua.dossiers.models import PauseKind

    if dossier.pk is None or dossier.clock_start is None:
        return []
    return [
        (p.started_at, p.ended_at)
        for p in dossier.pauses.filter(
            kind=PauseKind.PAYMENT, ended_at__isnull=False, started_at__gte=dossier.clock_start
        ).order_by("started_at")
    ]


def compute_due(dossier, calendar: WorkCalendar | None = None) -> dt.datetime:
    """The legal due time from the stored inputs (ignores any apology re-appointment)."""
    calendar = calendar or calendar_for_dossier(dossier)
    return calendar.deadline(
        dossier.clock_start,
        duration_of(dossier.time_value, dossier.time_unit),
        pauses=payment_pauses(dossier),
        cutoff=dossier.cutoff,
    )


def shift_by_working_time(
    when: dt.datetime, span: dt.timedelta, calendar: WorkCalendar
) -> dt.datetime:
    """``when`` pushed by ``span`` of working time (used for a re-appointed due after a pause)."""
    if span <= dt.timedelta(0):
        return when
    return calendar.deadline(when, Duration.working_hours(span / dt.timedelta(hours=1)), cutoff=None)


def step_due(start: dt.datetime, hours, calendar: WorkCalendar) -> dt.datetime:
    """Deadline of one step of the processing control slip: ``hours`` of working time."""
    hours = Decimal(str(hours))
    if hours <= 0:
        return calendar.effective_start(start, cutoff=None)
    number = int(hours) if hours == hours.to_integral_value() else Fraction(str(hours))
    return calendar.deadline(start, Duration.working_hours(number), cutoff=None)


def statistical_due(dossier) -> dt.datetime | None:
    """The due statistics judge the dossier by (hạn tính thống kê), recorded on each history
    row: the legal due (``original_due_at``), never an apology's new date (domain §3.5, §3.6)."""
    return dossier.original_due_at if dossier.original_due_at is not None else dossier.due_at


def supplement_window_start(dossier, calendar: WorkCalendar, reading: str) -> dt.date:
    """The day "within N working days of receipt" counts from (NĐ 61 Art. 19(4)), per
    ``MOTCUA_SUPPLEMENT_WINDOW_FROM``:

    * ``counting_start`` (default): the day counting started for the original receipt, i.e.
      the next working day when the cut-off (giờ chốt) moved it; a restart after a supplement
      does not reopen the window;
    * ``receipt``: the receipt date itself;
    * ``clock``: the current clock start (restarted when a supplement is completed).
    """
    if reading == "clock" and dossier.clock_start is not None:
        start = dossier.clock_start
    elif reading == "receipt" or dossier.received_at is None:
        start = dossier.received_at or dossier.clock_start
    else:
        start = calendar.effective_start(dossier.received_at, cutoff=dossier.cutoff)
    return start.astimezone(calendar.zone).date()
