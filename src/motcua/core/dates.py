"""Dates as people in Vietnam write them (ngày/tháng/năm): the one parser and format of every
date a user types or reads on a page, so the report filters, the worklist filters and the
register agree (issue 10: the browser's date picker showed month-first in some browsers).

ISO ``yyyy-mm-dd`` is still read, for links built by the pages themselves and for old
bookmarks; it is never shown.
"""

from __future__ import annotations

import datetime as dt

# Django's DateField input_formats and strptime patterns alike.
INPUT_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
DISPLAY_FORMAT = "%d/%m/%Y"
PLACEHOLDER = "dd/mm/yyyy"


def parse_day(text: str) -> dt.date:
    """``07/12/2026`` (or ``7/12/2026``, or ISO ``2026-12-07``) -> a date; ValueError else."""
    text = (text or "").strip()
    for pattern in INPUT_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a dd/mm/yyyy date: {text!r}")


def format_day(day: dt.date | None) -> str:
    return day.strftime(DISPLAY_FORMAT) if day else ""
