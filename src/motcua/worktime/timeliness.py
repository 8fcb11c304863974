"""Early / on time / late (trước hạn / đúng hạn / quá hạn) of a finished dossier (domain §3.5).

The rule is the domain's proposed precise rule [U, design choice]:

* trước hạn (EARLY): finished on a date before the due date;
* đúng hạn (ON_TIME): finished on the due date, at or before the due time;
* quá hạn (LATE): finished after the due date-time.

Dates are the calendar's local dates (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from motcua.worktime.calendar import WorkCalendar


class Timeliness(Enum):
    """Three-way classification shown on the Phiếu kiểm soát and in reports."""

    EARLY = "truoc_han"
    ON_TIME = "dung_han"
    LATE = "qua_han"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}


def classify(finished_at: datetime, due_at: datetime, calendar: WorkCalendar) -> Timeliness:
    """Classify a dossier (or one step of it) finished at ``finished_at`` against ``due_at``."""
    finished = calendar.local(finished_at, "finished_at")
    due = calendar.local(due_at, "due_at")
    if finished > due:
        return Timeliness.LATE
    if finished.date() < due.date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def lateness(finished_at: datetime, due_at: datetime, calendar: WorkCalendar) -> timedelta:
    """Working time (thời gian làm việc) past the due date-time; zero when not late.

    Only working time counts: a dossier due Friday 17:00 and finished on Saturday is LATE but
    has zero working time of lateness; finished Monday 08:00 it is 1 working hour late.
    """
    late = calendar.working_time_between(due_at, finished_at)
    return late if late > timedelta(0) else timedelta(0)


def late_working_days(finished_at: datetime, due_at: datetime, calendar: WorkCalendar) -> int:
    """Working days late (số ngày quá hạn): ``ceil(lateness / working day)``.

    Any started working day counts whole: 1 minute late -> 1, exactly 8 working hours -> 1,
    8 h 01 -> 2 (with 8-hour days). LATE dossiers finished outside working time right after the
    due time (weekend, evening) count 0 working days, as no working time passed.
    """
    late = lateness(finished_at, due_at, calendar)
    return math.ceil(late / calendar.day_length)
