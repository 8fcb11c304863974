"""Reading a date typed by a person (ngày tháng): one owner for "wrong format" vs "wrong date".

Vietnamese pages write dd/mm/yyyy; the API and exports use ISO yyyy-mm-dd. "31/02/1990" is
written correctly but is not a day of the calendar: it deserves "ngày không có thật", not "sai
định dạng", so the clerk fixes the day instead of the way it is typed.
"""

from __future__ import annotations

import datetime as dt
import re

_VIETNAMESE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


class DateFormatError(ValueError):
    """Not written as dd/mm/yyyy (nor yyyy-mm-dd)."""


class DateValueError(ValueError):
    """Written correctly, but no such day (31/02/1990)."""


def parse_date(text: str) -> dt.date:
    """``dd/mm/yyyy`` or ``yyyy-mm-dd`` as a date; DateFormatError or DateValueError."""
    match = _VIETNAMESE.match(text or "")
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(text or "")
        if not match:
            raise DateFormatError(text)
        year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateValueError(text) from None
