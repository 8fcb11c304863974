"""Bad input: every error is a ValueError (or TypeError for wrong types) that says which."""

from __future__ import annotations

import math
from datetime import date, datetime, time

import pytest

from motcua.worktime import (
    Duration,
    NaiveDatetimeError,
    OutOfRangeError,
    PauseError,
    WorkCalendar,
    classify,
)
from tests.worktime._helpers import vn

NAIVE = datetime(2025, 1, 6, 9)


def test_naive_start(cal):
    with pytest.raises(ValueError, match=r"start 2025-01-06 09:00:00 is naive"):
        cal.deadline(NAIVE, Duration.working_days(1))
    with pytest.raises(NaiveDatetimeError):
        cal.effective_start(NAIVE)


def test_naive_pause_names_the_pause(cal):
    pauses = [(vn(2025, 1, 6, 10), vn(2025, 1, 6, 11)), (NAIVE, vn(2025, 1, 7, 9))]
    with pytest.raises(NaiveDatetimeError, match=r"pause 1 begin .* is naive"):
        cal.deadline(vn(2025, 1, 6, 9), Duration.working_days(1), pauses=pauses)


def test_naive_elsewhere(cal):
    with pytest.raises(NaiveDatetimeError, match="b .* is naive"):
        cal.working_time_between(vn(2025, 1, 6, 9), NAIVE)
    with pytest.raises(NaiveDatetimeError, match="finished_at"):
        classify(NAIVE, vn(2025, 1, 6, 9), cal)
    with pytest.raises(NaiveDatetimeError):
        cal.is_working_day(NAIVE)


@pytest.mark.parametrize("amount", [0, -1, -0.5, math.nan, math.inf])
@pytest.mark.parametrize("factory", [Duration.working_days, Duration.working_hours])
def test_meaningless_durations(factory, amount):
    with pytest.raises(ValueError, match="meaningless|finite"):
        factory(amount)


def test_other_bad_durations():
    with pytest.raises(ValueError, match="meaningless"):
        Duration.calendar_days(0)
    with pytest.raises(ValueError, match="whole number"):
        Duration.calendar_days(1.5)
    with pytest.raises(ValueError, match="meaningless: under half a second"):
        Duration.working_hours(1e-12)
    with pytest.raises(TypeError):
        Duration.working_days("3")
    with pytest.raises(TypeError):
        Duration.working_days(True)
    with pytest.raises(ValueError, match="unknown duration unit"):
        Duration.of(3, "tháng")


def test_pause_end_before_begin(cal):
    pauses = [(vn(2025, 1, 6, 10), vn(2025, 1, 6, 11)), (vn(2025, 1, 7, 10), vn(2025, 1, 7, 9))]
    with pytest.raises(PauseError, match=r"pause 1 ends .* before it begins"):
        cal.deadline(vn(2025, 1, 6, 9), Duration.working_days(3), pauses=pauses)


def test_overlapping_pauses(cal):
    pauses = [
        (vn(2025, 1, 8, 10), vn(2025, 1, 8, 11)),
        (vn(2025, 1, 6, 10), vn(2025, 1, 7, 11)),
        (vn(2025, 1, 7, 10), vn(2025, 1, 7, 12)),
    ]
    with pytest.raises(PauseError, match="pauses 1 and 2 overlap"):
        cal.deadline(vn(2025, 1, 6, 9), Duration.working_days(3), pauses=pauses)
    with pytest.raises(ValueError, match="pause 0 must be a"):
        cal.deadline(vn(2025, 1, 6, 9), Duration.working_days(3), pauses=[(vn(2025, 1, 6, 9),)])


def test_outside_supported_years(cal):
    with pytest.raises(OutOfRangeError, match=r"supported range 2015-01-01\.\.2040-12-31"):
        cal.deadline(vn(2014, 12, 31, 9), Duration.working_days(1))
    with pytest.raises(ValueError, match="outside the supported range"):
        cal.deadline(vn(2040, 12, 31, 9), Duration.working_days(5))
    with pytest.raises(ValueError, match="outside the supported range"):
        cal.deadline(vn(2040, 12, 20, 9), Duration.calendar_days(30))
    with pytest.raises(ValueError, match="date 2041-01-01 is outside"):
        cal.is_working_day(date(2041, 1, 1))
    with pytest.raises(ValueError, match="outside"):
        cal.add_working_days(date(2040, 12, 28), 5)
    with pytest.raises(ValueError, match="pause 0 end"):
        cal.deadline(
            vn(2025, 1, 6, 9), Duration.working_days(1), pauses=[(vn(2025, 1, 6), vn(2045, 1, 1))]
        )


def test_bad_calls(cal):
    with pytest.raises(ValueError, match="meaningless"):
        cal.add_working_days(date(2025, 1, 6), 0)
    with pytest.raises(TypeError, match="start must be a datetime"):
        cal.deadline(date(2025, 1, 6), Duration.working_days(1))
    with pytest.raises(ValueError, match="tzinfo"):
        cal.deadline(
            vn(2025, 1, 6, 9),
            Duration.working_days(1),
            cutoff=time(15, tzinfo=vn(2025, 1, 1).tzinfo),
        )


def test_bad_calendars():
    with pytest.raises(ValueError, match="both as extra holidays and extra working days"):
        WorkCalendar(extra_holidays=[date(2026, 1, 5)], extra_working_days=[date(2026, 1, 5)])
    with pytest.raises(ValueError, match="unknown switchable"):
        WorkCalendar(switched_off=["tet_trung_thu"])
    with pytest.raises(ValueError, match="overlaps"):
        WorkCalendar([(time(7), time(12)), (time(11), time(17))], use_national=False)
    with pytest.raises(ValueError, match="must end after it starts"):
        WorkCalendar([(time(17), time(7))], use_national=False)
    with pytest.raises(ValueError, match="fixed-offset"):
        WorkCalendar(use_national=False, timezone="Europe/Paris", years=range(2025, 2026))
    with pytest.raises(ValueError, match="weekday numbers"):
        WorkCalendar(weekend=(7,), use_national=False)
