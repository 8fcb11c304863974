"""Parsing report parameters from text (CLI, API), with Vietnamese errors."""

from __future__ import annotations

import datetime as dt

from motcua.core.errors import InvalidInput
from motcua.reports.engine import GROUPINGS, end_of_day
from motcua.reports.ledger import VN


def parse_date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise InvalidInput(
            "invalid_date", f"Ngày “{value}” không hợp lệ; dùng dạng YYYY-MM-DD.", field=field
        ) from None


def parse_as_of(value: str | None) -> dt.datetime | None:
    """``2020-01-22`` means the end of that day; ``2020-01-22T17:00`` is Vietnam time unless an
    offset is given."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) == 10:
        return end_of_day(parse_date(text, "as_of"))
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "invalid_datetime",
            f"Thời điểm “{value}” không hợp lệ; dùng dạng YYYY-MM-DDTHH:MM.",
            field="as_of",
        ) from None
    return moment.replace(tzinfo=VN) if moment.tzinfo is None else moment


def parse_by(value: str | None) -> str:
    by = (value or "agency").strip()
    if by not in GROUPINGS:
        raise InvalidInput(
            "unknown_grouping",
            f"Cách nhóm “{by}” không hợp lệ; chọn một trong: {', '.join(GROUPINGS)}.",
            field="by",
        )
    return by
