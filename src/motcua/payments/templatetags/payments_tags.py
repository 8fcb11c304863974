from __future__ import annotations

from django import template

register = template.Library()


def grouped(amount: int) -> str:
    """``500.000``: dong grouped by thousands with dots, the Vietnamese way, in every language
    (an amount of money reads the same on the receipt and on the screen)."""
    return f"{int(amount):,}".replace(",", ".")


@register.filter
def dong(amount) -> str:
    if amount is None or amount == "":
        return ""
    return grouped(int(amount))
