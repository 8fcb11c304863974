"""E-mail through Django's configured e-mail backend."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from motcua.notifications.base import Channel, Message


class EmailChannel(Channel):
    name = "email"

    def send(self, message: Message) -> None:
        if not message.recipients:
            return
        send_mail(
            message.subject,
            message.body,
            getattr(settings, "DEFAULT_FROM_EMAIL", None),
            list(message.recipients),
            fail_silently=False,
        )
