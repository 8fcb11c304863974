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
    cal: WorkCalendar,
    start: datetime,
    hours: timedelta,
    cutoff: time | None,
    pauses: tuple[tuple[datetime, datetime], ...] = (),
) -> datetime:
    """Deadline by walking sessions day by day, cutting the pauses out of each session: slow,
    obvious, and sharing no code with the engine beyond ``is_working_day``. Instants are taken
    at one-second resolution, rounding up, like the engine."""
    local = ceil_second(start.astimezone(VN))
    day: date = local.date()
    clock = local.timetz().replace(tzinfo=None)
    if cal.is_working_day(day) and cutoff is not None and clock > cutoff:
        day, clock = day + timedelta(days=1), time(0)
    stops = sorted(
        (ceil_second(b.astimezone(VN)), ceil_second(e.astimezone(VN))) for b, e in pauses
    )
    remaining = hours
    while True:
        if cal.is_working_day(day):
            for s_start, s_end in cal.sessions:
                begin = datetime.combine(day, max(s_start, clock), VN)
                end = datetime.combine(day, s_end, VN)
                for running_from, running_to in _minus(begin, end, stops):
                    if running_to - running_from >= remaining:
                        return running_from + remaining
                    remaining -= running_to - running_from
        day, clock = day + timedelta(days=1), time(0)


def ceil_second(dt: datetime) -> datetime:
    """``dt`` rounded up to a whole second."""
    if dt.microsecond:
        return dt.replace(microsecond=0) + timedelta(seconds=1)
    return dt


def _minus(begin: datetime, end: datetime, stops: list[tuple[datetime, datetime]]):
    """[begin, end] without the (sorted, disjoint) stops, as running intervals."""
    at = begin
    for b, e in stops:
        if e <= at or b >= end:
            continue
        if b > at:
            yield at, b
        at = max(at, e)
    if at < end:
        yield at, end
