"""Display helpers for the public pages: time limits, money, hours (Vietnamese formats)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from motcua.catalog.models import TimeUnit

register = template.Library()


def _grouped(n: int) -> str:
    # Django's vi locale sets no grouping; Vietnamese writes 50.000 (en: 50,000).
    return f"{n:,}".replace(",", formats.get_format("THOUSAND_SEPARATOR"))


def _number(value) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return _grouped(int(value))
    return formats.number_format(value.normalize(), use_l10n=True)


@register.simple_tag
def time_limit(value, unit) -> str:
    """``15 ngày làm việc``; "Chưa công bố" when the source gives no time limit."""
    if value is None or not unit:
        return _("Chưa có thông tin")
    return f"{_number(value)} {TimeUnit(unit).label}"


@register.filter
def vnd(amount) -> str:
    """``50.000 đồng``."""
    if amount is None:
        return ""
    return f"{_grouped(int(amount))} {_('đồng')}"


@register.filter
def hours(value) -> str:
    """``4 giờ``, ``0,5 giờ``."""
    if value is None:
        return ""
    return f"{_number(value)} {_('giờ')}"
