"""Dates as people in Vietnam write them (ngày/tháng/năm): the one parser and format of every
date a user types or reads on a page, so the report filters, the worklist filters, the register
and the intake agree (issue 10: the browser's date picker showed month-first in some browsers).

Vietnamese pages write dd/mm/yyyy; ISO ``yyyy-mm-dd`` is still read, for links built by the
pages themselves, the API and old bookmarks. "31/02/1990" is written correctly but is not a day
of the calendar: it deserves "ngày không có thật", not "sai định dạng", so the clerk fixes the
day instead of the way it is typed (DateValueError vs DateFormatError).
"""

from __future__ import annotations

import datetime as dt
import re

# Django's DateField input_formats and strptime patterns alike.
INPUT_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
DISPLAY_FORMAT = "%d/%m/%Y"
PLACEHOLDER = "dd/mm/yyyy"

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


def parse_day(text: str) -> dt.date:
    """``07/12/2026`` (or ``7/12/2026``, or ISO ``2026-12-07``) -> a date; ValueError else."""
    return parse_date(text)


def format_day(day: dt.date | None) -> str:
    return day.strftime(DISPLAY_FORMAT) if day else ""
