"""Payment provider registry: ``get_provider("vnpay")``. A new provider (PayGov, another bank)
is a module here with a ``PaymentProvider`` subclass, added to ``PROVIDERS``
(docs/payments.md)."""

from __future__ import annotations

from motcua.payments.providers.base import (
    InvalidSignature,
    MalformedMessage,
    Notification,
    Order,
    PaymentProvider,
)
from motcua.payments.providers.vnpay import VNPayProvider

__all__ = ["InvalidSignature", "MalformedMessage", "Notification", "Order", "PaymentProvider",
           "PROVIDERS", "get_provider", "default_provider"]

PROVIDERS: dict[str, type[PaymentProvider]] = {VNPayProvider.code: VNPayProvider}


def get_provider(code: str) -> PaymentProvider:
    try:
        return PROVIDERS[code]()
    except KeyError:
        raise LookupError(f"unknown payment provider {code!r}") from None


def default_provider() -> PaymentProvider:
    return get_provider(VNPayProvider.code)
