"""Display helpers for the public pages: time limits, money, hours (Vietnamese formats)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    n = _number(value)
    # The whole phrase is one message, so English says "1 working day" / "7 working days".
    count = 1 if Decimal(value) == 1 else 2
    if unit == TimeUnit.WORKING_DAYS:
        return ngettext("%(n)s ngày làm việc", "%(n)s ngày làm việc", count) % {"n": n}
    if unit == TimeUnit.WORKING_HOURS:
        return ngettext("%(n)s giờ làm việc", "%(n)s giờ làm việc", count) % {"n": n}
    if unit == TimeUnit.CALENDAR_DAYS:
        return ngettext("%(n)s ngày", "%(n)s ngày", count) % {"n": n}
    return f"{n} {TimeUnit(unit).label}"


@register.filter
def vnd(amount) -> str:
    """``50.000 đồng``."""
    if amount is None:
        return ""
    return _("%(amount)s đồng") % {"amount": _grouped(int(amount))}


@register.filter
def hours(value) -> str:
    """``4 giờ``, ``0,5 giờ``."""
    if value is None:
        return ""
    count = 1 if Decimal(value) == 1 else 2
    return ngettext("%(n)s giờ", "%(n)s giờ", count) % {"n": _number(value)}


@register.filter
def announcement(legal_basis: str) -> str:
    """The announcing decision (quyết định công bố) in the legal basis, if it names one."""
    for line in (legal_basis or "").splitlines():
        if "công bố" in line.lower():
            return line.strip()
    return ""


@register.filter(is_safe=False)
def hm_dmy(value) -> str:
    """A time as "08:05 02/03/2026" in the current zone, as ``|date:"H:i d/m/Y"`` gives it (the
    public status page shows the same in both languages), or "" for none: ``strftime`` instead
    of Django's date formatter, a twentieth of its cost on the lookup page."""
    if not value:
        return ""
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")
