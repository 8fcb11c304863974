"""Trước hạn / đúng hạn / quá hạn and working time late."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from motcua.worktime import Timeliness, classify, late_working_days, lateness
from tests.worktime._helpers import vn

DUE = vn(2025, 1, 9, 17)  # Thursday 17:00

CASES = [
    ("day before, on a working day", vn(2025, 1, 8, 16), Timeliness.EARLY, 0, 0),
    ("Saturday before a Monday due date", vn(2025, 1, 4, 9), Timeliness.EARLY, 0, 0),
    ("due date, morning", vn(2025, 1, 9, 8), Timeliness.ON_TIME, 0, 0),
    ("exactly at due time", DUE, Timeliness.ON_TIME, 0, 0),
    ("one minute late", vn(2025, 1, 9, 17, 1), Timeliness.LATE, 0, 0),
    ("next morning", vn(2025, 1, 10, 8), Timeliness.LATE, 1, 1),
    ("a full working day late", vn(2025, 1, 10, 17), Timeliness.LATE, 8, 1),
    ("over a working day late", vn(2025, 1, 13, 7, 30), Timeliness.LATE, 8.5, 2),
]


@pytest.mark.parametrize(
    ("finished", "expected", "late_hours", "late_days"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_classify_and_lateness(cal, finished, expected, late_hours, late_days):
    assert classify(finished, DUE, cal) is expected
    assert lateness(finished, DUE, cal) == timedelta(hours=late_hours)
    assert late_working_days(finished, DUE, cal) == late_days


def test_late_inside_working_time(cal):
    due = vn(2025, 1, 9, 10)
    assert late_working_days(vn(2025, 1, 9, 10, 1), due, cal) == 1
    assert lateness(vn(2025, 1, 9, 10, 1), due, cal) == timedelta(minutes=1)


def test_local_dates_decide(cal):
    # 20:00 UTC on 8/1 is 03:00 on 9/1 in Vietnam: the due date, not the day before.
    assert classify(vn(2025, 1, 9, 3).astimezone(UTC), DUE, cal) is Timeliness.ON_TIME


def test_labels():
    assert Timeliness.EARLY.label == "Trước hạn"
    assert Timeliness.LATE.value == "qua_han"
