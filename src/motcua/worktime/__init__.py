"""Working-time engine (tính thời hạn theo ngày làm việc): pure Python, no Django.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> from motcua.worktime import Duration, WorkCalendar
>>> cal = WorkCalendar.vietnam()
>>> cal.deadline(datetime(2026, 8, 21, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
...              Duration.working_days(1)).isoformat()
'2026-08-22T09:00:00+07:00'
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
