"""E-mail through Django's configured e-mail backend (SMTP in production)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from motcua.notifications.base import Channel, Message


class EmailChannel(Channel):
    name = "email"
    address_kind = "email"

    def send(self, message: Message) -> None:
        if not message.recipients:
            return
        EmailMessage(
            subject=message.subject, body=message.body,
            from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
            to=list(message.recipients),
        ).send(fail_silently=False)
