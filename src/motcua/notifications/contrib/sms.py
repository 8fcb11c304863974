"""SMS through the provider named in ``settings.MOTCUA_SMS_PROVIDER``."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.notifications.base import Channel, Message
from motcua.notifications.providers import SmsProvider

DEFAULT_PROVIDER = "motcua.notifications.providers.LoggingSmsProvider"


def sms_text(message: Message) -> str:
    """The short form: the subject (an SMS has no body to spare)."""
    return message.subject


class SmsChannel(Channel):
    name = "sms"
    address_kind = "phone"

    def provider(self) -> SmsProvider:
        return import_string(getattr(settings, "MOTCUA_SMS_PROVIDER", DEFAULT_PROVIDER))()

    def send(self, message: Message) -> None:
        provider = self.provider()
        for phone in message.phones:
            provider.send_sms(phone=phone, text=sms_text(message))
