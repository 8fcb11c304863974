"""Template filters of the courier pages."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration_vn(value: dt.timedelta | None) -> str:
    """2 giờ 05 phút."""
    if not value:
        return _("0 phút")
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(h)d giờ %(m)02d phút") % {"h": hours, "m": minutes}
    return _("%(m)d phút") % {"m": minutes}


@register.filter
def percent(value: float | None) -> str:
    """0.0412 -> "4,1%"."""
    if value is None:
        return ""
    return f"{value * 100:.1f}%".replace(".", ",")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
