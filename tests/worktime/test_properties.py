"""Property-based checks (hypothesis) of the deadline arithmetic."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.worktime import Duration, WorkCalendar
from tests.worktime._helpers import VN, reference_deadline

CAL = WorkCalendar.vietnam()
# No per-example time limit: shared machines are slow, and these check correctness, not speed.
relaxed = settings(deadline=None)

starts = st.datetimes(
    min_value=datetime(2019, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(VN)
)
cutoffs = st.sampled_from([time(15), time(16), None])
day_counts = st.integers(min_value=1, max_value=60)
# Whole minutes up to 5 working days.
minute_counts = st.integers(min_value=1, max_value=5 * 8 * 60)


def in_hours(minutes: int) -> Duration:
    return Duration.working_hours(Fraction(minutes, 60))


durations = st.one_of(
    day_counts.map(Duration.working_days),
    minute_counts.map(in_hours),
    st.integers(min_value=1, max_value=90).map(Duration.calendar_days),
)


@relaxed
@given(starts, starts, durations, cutoffs)
def test_monotonic_in_start(a, b, duration, cutoff):
    a, b = min(a, b), max(a, b)
    assert CAL.deadline(a, duration, cutoff=cutoff) <= CAL.deadline(b, duration, cutoff=cutoff)


@relaxed
@given(starts, day_counts, day_counts, cutoffs)
def test_monotonic_in_days(start, m, n, cutoff):
    m, n = min(m, n), max(m, n)
    early = CAL.deadline(start, Duration.working_days(m), cutoff=cutoff)
    late = CAL.deadline(start, Duration.working_days(n), cutoff=cutoff)
    assert early <= late
    assert (early < late) == (m < n)


@relaxed
@given(starts, minute_counts, minute_counts)
def test_monotonic_in_hours(start, g, h):
    g, h = min(g, h), max(g, h)
    assert CAL.deadline(start, in_hours(g)) <= CAL.deadline(start, in_hours(h))


@relaxed
@given(starts, minute_counts, cutoffs)
def test_working_time_to_deadline_is_the_duration(start, minutes, cutoff):
    due = CAL.deadline(start, in_hours(minutes), cutoff=cutoff)
    effective = CAL.effective_start(start, cutoff=cutoff)
    assert CAL.working_time_between(effective, due) == timedelta(minutes=minutes)
    assert effective < due


@relaxed
@given(starts, day_counts)
def test_working_days_are_day_length_hours(start, n):
    due = CAL.deadline(start, Duration.working_days(n))
    assert CAL.working_time_between(CAL.effective_start(start), due) == n * CAL.day_length
    assert due == CAL.deadline(start, Duration.working_hours(8 * n))


@relaxed
@given(starts, durations, st.integers(min_value=0, max_value=400), st.integers(0, 48 * 60))
def test_pause_without_working_time_changes_nothing(start, duration, week, minutes):
    sunday = datetime(2019, 1, 6, tzinfo=VN) + timedelta(weeks=week)
    assert not CAL.is_working_day(sunday.date())
    if duration.unit.value == "calendar_days":
        return  # calendar days count every day, Sundays included
    begin = sunday + timedelta(minutes=minutes % (24 * 60))
    pause = (begin, sunday + timedelta(hours=23, minutes=59))
    assert CAL.deadline(start, duration, pauses=[pause]) == CAL.deadline(start, duration)


@relaxed
@given(starts, minute_counts, st.integers(0, 3 * 24 * 60), st.integers(0, 3 * 24 * 60))
def test_pause_inside_the_running_clock_adds_its_working_time(start, minutes, offset, length):
    duration = in_hours(minutes)
    effective = CAL.effective_start(start)
    plain = CAL.deadline(start, duration)
    begin = effective + timedelta(minutes=offset)
    if begin >= plain:
        return
    end = begin + timedelta(minutes=length)
    covered = CAL.working_time_between(begin, end)
    paused = CAL.deadline(start, duration, pauses=[(begin, end)])
    # A pause that begins while the clock runs is the same as a longer time limit.
    longer = Fraction(minutes, 60) + Fraction(covered // timedelta(seconds=1), 3600)
    assert paused == CAL.deadline(start, Duration.working_hours(longer))


@settings(max_examples=300, deadline=None)
@given(starts, durations, cutoffs)
def test_matches_reference_walk(start, duration, cutoff):
    if duration.unit.value == "calendar_days":
        return
    span = timedelta(seconds=duration.working_seconds(CAL.day_length // timedelta(seconds=1)))
    assert CAL.deadline(start, duration, cutoff=cutoff) == reference_deadline(
        CAL, start, span, cutoff
    )


@st.composite
def pause_lists(draw, start):
    pauses = []
    at = start + timedelta(minutes=draw(st.integers(-3 * 24 * 60, 3 * 24 * 60)))
    for _ in range(draw(st.integers(1, 3))):
        end = at + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
        pauses.append((at, end))
        at = end + timedelta(minutes=draw(st.integers(0, 2 * 24 * 60)))
    return pauses


@settings(max_examples=300, deadline=None)
@given(st.data(), starts, minute_counts, cutoffs)
def test_pauses_match_reference_walk(data, start, minutes, cutoff):
    pauses = data.draw(pause_lists(start))
    span = timedelta(minutes=minutes)
    got = CAL.deadline(start, in_hours(minutes), pauses=pauses, cutoff=cutoff)
    assert got == reference_deadline(CAL, start, span, cutoff, tuple(pauses))


@settings(max_examples=300, deadline=None)
@given(st.data(), starts, st.integers(min_value=1, max_value=90), cutoffs)
def test_paused_calendar_days_keep_the_time_of_day(data, start, days, cutoff):
    """Pauses push a calendar-day limit by whole days (a started day counts): never less than
    the time they cover, and the due stays at the effective start's time of day."""
    pauses = data.draw(pause_lists(start))
    duration = Duration.calendar_days(days)
    effective = CAL.effective_start(start, cutoff=cutoff)
    plain = CAL.deadline(start, duration, cutoff=cutoff)
    got = CAL.deadline(start, duration, pauses=pauses, cutoff=cutoff)
    assert got.timetz() == effective.timetz()
    covered, target = timedelta(0), plain
    for begin, end in pauses:
        if begin >= target:
            break
        lo = max(begin, effective)
        if end > lo:
            covered += end - lo
            target += timedelta(days=-((lo - end) // timedelta(days=1)))
    assert got == target and got - plain >= covered
