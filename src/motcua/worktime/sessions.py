"""Office hours (giờ làm việc): the working sessions of one working day.

A working day (ngày làm việc) is a list of sessions (buổi), by default the morning session
07:00-11:30 and the afternoon session 13:30-17:00, 8 working hours in all. The sessions are set
locally by each unit (domain §4.3), so nothing here assumes the default.

The engine measures working time in whole seconds. This module turns the sessions into lookup
tables shared by every calendar with the same sessions:

* ``offset_at[s]``: working seconds elapsed in the day at second-of-day ``s`` (0..86400),
  flat across lunch and outside office hours;
* the inverse, from working seconds back to the time of day, under the boundary rule: a deadline
  that lands on the end of a session is the end of that session (17:00, not 07:00 next day).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import time, timedelta
from functools import lru_cache

SECONDS_PER_DAY = 86_400

Session = tuple[time, time]

DEFAULT_SESSIONS: tuple[Session, ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)

# Domain §3.3: a dossier accepted after 15:00 counts from the next working day's opening.
DEFAULT_CUTOFF = time(15, 0)


def _seconds(t: time, what: str) -> int:
    if not isinstance(t, time):
        raise TypeError(f"{what} must be a datetime.time, got {type(t).__name__}")
    if t.tzinfo is not None:
        raise ValueError(f"{what} {t} must be a local wall-clock time without tzinfo")
    if t.microsecond:
        raise ValueError(f"{what} {t} must be a whole second")
    return t.hour * 3600 + t.minute * 60 + t.second


def normalize_sessions(sessions: Iterable[Session]) -> tuple[Session, ...]:
    """Validate sessions (buổi làm việc): each start < end, sorted, non-overlapping."""
    result = tuple((start, end) for start, end in sessions)
    if not result:
        raise ValueError("a working day needs at least one session (buổi làm việc)")
    previous_end = -1
    for i, (start, end) in enumerate(result):
        s = _seconds(start, f"session {i} start")
        e = _seconds(end, f"session {i} end")
        if e <= s:
            raise ValueError(f"session {i} ({start}-{end}) must end after it starts")
        if s < previous_end:
            raise ValueError(f"session {i} ({start}-{end}) overlaps or precedes session {i - 1}")
        previous_end = e
    return result


def online_cutoff(sessions: Sequence[Session] = DEFAULT_SESSIONS, minutes: int = 60) -> time:
    """Online cut-off (giờ chốt hồ sơ trực tuyến): ``minutes`` before the end of the last session.

    NĐ 297/2025: an online dossier received in the last hour before closing counts from the next
    working day. With the default sessions this is 16:00; a dossier received at 16:00:00 exactly
    still counts the same day (the engine starts the next day only strictly after the cut-off).
    """
    if minutes < 0:
        raise ValueError(f"online cut-off minutes must be >= 0, got {minutes}")
    close = _seconds(normalize_sessions(sessions)[-1][1], "last session end")
    at = close - minutes * 60
    if at < 0:
        raise ValueError(f"online cut-off of {minutes} minutes falls before midnight")
    return time(at // 3600, at // 60 % 60, at % 60)


@dataclass(frozen=True, slots=True, eq=False)
class DayPlan:
    """Compiled sessions: the per-second tables the deadline arithmetic indexes."""

    sessions: tuple[Session, ...]
    # [(start_s, end_s, working seconds before this session)], in order.
    spans: tuple[tuple[int, int, int], ...]
    day_seconds: int
    offset_at: list[int]
    # Lazily filled timedelta caches, indexed by working seconds into the day (0..day_seconds):
    # building a timedelta costs ~0.5 us, an indexed read ~30 ns.
    _end_cache: list[timedelta | None] = field(repr=False)
    _start_cache: list[timedelta | None] = field(repr=False)

    @property
    def day_length(self) -> timedelta:
        return timedelta(seconds=self.day_seconds)

    def second_of_day_ending(self, worked: int) -> int:
        """Second of day when ``worked`` (1..day_seconds) working seconds are complete.

        Boundary rule: the end of the earlier session wins (11:30, not 13:30).
        """
        for start, end, before in self.spans:
            if worked <= before + (end - start):
                return start + worked - before
        raise ValueError(f"{worked} s exceeds the working day of {self.day_seconds} s")

    def second_of_day_starting(self, worked: int) -> int:
        """Second of day when the clock has run ``worked`` (0..day_seconds-1) seconds and runs on.

        The opposite of the boundary rule: after a completed morning the clock runs on at 13:30.
        """
        for start, end, before in self.spans:
            if worked < before + (end - start):
                return start + worked - before
        raise ValueError(f"{worked} s is not inside the working day of {self.day_seconds} s")

    def end_delta(self, worked: int) -> timedelta:
        """``second_of_day_ending`` as a cached timedelta from midnight."""
        td = self._end_cache[worked]
        if td is None:
            td = self._end_cache[worked] = timedelta(seconds=self.second_of_day_ending(worked))
        return td

    def start_delta(self, worked: int) -> timedelta:
        """``second_of_day_starting`` as a cached timedelta from midnight."""
        td = self._start_cache[worked]
        if td is None:
            td = self._start_cache[worked] = timedelta(seconds=self.second_of_day_starting(worked))
        return td


@lru_cache(maxsize=32)
def day_plan(sessions: tuple[Session, ...]) -> DayPlan:
    """Compile (and share) the tables for one set of sessions."""
    sessions = normalize_sessions(sessions)
    spans = []
    before = 0
    for start, end in sessions:
        s, e = _seconds(start, "session start"), _seconds(end, "session end")
        spans.append((s, e, before))
        before += e - s
    day_seconds = before
    offset_at = [0] * (SECONDS_PER_DAY + 1)
    worked = 0
    span_iter = iter(spans)
    current = next(span_iter, None)
    for second in range(SECONDS_PER_DAY + 1):
        while current is not None and second >= current[1]:
            worked = current[2] + current[1] - current[0]
            current = next(span_iter, None)
        if current is not None and second > current[0]:
            offset_at[second] = current[2] + second - current[0]
        else:
            offset_at[second] = worked
    return DayPlan(
        sessions=sessions,
        spans=tuple(spans),
        day_seconds=day_seconds,
        offset_at=offset_at,
        _end_cache=[None] * (day_seconds + 1),
        _start_cache=[None] * (day_seconds + 1),
    )


# Timedeltas for seconds of the day, built on first use (a timedelta costs ~0.5 us to build).
_TIME_OF_DAY: list[timedelta | None] = [None] * (SECONDS_PER_DAY + 1)


def time_of_day(second: int) -> timedelta:
    """``timedelta(seconds=second)`` for 0 <= second <= 86400, cached."""
    td = _TIME_OF_DAY[second]
    if td is None:
        td = _TIME_OF_DAY[second] = timedelta(seconds=second)
    return td
