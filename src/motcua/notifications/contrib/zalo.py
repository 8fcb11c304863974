"""Zalo (ZNS) through the provider named in ``settings.MOTCUA_ZALO_PROVIDER``."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.notifications.base import Channel, Message
from motcua.notifications.providers import ZaloProvider

DEFAULT_PROVIDER = "motcua.notifications.providers.LoggingZaloProvider"


class ZaloChannel(Channel):
    name = "zalo"
    address_kind = "phone"

    def provider(self) -> ZaloProvider:
        return import_string(getattr(settings, "MOTCUA_ZALO_PROVIDER", DEFAULT_PROVIDER))()

    def send(self, message: Message) -> None:
        provider = self.provider()
        for phone in message.phones:
            provider.send_zalo(phone=phone, event=message.event,
                               text=f"{message.subject}\n{message.body}".strip(),
                               data={"dossier_code": message.dossier_code, **message.data})
