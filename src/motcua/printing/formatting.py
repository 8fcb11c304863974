"""How dates, times and durations are written on the official forms (cách ghi ngày, giờ).

The forms write a moment as "08 giờ 30 phút, ngày 02 tháng 3 năm 2026", always in Vietnam
time whatever the server's zone. Days below 10 and the months 1 and 2 take a leading zero, as
the rules for administrative documents ask (NĐ 30/2020/NĐ-CP, Phụ lục I), so a handwritten
"1" cannot be turned into "11" or "12" later.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from motcua.catalog.models import TimeUnit

BLANK = "……"


def vietnam_time(moment: dt.datetime) -> dt.datetime:
    """The aware ``moment`` seen in the installation's zone (Asia/Ho_Chi_Minh)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to a form; all datetimes must be aware")
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def _local_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return vietnam_time(value).date()
    return value


def _month(month: int) -> str:
    return f"{month:02d}" if month < 3 else str(month)


def date_words(value: dt.date | dt.datetime | None) -> str:
    """'ngày 02 tháng 3 năm 2026'; dotted blanks when there is no date."""
    if value is None:
        return f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    d = _local_date(value)
    return f"ngày {d.day:02d} tháng {_month(d.month)} năm {d.year}"


def moment_words(value: dt.datetime | None) -> str:
    """'08 giờ 30 phút, ngày 02 tháng 3 năm 2026' in Vietnam time; blanks when unknown."""
    if value is None:
        return f"{BLANK} giờ {BLANK} phút, {date_words(None)}"
    local = vietnam_time(value)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, {date_words(local)}"


def short_date(value: dt.date | dt.datetime | None) -> str:
    """dd/mm/yyyy (Vietnam time), '' when unknown."""
    if value is None:
        return ""
    return _local_date(value).strftime("%d/%m/%Y")


def short_moment(value: dt.datetime | None) -> str:
    """'14:05 02/03/2026' (24-hour, Vietnam time), '' when unknown. Used in the register."""
    if value is None:
        return ""
    return vietnam_time(value).strftime("%H:%M %d/%m/%Y")


def number_text(value: Decimal | int | float | None) -> str:
    """15 -> '15', 0.5 -> '0,5' (Vietnamese decimal comma)."""
    if value is None:
        return ""
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")


_UNIT_WORDS = {
    TimeUnit.WORKING_DAYS: "ngày làm việc",
    TimeUnit.WORKING_HOURS: "giờ làm việc",
    TimeUnit.CALENDAR_DAYS: "ngày",
}


def duration_text(value: Decimal | int | None, unit: str) -> str:
    """'15 ngày làm việc', '4 giờ làm việc', '30 ngày'; '' when unknown."""
    if value is None or not unit:
        return ""
    return f"{number_text(value)} {_UNIT_WORDS.get(unit, unit)}"


def place_date(place: str, value: dt.date | dt.datetime | None) -> str:
    """'Đắk Lắk, ngày 02 tháng 3 năm 2026' (the line under the national motto)."""
    return f"{place}, {date_words(value)}"
