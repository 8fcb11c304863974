"""Channel ABC and the message DTO."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """One notification (thông báo) to people about a dossier event.

    ``subject`` and ``body`` are the service's own wording; the center's template for
    ``event`` (``NotificationTemplate``) may reword them and sees them as ``{{ subject }}`` and
    ``{{ body }}``, with ``data`` and the other fields. ``id_number`` (số định danh) finds the
    citizen's channel choice (``NotificationPreference``)."""

    event: str
    subject: str
    body: str
    recipients: tuple[str, ...] = ()  # e-mail addresses
    phones: tuple[str, ...] = ()
    dossier_code: str = ""
    data: dict = field(default_factory=dict)
    id_number: str = ""
    applicant_name: str = ""


class Channel(ABC):
    """A way to reach people (e-mail, SMS, Zalo, …).

    ``address_kind`` says which addresses of a message the channel delivers to: "email"
    (``recipients``), "phone" (``phones``) or "" (one delivery per message, e.g. the log). The
    outbox writes one row per channel and address and calls ``send`` with a message holding
    that one address."""

    name: str = ""
    address_kind: str = ""

    @abstractmethod
    def send(self, message: Message) -> None:
        """Deliver ``message``; raise on failure (the outbox retries later)."""

    def addresses(self, message: Message) -> tuple[str, ...]:
        if self.address_kind == "email":
            return tuple(dict.fromkeys(a.strip() for a in message.recipients if a.strip()))
        if self.address_kind == "phone":
            return tuple(dict.fromkeys(p.strip() for p in message.phones if p.strip()))
        return ("",)

    def for_address(self, message: Message, address: str) -> Message:
        """``message`` narrowed to one address of this channel."""
        from dataclasses import replace

        if self.address_kind == "email":
            return replace(message, recipients=(address,), phones=())
        if self.address_kind == "phone":
            return replace(message, recipients=(), phones=(address,))
        return message
