"""Channel ABC and the message DTO."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """One notification (thông báo) to people about a dossier event."""

    event: str
    subject: str
    body: str
    recipients: tuple[str, ...] = ()  # e-mail addresses
    phones: tuple[str, ...] = ()
    dossier_code: str = ""
    data: dict = field(default_factory=dict)


class Channel(ABC):
    """A way to reach people (e-mail, SMS, Zalo, …)."""

    name: str = ""

    @abstractmethod
    def send(self, message: Message) -> None:
        """Deliver ``message``; raise on failure (the registry logs and continues)."""
