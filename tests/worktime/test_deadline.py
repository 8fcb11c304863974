"""Deadlines (ngày hẹn trả): cut-off, lunch, boundary rule, holidays, swaps, pauses."""

from __future__ import annotations

from datetime import UTC, time, timedelta
from fractions import Fraction

import pytest

from motcua.worktime import Duration
from tests.worktime._helpers import VN, reference_deadline, vn

D = Duration.working_days
H = Duration.working_hours
C = Duration.calendar_days

# (case, start, duration, cutoff, expected deadline); cut-off 15:00 unless given.
CASES = [
    ("inside session", vn(2025, 1, 6, 9), D(1), time(15), vn(2025, 1, 7, 9)),
    ("lunch break starts 13:30", vn(2025, 1, 6, 12), D(1), time(15), vn(2025, 1, 7, 11, 30)),
    ("before opening", vn(2025, 1, 6, 6, 15), D(1), time(15), vn(2025, 1, 6, 17)),
    ("at 15:00 exactly: same day", vn(2025, 1, 6, 15), D(1), time(15), vn(2025, 1, 7, 15)),
    ("at 15:01: next day", vn(2025, 1, 6, 15, 1), D(1), time(15), vn(2025, 1, 7, 17)),
    ("15:00:00.000001: next day", vn(2025, 1, 6, 15, 0, 0, 1), D(1), time(15), vn(2025, 1, 7, 17)),
    ("at 16:59", vn(2025, 1, 6, 16, 59), D(1), time(15), vn(2025, 1, 7, 17)),
    ("at 17:01", vn(2025, 1, 6, 17, 1), D(1), time(15), vn(2025, 1, 7, 17)),
    ("16:59 without cut-off", vn(2025, 1, 6, 16, 59), H(1), None, vn(2025, 1, 7, 7, 59)),
    ("17:01 without cut-off", vn(2025, 1, 6, 17, 1), D(1), None, vn(2025, 1, 7, 17)),
    ("Saturday night", vn(2025, 1, 11, 21), D(1), time(15), vn(2025, 1, 13, 17)),
    ("Friday after cut-off", vn(2025, 1, 10, 15, 30), D(2), time(15), vn(2025, 1, 14, 17)),
    # 30/4 and 1/5 holidays, Fri 2/5 swapped off, weekend: counting starts Mon 5/5.
    ("on a holiday", vn(2025, 4, 30, 10), D(1), time(15), vn(2025, 5, 5, 17)),
    ("make-up Saturday 26/04/2025", vn(2025, 4, 25, 9), D(1), time(15), vn(2025, 4, 26, 9)),
    ("accepted on the make-up Saturday", vn(2025, 4, 26, 8), H(2), time(15), vn(2025, 4, 26, 10)),
    # Boundary rule: a deadline on a session boundary is the end of the earlier session.
    ("8 h from opening ends 17:00", vn(2025, 1, 6, 7), H(8), time(15), vn(2025, 1, 6, 17)),
    ("4.5 h from opening ends 11:30", vn(2025, 1, 6, 7), H(4.5), time(15), vn(2025, 1, 6, 11, 30)),
    ("1 day from opening ends 17:00", vn(2025, 1, 6, 7), D(1), time(15), vn(2025, 1, 6, 17)),
    ("half an hour over lunch", vn(2025, 1, 6, 11, 15), H(0.5), time(15), vn(2025, 1, 6, 13, 45)),
    ("half a day", vn(2025, 1, 6, 9), D(0.5), time(15), vn(2025, 1, 6, 15)),
    ("fraction of an hour", vn(2025, 1, 6, 9), H(Fraction(1, 3)), time(15), vn(2025, 1, 6, 9, 20)),
    # Tết 2020 (Thu 23/01-Wed 29/01 off): 6 h on Wed 22/01, 2 h on Thu 30/01.
    ("Tết 2020", vn(2020, 1, 22, 9), D(1), time(15), vn(2020, 1, 30, 9)),
    ("Tết 2020, 2 days", vn(2020, 1, 22, 9), D(2), time(15), vn(2020, 1, 31, 9)),
    ("Tết 2020, 1/1 holiday", vn(2019, 12, 31, 16), D(16), time(15), vn(2020, 1, 30, 17)),
    # Tết 2025 (Mon 27/01-Fri 31/01 off).
    ("Tết 2025", vn(2025, 1, 24, 10), D(1), time(15), vn(2025, 2, 3, 10)),
    # Tết 2026 (Mon 16/02-Fri 20/02 off).
    ("Tết 2026 after cut-off", vn(2026, 2, 13, 16), D(1), time(15), vn(2026, 2, 23, 17)),
    ("Tết 2026 on Tết day", vn(2026, 2, 17, 10), H(4), time(15), vn(2026, 2, 23, 11)),
    # 2026 swap: Sat 22/08 worked, Mon 31/08 off, then 01-02/09 Quốc khánh.
    ("make-up Saturday 22/08/2026", vn(2026, 8, 21, 16), D(1), time(15), vn(2026, 8, 22, 17)),
    ("Quốc khánh 2026", vn(2026, 8, 28, 10), D(1), time(15), vn(2026, 9, 3, 10)),
    ("Giỗ Tổ 2026 nghỉ bù", vn(2026, 4, 24, 10), D(1), time(15), vn(2026, 4, 28, 10)),
    # Online cut-off: the last hour before closing.
    ("online at 16:00", vn(2025, 1, 6, 16), D(1), time(16), vn(2025, 1, 7, 16)),
    ("online at 16:01", vn(2025, 1, 6, 16, 1), D(1), time(16), vn(2025, 1, 7, 17)),
    ("seconds kept", vn(2025, 1, 6, 9, 13, 27), D(3), time(15), vn(2025, 1, 9, 9, 13, 27)),
    # One-second resolution: a fraction of a second counts from the next whole second.
    ("fraction rounds up", vn(2025, 1, 6, 9, 13, 27, 5), D(3), time(15), vn(2025, 1, 9, 9, 13, 28)),
    ("fraction before 17:00", vn(2025, 1, 6, 16, 59, 59, 1), H(1), None, vn(2025, 1, 7, 8)),
    # Calendar days keep the effective start's time of day.
    ("calendar days", vn(2025, 1, 6, 9), C(7), time(15), vn(2025, 1, 13, 9)),
    ("calendar days from Saturday", vn(2025, 1, 11, 21), C(1), time(15), vn(2025, 1, 14, 7)),
    ("calendar days onto Saturday", vn(2025, 1, 10, 9), C(1), time(15), vn(2025, 1, 11, 9)),
]


