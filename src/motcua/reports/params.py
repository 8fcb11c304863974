"""Parsing report parameters from text (CLI, API, report pages). Errors are in the active
language: Vietnamese unless the user chose English with the selector (the pages show them)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput
from motcua.reports.engine import GROUPINGS, end_of_day
from motcua.reports.ledger import VN


def parse_date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise InvalidInput(
            "invalid_date",
            _("Ngày “%(value)s” không hợp lệ; dùng dạng YYYY-MM-DD.") % {"value": value},
            field=field,
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
            _("Thời điểm “%(value)s” không hợp lệ; dùng dạng YYYY-MM-DDTHH:MM.") % {"value": value},
            field="as_of",
        ) from None
    return moment.replace(tzinfo=VN) if moment.tzinfo is None else moment


def parse_by(value: str | None) -> str:
    by = (value or "agency").strip()
    if by not in GROUPINGS:
        raise InvalidInput(
            "unknown_grouping",
            _("Cách nhóm “%(by)s” không hợp lệ; chọn một trong: %(choices)s.")
            % {"by": by, "choices": ", ".join(GROUPINGS)},
            field="by",
        )
    return by
