"""Deadlines (thời hạn, ngày hẹn trả) and working time (thời gian làm việc) on a WorkCalendar.

Everything is integer seconds on one "working-time axis": ``W`` counts the working seconds
elapsed since the calendar's first day, so working day ``k`` covers ``(k * day, (k + 1) * day]``.
A deadline is ``W(effective start) + amount`` mapped back to a date and time of day: one
division and two list reads, no day-by-day loop (domain §3.7). The numbers stay below 2**30,
where CPython's integer arithmetic is cheapest.

Resolution is one second (an appointment is printed to the minute): an instant with a fraction
of a second counts from the next whole second, so counting never starts before the acceptance.
Results are whole seconds.

Rules (domain §3.2, §3.3):

* counting starts at the acceptance instant when that is inside a session of a working day, at
  or before the cut-off (default 15:00; ``cutoff=None`` disables it);
* after the cut-off on a working day, counting starts at the next working day's opening;
* outside the sessions (before opening, lunch, evening, weekend, holiday) it starts at the next
  session's opening (lunch -> 13:30 the same day);
* a deadline landing exactly on a session boundary is the END of the earlier session (17:00 on
  day X rather than 07:00 on day X+1; 11:30 rather than 13:30);
* pauses (tạm dừng, stop-the-clock) push the deadline by the working time they cover after the
  effective start and before the deadline is reached.

This module reads the compiled tables of :class:`motcua.worktime.calendar.WorkCalendar`; it is a
mixin only to keep the arithmetic apart from the calendar's construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from motcua.worktime.duration import KIND_CALENDAR, Duration
from motcua.worktime.errors import NaiveDatetimeError, OutOfRangeError, PauseError
from motcua.worktime.sessions import DEFAULT_CUTOFF, SECONDS_PER_DAY, time_of_day

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from motcua.worktime.sessions import DayPlan

Pause = tuple[datetime, datetime]
# (begin, end, W(begin), W(end), index, local second of begin, local second of end)
PauseSpan = tuple[datetime, datetime, int, int, int, int, int]


class DeadlineMixin:
    """Working-time arithmetic; see the module docstring for the rules."""

    __slots__ = ()

    # Provided by WorkCalendar.
    zone: ZoneInfo
    _plan: DayPlan
    _ndays: int
    _work: list[bool]
    _wd_day: list[int]
    _wd_base: list[datetime]
    _day_base: list[datetime]
    _off: list[int]
    _w0s: list[int]
    _day_s: int
    _end_cache: list[timedelta | None]
    _epoch_local: datetime
    _epoch_utc: datetime
    _default_cut: int

    def _range_error(self, value: object, what: str) -> OutOfRangeError:
        raise NotImplementedError

    def local(self, dt: datetime, what: str = "datetime") -> datetime:
        raise NotImplementedError

    def _cut_seconds(self, cutoff: time | None) -> int:
        raise NotImplementedError

    # ------------------------------------------------------------------ conversions

    def _utc_delta(self, dt: datetime, what: str) -> timedelta:
        """Elapsed time from the calendar's first local midnight to an aware ``dt``."""
        if not isinstance(dt, datetime):
            raise TypeError(f"{what} must be a datetime, got {type(dt).__name__}")
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise NaiveDatetimeError(
                f"{what} {dt} is naive: pass a timezone-aware datetime "
                f"(e.g. tzinfo=ZoneInfo('{self.zone.key}'))"
            )
        return dt - self._epoch_utc

    def _locate(self, dt: datetime, what: str) -> tuple[int, int]:
        """(day index, second of day rounded up) of ``dt`` on the calendar's wall clock.

        The second of day may be 86400 (a fraction before midnight rounds up to it).
        """
        # Same tzinfo object on both sides: Python subtracts wall clocks, skipping two
        # utcoffset() lookups (~0.5 us); exact for the calendar's zone because it has a fixed
        # offset over its years, and for UTC trivially. ``deadline`` inlines this.
        try:
            tz = dt.tzinfo
        except AttributeError:
            raise TypeError(f"{what} must be a datetime, got {type(dt).__name__}") from None
        if tz is self.zone:
            delta = dt - self._epoch_local
        elif tz is UTC:
            delta = dt - self._epoch_utc
        else:
            delta = self._utc_delta(dt, what)
        day = delta.days
        if not 0 <= day < self._ndays:
            raise self._range_error(dt, what)
        if delta.microseconds:
            return day, delta.seconds + 1
        return day, delta.seconds

    def _w_at(self, dt: datetime, what: str) -> int:
        """W at ``dt`` (the clock's reading; no cut-off)."""
        day, sod = self._locate(dt, what)
        if self._work[day]:
            return self._w0s[day] + self._off[sod]
        return self._w0s[day]

    def _start_w(self, start: datetime, cutoff: time | None) -> int:
        """W at which counting starts for a dossier accepted at ``start``."""
        day, sod = self._locate(start, "start")
        cut = self._cut_seconds(cutoff)
        w = self._w0s[day]
        if self._work[day]:
            w += self._off[sod] if sod <= cut else self._day_s
        return w

    def _at_end(self, w: int, what: str = "deadline") -> datetime:
        """The instant W is reached, under the boundary rule (end of the earlier session)."""
        idx, s = divmod(w - 1, self._day_s)
        if not 0 <= idx < len(self._wd_base):
            raise self._range_error(f"the {what}", "W")
        return self._wd_base[idx] + self._plan.end_delta(s + 1)

    def _at_start(self, w: int) -> datetime:
        """The instant the clock runs on from W (after lunch: 13:30, not 11:30)."""
        idx, s = divmod(w, self._day_s)
        if not 0 <= idx < len(self._wd_base):
            raise self._range_error("the next opening", "W")
        return self._wd_base[idx] + self._plan.start_delta(s)

    def _pause_spans(self, pauses: Iterable[Pause]) -> list[PauseSpan]:
        """Validated pauses, sorted by begin."""
        zone, epoch, ndays = self.zone, self._epoch_local, self._ndays
        work, w0s, offsets = self._work, self._w0s, self._off
        locate = self._locate
        spans = []
        for i, pause in enumerate(pauses):
            try:
                begin, end = pause
            except (TypeError, ValueError):
                raise PauseError(f"pause {i} must be a (begin, end) pair, got {pause!r}") from None
            # ``_locate`` written out for the common case (calendar zone, in range): pauses are
            # on the recompute path. Anything else goes through it for its checks and messages.
            if (
                getattr(begin, "tzinfo", None) is zone
                and 0 <= (delta := begin - epoch).days < ndays
            ):
                b_day = delta.days
                b_sod = delta.seconds + 1 if delta.microseconds else delta.seconds
            else:
                b_day, b_sod = locate(begin, f"pause {i} begin")
            if getattr(end, "tzinfo", None) is zone and 0 <= (delta := end - epoch).days < ndays:
                e_day = delta.days
                e_sod = delta.seconds + 1 if delta.microseconds else delta.seconds
            else:
                e_day, e_sod = locate(end, f"pause {i} end")
            if end < begin:
                raise PauseError(f"pause {i} ends ({end}) before it begins ({begin})")
            b_w = w0s[b_day] + offsets[b_sod] if work[b_day] else w0s[b_day]
            e_w = w0s[e_day] + offsets[e_sod] if work[e_day] else w0s[e_day]
            spans.append(
                (
                    begin,
                    end,
                    b_w,
                    e_w,
                    i,
                    b_day * SECONDS_PER_DAY + b_sod,
                    e_day * SECONDS_PER_DAY + e_sod,
                )
            )
        if len(spans) > 1:
            spans.sort(key=_begin_end)
            for prev, cur in zip(spans, spans[1:], strict=False):
                if cur[0] < prev[1]:
                    raise PauseError(
                        f"pauses {prev[4]} and {cur[4]} overlap: pause {cur[4]} begins "
                        f"({cur[0]}) before pause {prev[4]} ends ({prev[1]})"
                    )
        return spans

    # ------------------------------------------------------------------ public API

    def effective_start(self, start: datetime, *, cutoff: time | None = DEFAULT_CUTOFF) -> datetime:
        """When counting starts (thời điểm bắt đầu tính thời hạn) for a dossier accepted at
        ``start``: ``start`` itself, or the next opening (cut-off, lunch, evening, day off)."""
        return self._at_start(self._start_w(start, cutoff))

    def deadline(
        self,
        start: datetime,
        duration: Duration,
        *,
        pauses: Iterable[Pause] = (),
        cutoff: time | None = DEFAULT_CUTOFF,
        roll_to_working_day: bool = False,
    ) -> datetime:
        """Due date-time (ngày hẹn trả kết quả) of a dossier accepted at ``start``.

        ``start`` and the pause bounds must be timezone-aware; the result is aware, in the
        calendar's zone. ``roll_to_working_day`` only affects calendar-day durations (see
        ``_calendar_deadline``).
        """
        # The hot path: ``_locate`` and ``_start_w`` inline, one attribute read per table.
        try:
            tz = start.tzinfo
        except AttributeError:
            raise TypeError(f"start must be a datetime, got {type(start).__name__}") from None
        if tz is self.zone:
            delta = start - self._epoch_local
        elif tz is UTC:  # what Django reads back from the database
            delta = start - self._epoch_utc
        else:
            delta = self._utc_delta(start, "start")
        day = delta.days
        if not 0 <= day < self._ndays:
            raise self._range_error(start, "start")
        day_s = self._day_s
        cut = self._default_cut if cutoff is DEFAULT_CUTOFF else self._cut_seconds(cutoff)
        w = self._w0s[day]
        if self._work[day]:
            sod = delta.seconds + 1 if delta.microseconds else delta.seconds
            w += self._off[sod] if sod <= cut else day_s

        amount = duration.seconds or duration.whole_days * day_s
        if not amount:
            if duration.kind == KIND_CALENDAR:
                # Calendar-day amounts are whole (Duration checks it).
                return self._calendar_deadline(w, int(duration.value), pauses, roll_to_working_day)
            amount = duration.working_seconds(day_s)
        target = w + amount
        if pauses:
            for _, _, b_w, e_w, _, _, _ in self._pause_spans(pauses):
                if b_w >= target:
                    break  # the deadline passed before this pause began
                lo = b_w if b_w > w else w
                if e_w > lo:
                    target += e_w - lo

        t = target - 1
        idx = t // day_s
        s = t - idx * day_s + 1  # working seconds into the deadline's day: 1..day_s
        try:
            base = self._wd_base[idx]
        except IndexError:
            raise self._range_error(f"deadline for {start} + {duration}", "the") from None
        td = self._end_cache[s]
        if td is None:
            td = self._plan.end_delta(s)
        return base + td

    def deadlines(
        self,
        starts: Iterable[datetime],
        duration: Duration,
        *,
        cutoff: time | None = DEFAULT_CUTOFF,
    ) -> list[datetime]:
        """``deadline`` for many starts with one duration and cut-off (no pauses)."""
        deadline = self.deadline
        return [deadline(s, duration, cutoff=cutoff) for s in starts]

    def _calendar_deadline(
        self, w: int, days: int, pauses: Iterable[Pause], roll: bool
    ) -> datetime:
        """Calendar days (ngày): effective start + ``days`` x 24 h, same time of day.

        Pauses push it by the calendar time they cover after the effective start, in whole
        days: a started day counts (one minute pushes one day, 24 h and a second two). The
        limit is counted in days, and the due keeps the effective start's time of day, a time
        the office is open; pushed by the raw time a pause covered it fell at any hour (05:57).
        With ``roll`` a due date on a non-working day moves to the next working day at the same
        time of day. Whether the law rolls it is unverified (domain §3.7 [U]); the default keeps
        the plain calendar date.
        """
        idx, s = divmod(w, self._day_s)
        if idx >= len(self._wd_day):
            raise self._range_error("the next opening", "W")
        at0 = self._wd_day[idx] * SECONDS_PER_DAY + self._plan.second_of_day_starting(s)
        target = at0 + days * SECONDS_PER_DAY
        if pauses:
            for *_, b_at, e_at in self._pause_spans(pauses):
                if b_at >= target:
                    break
                lo = b_at if b_at > at0 else at0
                if e_at > lo:
                    target += -((lo - e_at) // SECONDS_PER_DAY) * SECONDS_PER_DAY  # ceil
        day, sod = divmod(target, SECONDS_PER_DAY)
        if day >= self._ndays:
            raise self._range_error(f"{days} calendar days after the start", "deadline")
        if roll and not self._work[day]:
            k = self._w0s[day] // self._day_s  # working days before ``day``: the next one's index
            if k >= len(self._wd_day):
                raise self._range_error("the next working day", "W")
            day = self._wd_day[k]
        return self._day_base[day] + time_of_day(sod)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time (thời gian làm việc) from ``a`` to ``b``; negative if ``b`` is earlier.

        No cut-off applies: this measures the clock, it does not decide when counting starts.
        """
        return timedelta(seconds=self._w_at(b, "b") - self._w_at(a, "a"))

    def working_days_of(self, span: timedelta) -> float:
        """A working-time span in working days (8 h = 1.0 with the default sessions)."""
        return span / self._plan.day_length

    def pause_working_time(
        self, pauses: Sequence[Pause], *, after: datetime | None = None
    ) -> timedelta:
        """Working time covered by ``pauses`` (after ``after`` if given); validates them."""
        w0 = self._w_at(after, "after") if after is not None else 0
        total = 0
        for _, _, b_w, e_w, _, _, _ in self._pause_spans(pauses):
            lo = b_w if b_w > w0 else w0
            if e_w > lo:
                total += e_w - lo
        return timedelta(seconds=total)

    def local_date(self, dt: datetime) -> date:
        """The calendar-zone date of an aware datetime."""
        return self.local(dt).date()


def _begin_end(span: PauseSpan) -> tuple[datetime, datetime]:
    return span[0], span[1]
