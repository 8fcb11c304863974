"""The interface every online payment provider implements (cổng thanh toán trực tuyến).

A provider turns an order into the URL the citizen is sent to, and checks what the provider
sends back (the signed server-to-server notification, and the signed return to the browser).
It knows its protocol, never the database: ``payments.services`` decides what a notification
does to a ``Payment``.
"""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Order:
    """What we ask the citizen to pay: our reference, the amount in dong, a description."""

    txn_ref: str
    amount: int
    description: str
    return_url: str
    client_ip: str
    created_at: dt.datetime
    locale: str = "vn"


@dataclass(frozen=True)
class Notification:
    """A provider's answer about an order, once its signature is checked."""

    txn_ref: str
    amount: int  # dong
    succeeded: bool
    provider_txn_no: str = ""
    bank_code: str = ""
    response_code: str = ""
    raw: dict[str, str] = field(default_factory=dict)


class InvalidSignature(Exception):
    """The message is not signed with our secret (or was changed)."""


class MalformedMessage(Exception):
    """A signed message that lacks a field or carries one we cannot read."""


class PaymentProvider(abc.ABC):
    code: str = ""
    name: str = ""

    @abc.abstractmethod
    def is_configured(self) -> bool:
        """True when the merchant account is set (online payment may be offered)."""

    @abc.abstractmethod
    def payment_url(self, order: Order) -> str:
        """Where to send the citizen's browser to pay ``order``."""

    @abc.abstractmethod
    def parse_notification(self, params: dict[str, str]) -> Notification:
        """Check the signature of a notification (IPN or return) and read it.

        Raises ``InvalidSignature`` or ``MalformedMessage``."""
