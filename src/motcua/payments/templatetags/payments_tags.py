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


@register.filter
def fee_total(version) -> int:
    """The fixed fees of a procedure version, in dong (what intake records as owed)."""
    from motcua.payments.selectors import version_fee_total

    return version_fee_total(version)


@register.simple_tag
def payment_summary(dossier) -> dict:
    """Owed, paid, due of a dossier (đồng) and its fee lines, for the staff dossier page."""
    from motcua.payments import selectors

    return {"owed": selectors.amount_owed(dossier), "paid": selectors.amount_paid(dossier),
            "due": selectors.amount_due(dossier), "lines": selectors.fee_lines(dossier)}


@register.simple_tag
def version_fees(version, online=False):
    """A procedure version's fee lines with one copy and no exemption (the intake page)."""
    from motcua.payments.selectors import version_fee_lines

    return version_fee_lines(version, online=bool(online))