@pytest.mark.parametrize(
    ("start", "duration", "cutoff", "expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_deadline(cal, start, duration, cutoff, expected):
    due = cal.deadline(start, duration, cutoff=cutoff)
    assert due == expected
    assert due.tzinfo is VN
    if duration.unit.value != "calendar_days":
        # The same answer from the slow day-by-day reference walk.
        day_s = cal.day_length // timedelta(seconds=1)
        span = timedelta(seconds=duration.working_seconds(day_s))
        assert due == reference_deadline(cal, start, span, cutoff)


def test_default_cutoff_is_15h(cal):
    assert cal.deadline(vn(2025, 1, 6, 15, 1), D(1)) == vn(2025, 1, 7, 17)
    assert cal.deadline(vn(2025, 1, 6, 15), D(1)) == vn(2025, 1, 7, 15)


def test_online_cutoff(cal):
    assert cal.online_cutoff() == time(16)
    assert cal.online_cutoff(30) == time(16, 30)
    assert cal.deadline(vn(2025, 1, 6, 16, 10), D(1), cutoff=cal.online_cutoff()) == vn(
        2025, 1, 7, 17
    )


def test_effective_start(cal):
    assert cal.effective_start(vn(2025, 1, 6, 12)) == vn(2025, 1, 6, 13, 30)
    assert cal.effective_start(vn(2025, 1, 6, 15, 1)) == vn(2025, 1, 7, 7)
    assert cal.effective_start(vn(2025, 1, 6, 15, 1), cutoff=None) == vn(2025, 1, 6, 15, 1)
    assert cal.effective_start(vn(2025, 1, 11, 21)) == vn(2025, 1, 13, 7)
    assert cal.effective_start(vn(2026, 8, 21, 17, 30)) == vn(2026, 8, 22, 7)


def test_other_timezones_in_and_vietnam_out(cal):
    start = vn(2025, 1, 6, 9).astimezone(UTC)
    due = cal.deadline(start, D(1))
    assert due == vn(2025, 1, 7, 9) and due.tzinfo is VN and due.utcoffset() == timedelta(hours=7)


def test_roll_to_working_day(cal):
    start = vn(2025, 1, 10, 9)
    assert cal.deadline(start, C(1), roll_to_working_day=True) == vn(2025, 1, 13, 9)
    assert cal.deadline(start, C(3), roll_to_working_day=True) == vn(2025, 1, 13, 9)
    # 30/4/2025 + 1 day lands on 1/5 (holiday): rolls over 2/5 and the weekend.
    assert cal.deadline(vn(2025, 4, 29, 9), C(2), roll_to_working_day=True) == vn(2025, 5, 5, 9)


# ---------------------------------------------------------------- pauses (tạm dừng)


def test_pause_outside_working_hours_changes_nothing(cal):
    start = vn(2025, 1, 9, 9)  # Thursday
    plain = cal.deadline(start, D(3))
    weekend = (vn(2025, 1, 11, 0), vn(2025, 1, 12, 23))
    night = (vn(2025, 1, 9, 17, 30), vn(2025, 1, 10, 6, 45))
    lunch = (vn(2025, 1, 10, 11, 30), vn(2025, 1, 10, 13, 30))
    assert cal.deadline(start, D(3), pauses=[weekend, night, lunch]) == plain


def test_pause_starting_and_ending_outside_working_hours(cal):
    start = vn(2025, 1, 6, 9)  # Monday
    # Friday 18:00 to Monday 09:00: only Monday 07:00-09:00 is working time.
    pause = (vn(2025, 1, 10, 18), vn(2025, 1, 13, 9))
    assert cal.deadline(start, D(10), pauses=[pause]) == cal.deadline(start, D(10)) + timedelta(
        hours=2
    )
    # Sunday 20:00 to Tuesday 06:00: the whole Monday.
    pause = (vn(2025, 1, 12, 20), vn(2025, 1, 14, 6))
    assert cal.deadline(start, D(10), pauses=[pause]) == cal.deadline(start, D(11))


def test_pause_before_start_counts_only_after_effective_start(cal):
    start = vn(2025, 1, 6, 12)  # lunch: counting starts 13:30
    pause = (vn(2025, 1, 5, 10), vn(2025, 1, 6, 14, 30))
    assert cal.deadline(start, H(8), pauses=[pause]) == cal.deadline(start, H(9))
    before = (vn(2025, 1, 3, 9), vn(2025, 1, 6, 13, 30))
    assert cal.deadline(start, H(8), pauses=[before]) == cal.deadline(start, H(8))


def test_pause_after_deadline_does_not_extend(cal):
    start = vn(2025, 1, 6, 9)
    due = cal.deadline(start, D(1))  # Tue 09:00
    assert cal.deadline(start, D(1), pauses=[(due, due + timedelta(days=2))]) == due
    assert cal.deadline(start, D(1), pauses=[(vn(2025, 1, 8, 9), vn(2025, 1, 9, 9))]) == due


def test_two_pauses_across_lunch(cal):
    start = vn(2025, 1, 6, 9)
    pauses = [
        (vn(2025, 1, 6, 11), vn(2025, 1, 6, 14)),
        (vn(2025, 1, 6, 15), vn(2025, 1, 6, 15, 30)),
    ]
    # 1 h (11:00-11:30, 13:30-14:00) + 0.5 h.
    assert cal.deadline(start, H(4), pauses=pauses) == cal.deadline(start, H(5.5))
    assert cal.deadline(start, H(4), pauses=reversed(pauses)) == cal.deadline(start, H(5.5))
    assert cal.pause_working_time(pauses) == timedelta(hours=1.5)


def test_touching_and_empty_pauses_are_fine(cal):
    start = vn(2025, 1, 6, 9)
    a, b, c = vn(2025, 1, 6, 10), vn(2025, 1, 6, 10, 30), vn(2025, 1, 6, 11)
    assert cal.deadline(start, H(2), pauses=[(a, b), (b, c), (c, c)]) == cal.deadline(start, H(3))
    # A pause beginning exactly when the deadline is reached does not extend it.
    assert cal.deadline(start, H(1), pauses=[(a, c)]) == a


def test_calendar_days_with_pause(cal):
    start = vn(2025, 1, 6, 9)
    pause = (vn(2025, 1, 7, 12), vn(2025, 1, 8, 12))
    assert cal.deadline(start, C(7), pauses=[pause]) == vn(2025, 1, 14, 9)


def test_calendar_days_pause_pushes_whole_days(cal):
    """A calendar-day limit is pushed by whole days, so its due keeps the effective start's time
    of day: pushed by the raw 2 d 21 h 15 min of this pause it fell at 06:15, before opening
    (the demo's 05:57 due on 30/11/2026 after a payment pause)."""
    start = vn(2025, 1, 6, 9)
    pause = (vn(2025, 1, 7, 10, 55), vn(2025, 1, 10, 8, 10))
    assert cal.deadline(start, C(7), pauses=[pause]) == vn(2025, 1, 16, 9)
    # A started day counts: one minute pushes one day, 24 h and a second push two.
    minute = (vn(2025, 1, 7, 10), vn(2025, 1, 7, 10, 1))
    assert cal.deadline(start, C(7), pauses=[minute]) == vn(2025, 1, 14, 9)
    day_and_second = (vn(2025, 1, 7, 10), vn(2025, 1, 8, 10, 0, 1))
    assert cal.deadline(start, C(7), pauses=[day_and_second]) == vn(2025, 1, 15, 9)
    # Each pause counts its own days; only the part after the effective start counts.
    assert cal.deadline(start, C(7), pauses=[minute, (vn(2025, 1, 9, 8), vn(2025, 1, 9, 9))]) == (
        vn(2025, 1, 15, 9))
    assert cal.deadline(start, C(7), pauses=[(vn(2025, 1, 5, 9), vn(2025, 1, 6, 9))]) == (
        vn(2025, 1, 13, 9))
    # The effective start after the cut-off (07:00 next day) is the time of day kept.
    late = vn(2025, 1, 6, 16)
    assert cal.deadline(late, C(7), pauses=[pause]) == vn(2025, 1, 17, 7)


# ---------------------------------------------------------------- working time


def test_working_time_between(cal):
    assert cal.working_time_between(vn(2025, 1, 6, 7), vn(2025, 1, 6, 17)) == timedelta(hours=8)
    assert cal.working_time_between(vn(2025, 1, 6, 11), vn(2025, 1, 6, 14)) == timedelta(hours=1)
    assert cal.working_time_between(vn(2025, 1, 10, 16), vn(2025, 1, 13, 8)) == timedelta(hours=2)
    assert cal.working_time_between(vn(2025, 1, 13, 8), vn(2025, 1, 10, 16)) == -timedelta(hours=2)
    assert cal.working_time_between(vn(2025, 1, 11, 8), vn(2025, 1, 12, 16)) == timedelta(0)
    assert cal.working_days_of(timedelta(hours=12)) == 1.5


def test_bulk_deadlines(cal):
    starts = [vn(2025, 1, 6, 9), vn(2025, 1, 6, 16)]
    assert cal.deadlines(starts, D(1)) == [vn(2025, 1, 7, 9), vn(2025, 1, 7, 17)]


def test_package_docstring_example():
    import doctest

    import motcua.worktime

    assert doctest.testmod(motcua.worktime).failed == 0
