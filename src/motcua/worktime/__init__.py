"""Working-time engine (tính thời hạn theo ngày làm việc): pure Python, no Django.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> from motcua.worktime import Duration, WorkCalendar
>>> cal = WorkCalendar.vietnam()
>>> accepted = datetime(2026, 8, 21, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
>>> cal.deadline(accepted, Duration.working_days(1)).isoformat()  # Sat 22/08: ngày làm bù
'2026-08-22T09:00:00+07:00'

Overview:

* ``WorkCalendar.vietnam(**overrides)`` / ``WorkCalendar(sessions, extra_holidays=...,
  extra_working_days=..., removed_holidays=..., switched_off=..., weekend=..., years=...)``;
  ``cal.with_overrides(...)`` for a unit's local rows.
* Days: ``is_working_day``, ``working_days_between`` (both ends included),
  ``add_working_days``, ``next_working_day``, ``describe`` (why), ``holidays``,
  ``make_up_days``.
* Time: ``deadline(start, duration, pauses=, cutoff=, roll_to_working_day=)``, ``deadlines``
  (bulk), ``effective_start``, ``working_time_between``, ``pause_working_time``,
  ``online_cutoff()``; ``recompute(rows, cal)`` for stored deadlines.
* ``Duration.working_days / working_hours / calendar_days / of(value, unit)``.
* ``classify`` -> ``Timeliness`` (trước hạn / đúng hạn / quá hạn), ``lateness``,
  ``late_working_days``.
* Data: ``official.OFFICIAL_DAYS`` (checked yearly notices), ``SWITCHABLE_HOLIDAYS`` (24/11).

All datetimes in must be timezone-aware (naive ones raise ``NaiveDatetimeError``, a
ValueError); all datetimes out are aware, in Asia/Ho_Chi_Minh.
"""

from motcua.worktime.calendar import DEFAULT_TIMEZONE, DEFAULT_YEARS, DayInfo, WorkCalendar
from motcua.worktime.duration import Duration, DurationUnit
from motcua.worktime.errors import (
    NaiveDatetimeError,
    OutOfRangeError,
    PauseError,
    WorktimeError,
)
from motcua.worktime.official import (
    NGAY_VAN_HOA_VIET_NAM,
    OFFICIAL_DAYS,
    SWITCHABLE_HOLIDAYS,
    VERIFIED_YEARS,
    DayKind,
    OfficialDay,
)
from motcua.worktime.recompute import iter_recompute, recompute
from motcua.worktime.sessions import DEFAULT_CUTOFF, DEFAULT_SESSIONS, online_cutoff
from motcua.worktime.timeliness import Timeliness, classify, late_working_days, lateness

__all__ = [
    "DEFAULT_CUTOFF",
    "DEFAULT_SESSIONS",
    "DEFAULT_TIMEZONE",
    "DEFAULT_YEARS",
    "NGAY_VAN_HOA_VIET_NAM",
    "OFFICIAL_DAYS",
    "SWITCHABLE_HOLIDAYS",
    "VERIFIED_YEARS",
    "DayInfo",
    "DayKind",
    "Duration",
    "DurationUnit",
    "NaiveDatetimeError",
    "OfficialDay",
    "OutOfRangeError",
    "PauseError",
    "Timeliness",
    "WorkCalendar",
    "WorktimeError",
    "classify",
    "iter_recompute",
    "late_working_days",
    "lateness",
    "online_cutoff",
    "recompute",
]
