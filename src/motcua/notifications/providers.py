"""Provider interfaces for SMS and Zalo (nhà cung cấp dịch vụ tin nhắn).

A province signs with an SMS brandname provider and a Zalo Official Account (ZNS); each is a
small class implementing ``send`` here, named by dotted path in the settings
``MOTCUA_SMS_PROVIDER`` / ``MOTCUA_ZALO_PROVIDER``. The logging providers are for development:
they write the message to the log and deliver nothing. See docs/notifications.md.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod

logger = logging.getLogger("motcua.notifications")


class SmsProvider(ABC):
    """Sends one text message to one phone number; raises on failure (the outbox retries)."""

    @abstractmethod
    def send_sms(self, *, phone: str, text: str) -> None: ...


class ZaloProvider(ABC):
    """Sends one Zalo message (ZNS) to the Zalo account of one phone number; raises on
    failure. ``event`` lets a provider pick its approved ZNS template."""

    @abstractmethod
    def send_zalo(self, *, phone: str, event: str, text: str, data: dict) -> None: ...


class LoggingSmsProvider(SmsProvider):
    def send_sms(self, *, phone: str, text: str) -> None:
        logger.info("sms to %s: %s", phone, text)


class LoggingZaloProvider(ZaloProvider):
    def send_zalo(self, *, phone: str, event: str, text: str, data: dict) -> None:
        logger.info("zalo %s to %s: %s", event, phone, text)
