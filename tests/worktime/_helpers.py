"""Shared test helpers (not fixtures): aware datetimes and an independent reference engine."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from motcua.worktime import WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    """An aware Asia/Ho_Chi_Minh datetime."""
    return datetime(y, mo, d, h, mi, s, us, tzinfo=VN)


def reference_deadline(
    cal: WorkCalendar, start: datetime, hours: timedelta, cutoff: time | None
) -> datetime:
    """Deadline by walking sessions day by day: slow, obvious, and shares no code with the
    engine beyond ``is_working_day``."""
    local = start.astimezone(VN)
    day: date = local.date()
    clock = local.timetz().replace(tzinfo=None)
    if cal.is_working_day(day) and cutoff is not None and clock > cutoff:
        day, clock = day + timedelta(days=1), time(0)
    remaining = hours
    while True:
        if cal.is_working_day(day):
            for s_start, s_end in cal.sessions:
                begin = datetime.combine(day, max(s_start, clock), VN)
                end = datetime.combine(day, s_end, VN)
                if begin >= end:
                    continue
                if end - begin >= remaining:
                    return begin + remaining
                remaining -= end - begin
        day, clock = day + timedelta(days=1), time(0)
