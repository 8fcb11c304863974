"""Deadlines (thời hạn, ngày hẹn trả) and working time (thời gian làm việc) on a WorkCalendar.

Everything is integer arithmetic on one "working-time axis": ``W`` counts the working time
elapsed since the calendar's first day, so working day ``k`` covers ``(k * day, (k + 1) * day]``.
A deadline is then ``W(effective start) + amount`` mapped back to a date and time of day: one
division and two list reads, no day-by-day loop (domain §3.7). The common case (whole-second
start and amount, no pauses) runs in whole seconds; the rest in microseconds.

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
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from motcua.worktime.duration import KIND_CALENDAR, Duration
from motcua.worktime.errors import NaiveDatetimeError, OutOfRangeError, PauseError
from motcua.worktime.sessions import DEFAULT_CUTOFF, MICROS, SECONDS_PER_DAY

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from motcua.worktime.sessions import DayPlan

Pause = tuple[datetime, datetime]
DAY_MICROS = SECONDS_PER_DAY * MICROS


class DeadlineMixin:
    """Working-time arithmetic; see the module docstring for the rules."""

    __slots__ = ()

    # Provided by WorkCalendar.
    zone: ZoneInfo
    _plan: DayPlan
    _ndays: int
    _work: list[bool]
    _wb: list[int]
    _wd_day: list[int]
    _wd_base: list[datetime]
    _day_base: list[datetime]
    _off: list[int]
    _w0s: list[int]
    _day_s: int
    _day_us: int
    _end_cache: list[timedelta | None]
    _epoch_local: datetime
    _epoch_utc: datetime
    _default_cut: int

    def _range_error(self, value: object, what: str) -> OutOfRangeError:
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

    def _delta(self, dt: datetime, what: str) -> timedelta:
        # Same tzinfo object: Python subtracts wall clocks, skipping two utcoffset() lookups
        # (~0.5 us); exact because the calendar's zone has a fixed offset over its years.
        # (``deadline`` and ``_locate`` inline this.)
        if getattr(dt, "tzinfo", None) is self.zone:
            return dt - self._epoch_local
        return self._utc_delta(dt, what)

    def _locate(self, dt: datetime, what: str, index: int = -1) -> tuple[int, int]:
        """(local microseconds since the first midnight, plain W) of ``dt``; no cut-off.

        ``index`` >= 0 names pause ``index`` in errors; labels are built only on error.
        """
        try:
            if dt.tzinfo is self.zone:
                delta = dt - self._epoch_local
            else:
                delta = self._utc_delta(dt, what if index < 0 else f"pause {index} {what}")
        except AttributeError:
            label = what if index < 0 else f"pause {index} {what}"
            raise TypeError(f"{label} must be a datetime, got {type(dt).__name__}") from None
        day = delta.days
        if not 0 <= day < self._ndays:
            raise self._range_error(dt, what if index < 0 else f"pause {index} {what}")
        sod = delta.seconds
        us = delta.microseconds
        at = (day * SECONDS_PER_DAY + sod) * MICROS + us
        w = self._wb[day] * self._day_us
        if self._work[day]:
            off = self._off[sod]
            w += off * MICROS
            if us and self._off[sod + 1] != off:
                w += us
        return at, w

    def _start_w(self, start: datetime, cutoff: time | None) -> int:
        """W at which counting starts for a dossier accepted at ``start``."""
        delta = self._delta(start, "start")
        day = delta.days
        if not 0 <= day < self._ndays:
            raise self._range_error(start, "start")
        sod = delta.seconds
        us = delta.microseconds
        cut = self._cut_seconds(cutoff)
        wb = self._wb[day]
        if not self._work[day]:
            return wb * self._day_us
        if sod < cut or (sod == cut and not us):
            off = self._off[sod]
            w = wb * self._day_us + off * MICROS
            if us and self._off[sod + 1] != off:
                w += us
            return w
        return (wb + 1) * self._day_us

    def _at_end(self, w: int) -> datetime:
        """The instant W is reached, under the boundary rule (end of the earlier session)."""
        idx, off = divmod(w - 1, self._day_us)
        s, r = divmod(off + 1, MICROS)
        if not 0 <= idx < len(self._wd_base):
            raise self._range_error("deadline", "the computed")
        if r:
            return self._wd_base[idx] + self._plan.start_delta(s) + timedelta(microseconds=r)
        return self._wd_base[idx] + self._plan.end_delta(s)

    def _at_start(self, w: int) -> datetime:
        """The instant the clock runs on from W (after lunch: 13:30, not 11:30)."""
        idx, off = divmod(w, self._day_us)
        s, r = divmod(off, MICROS)
        if not 0 <= idx < len(self._wd_base):
            raise self._range_error("next opening", "the")
        return self._wd_base[idx] + self._plan.start_delta(s) + timedelta(microseconds=r)

    def _pause_spans(self, pauses: Iterable[Pause]) -> list[tuple[int, int, int, int, int]]:
        """Validated pauses as sorted (begin, end, W(begin), W(end), index)."""
        # ``_locate`` inlined for the common case (calendar zone, in range): pauses are on the
        # recompute path. Anything else goes through ``_locate`` for its checks and messages.
        zone, epoch, ndays = self.zone, self._epoch_local, self._ndays
        work, wb, offsets, day_us = self._work, self._wb, self._off, self._day_us
        locate = self._locate
        spans = []
        for i, pause in enumerate(pauses):
            try:
                begin, end = pause
            except (TypeError, ValueError):
                raise PauseError(f"pause {i} must be a (begin, end) pair, got {pause!r}") from None
            # Written out twice rather than looped: this is the recompute hot path.
            if (
                getattr(begin, "tzinfo", None) is zone
                and 0 <= (delta := begin - epoch).days < ndays
            ):
                day = delta.days
                sod = delta.seconds
                us = delta.microseconds
                b_at = (day * 86_400 + sod) * 1_000_000 + us
                b_w = wb[day] * day_us
                if work[day]:
                    off = offsets[sod]
                    b_w += off * 1_000_000
                    if us and offsets[sod + 1] != off:
                        b_w += us
            else:
                b_at, b_w = locate(begin, "begin", i)
            if getattr(end, "tzinfo", None) is zone and 0 <= (delta := end - epoch).days < ndays:
                day = delta.days
                sod = delta.seconds
                us = delta.microseconds
                e_at = (day * 86_400 + sod) * 1_000_000 + us
                e_w = wb[day] * day_us
                if work[day]:
                    off = offsets[sod]
                    e_w += off * 1_000_000
                    if us and offsets[sod + 1] != off:
                        e_w += us
            else:
                e_at, e_w = locate(end, "end", i)
            if e_at < b_at:
                raise PauseError(f"pause {i} ends ({end}) before it begins ({begin})")
            spans.append((b_at, e_at, b_w, e_w, i))
        if len(spans) > 1:
            spans.sort()
            for prev, cur in zip(spans, spans[1:], strict=False):
                if cur[0] < prev[1]:
                    raise PauseError(
                        f"pauses {prev[4]} and {cur[4]} overlap: pause {cur[4]} begins before "
                        f"pause {prev[4]} ends"
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
        # The hot path: inline, one attribute read per table, and whole seconds, which keep the
        # ints below 2**30 where CPython's arithmetic is fastest. Microseconds, pauses,
        # fractional amounts and calendar days take ``_deadline_micros``.
        try:
            if start.tzinfo is self.zone:
                delta = start - self._epoch_local
            else:
                delta = self._utc_delta(start, "start")
        except AttributeError:
            raise TypeError(f"start must be a datetime, got {type(start).__name__}") from None
        day = delta.days
        if not 0 <= day < self._ndays:
            raise self._range_error(start, "start")
        day_s = self._day_s
        cut = self._default_cut if cutoff is DEFAULT_CUTOFF else self._cut_seconds(cutoff)
        w = self._w0s[day]
        us = 0
        if self._work[day]:
            sod = delta.seconds
            us = delta.microseconds
            if sod < cut or (sod == cut and not us):
                offsets = self._off
                off = offsets[sod]
                w += off
                if us and offsets[sod + 1] == off:
                    us = 0  # outside a session the clock is not running: no fraction
            else:
                w += day_s
                us = 0
        amount = duration.seconds or duration.whole_days * day_s
        if us or not amount or pauses:
            return self._deadline_micros(
                start, w * 1_000_000 + us, duration, pauses, roll_to_working_day
            )
        t = w + amount - 1
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

    def _deadline_micros(
        self,
        start: datetime,
        w: int,
        duration: Duration,
        pauses: Iterable[Pause],
        roll_to_working_day: bool,
    ) -> datetime:
        """``deadline`` from W = ``w`` microseconds, for every case the hot path leaves."""
        day_us = self._day_us
        if duration.kind == KIND_CALENDAR:
            return self._calendar_deadline(w, duration.value, pauses, roll_to_working_day)
        amount = duration.working_micros(day_us)
        if amount <= 0:
            raise ValueError(f"a duration of {duration} is meaningless: under 1 us")
        target = w + amount
        if pauses:
            w0 = w
            for _, _, b_w, e_w, _ in self._pause_spans(pauses):
                if b_w >= target:
                    break  # the deadline passed before this pause began
                lo = b_w if b_w > w0 else w0
                if e_w > lo:
                    target += e_w - lo
        idx, off = divmod(target - 1, day_us)
        s, r = divmod(off + 1, MICROS)
        if not 0 <= idx < len(self._wd_base):
            raise self._range_error(f"deadline for {start} + {duration}", "the")
        base = self._wd_base[idx]
        if r:
            return base + self._plan.start_delta(s) + timedelta(microseconds=r)
        return base + self._plan.end_delta(s)

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

        Pauses push it by the calendar time they cover after the effective start. With
        ``roll`` a due date on a non-working day moves to the next working day at the same time
        of day. Whether the law rolls it is unverified (domain §3.7 [U]); the default keeps the
        plain calendar date.
        """
        idx, off = divmod(w, self._day_us)
        s, r = divmod(off, MICROS)
        if idx >= len(self._wd_day):
            raise self._range_error("next opening", "the")
        at0 = (self._wd_day[idx] * SECONDS_PER_DAY + self._plan.second_of_day_starting(s)) * MICROS
        at0 += r
        target = at0 + days * DAY_MICROS
        if pauses:
            for b_at, e_at, _, _, _ in self._pause_spans(pauses):
                if b_at >= target:
                    break
                lo = b_at if b_at > at0 else at0
                if e_at > lo:
                    target += e_at - lo
        day, rem = divmod(target, DAY_MICROS)
        if day >= self._ndays:
            raise self._range_error(f"{days} calendar days after the start", "deadline")
        if roll and not self._work[day]:
            k = self._wb[day]
            if k >= len(self._wd_day):
                raise self._range_error("next working day", "the")
            day = self._wd_day[k]
        return self._day_base[day] + timedelta(microseconds=rem)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time (thời gian làm việc) from ``a`` to ``b``; negative if ``b`` is earlier.

        No cut-off applies: this measures the clock, it does not decide when counting starts.
        """
        _, wa = self._locate(a, "a")
        _, wb = self._locate(b, "b")
        return timedelta(microseconds=wb - wa)

    def working_days_of(self, span: timedelta) -> float:
        """A working-time span in working days (8 h = 1.0 with the default sessions)."""
        return span / self._plan.day_length

    def pause_working_time(
        self, pauses: Sequence[Pause], *, after: datetime | None = None
    ) -> timedelta:
        """Working time covered by ``pauses`` (after ``after`` if given); validates them."""
        w0 = self._locate(after, "after")[1] if after is not None else 0
        total = 0
        for _, _, b_w, e_w, _ in self._pause_spans(pauses):
            lo = b_w if b_w > w0 else w0
            if e_w > lo:
                total += e_w - lo
        return timedelta(microseconds=total)

    def local_date(self, dt: datetime) -> date:
        """The calendar-zone date of an aware datetime."""
        delta = self._delta(dt, "datetime")
        return self._day_base[0].date() + timedelta(days=delta.days)
