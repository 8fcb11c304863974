"""Slots from capacity windows and the unit's working calendar (lịch làm việc của đơn vị).

A day has slots when the unit's calendar says it is a working day (holidays, days off and
make-up Saturdays from ``motcua.worktime`` + the org overrides) and the service is not closed
that day. A slot must lie inside one working session: the lunch break never gets a slot. A
make-up working day on a weekend with no windows of its own uses Monday's windows (the day it
stands in for in the usual swap).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.dates import format_day
from motcua.core.errors import InvalidInput
from motcua.floor.models import CapacityWindow, Closure, FloorService, Slot
from motcua.org.calendars import calendar_for_unit
from motcua.worktime import WorkCalendar


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _windows(service: FloorService, day: dt.date, calendar: WorkCalendar) -> list[CapacityWindow]:
    rows = list(service.windows.filter(weekday=day.weekday()))
    if not rows and day.weekday() >= 5 and calendar.is_working_day(day):
        rows = list(service.windows.filter(weekday=0))
    return rows


def day_problem(service: FloorService, day: dt.date) -> InvalidInput | None:
    """Why ``day`` has no slots for ``service`` (a clear message), or None."""
    calendar = calendar_for_unit(service.unit)
    if not calendar.is_working_day(day):
        info = calendar.describe(day)
        return InvalidInput(
            "holiday", _("Ngày %(day)s là ngày nghỉ (%(info)s), không nhận lịch hẹn.")
                       % {"day": format_day(day), "info": info.name},
            field="date")
    closure = Closure.objects.filter(service=service, date=day).first()
    if closure is not None:
        reason = f" ({closure.reason})" if closure.reason else ""
        return InvalidInput(
            "service_closed",
            _("Dịch vụ “%(service)s” tạm ngừng nhận lịch ngày %(day)s%(reason)s.")
            % {"service": service.name, "day": format_day(day), "reason": reason},
            field="date")
    return None


def in_sessions(calendar: WorkCalendar, start: dt.time, end: dt.time) -> bool:
    return any(s <= start and end <= e for s, e in calendar.sessions)


def slot_times(service: FloorService, day: dt.date) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """(start, end, places) of every slot of ``service`` on ``day`` (aware datetimes)."""
    calendar = calendar_for_unit(service.unit)
    step = dt.timedelta(minutes=service.slot_minutes)
    tz = zone()
    out = []
    for window in _windows(service, day, calendar):
        start = dt.datetime.combine(day, window.start, tz)
        stop = dt.datetime.combine(day, window.end, tz)
        while start + step <= stop:
            end = start + step
            if in_sessions(calendar, start.timetz().replace(tzinfo=None),
                           end.timetz().replace(tzinfo=None)):
                out.append((start, end, window.places))
            start = end
    return sorted(set(out))


def slots_for_day(service: FloorService, day: dt.date, *, now: dt.datetime | None = None,
                  ) -> list[Slot]:
    """The slots of a day, created on first sight (a slot row is the counter that bookings
    take places from). Raises InvalidInput for a past day, a holiday or a closure."""
    now = now or timezone.now()
    if day < timezone.localdate(now):
        raise InvalidInput("date_past", _("Ngày %(day)s đã qua.")
                                        % {"day": format_day(day)}, field="date")
    problem = day_problem(service, day)
    if problem is not None:
        raise problem
    times = slot_times(service, day)
    if times:
        Slot.objects.bulk_create(
            [Slot(service=service, start=s, end=e, capacity=p) for s, e, p in times],
            ignore_conflicts=True,
        )
    starts = [s for s, _, _ in times]
    return list(Slot.objects.filter(service=service, start__in=starts).order_by("start"))


def slot_problem(slot: Slot, now: dt.datetime) -> InvalidInput | None:
    """Why ``slot`` cannot be booked now (past, holiday since added, lunch break), or None."""
    if slot.start <= now:
        return InvalidInput("slot_past", _("Khung giờ này đã qua, vui lòng chọn khung giờ khác."),
                            field="slot")
    service = slot.service
    if not service.bookable or not service.is_open:
        return InvalidInput("service_closed",
                            _("Dịch vụ “%(service)s” hiện không nhận lịch hẹn.")
                            % {"service": service.name}, field="service")
    local = slot.start.astimezone(zone())
    problem = day_problem(service, local.date())
    if problem is not None:
        problem.field = "slot"
        return problem
    calendar = calendar_for_unit(service.unit)
    end = slot.end.astimezone(zone())
    if not in_sessions(calendar, local.time(), end.time()):
        return InvalidInput("outside_hours",
                            _("Khung giờ này nằm ngoài giờ làm việc (giờ nghỉ trưa hoặc ngoài "
                              "giờ)."),
                            field="slot")
    return None


def local_start(slot: Slot) -> dt.datetime:
    return slot.start.astimezone(zone())
