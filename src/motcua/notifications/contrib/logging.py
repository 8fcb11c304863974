"""A channel that only writes to the log (development, and a trace in production)."""

from __future__ import annotations

import logging

from motcua.notifications.base import Channel, Message

logger = logging.getLogger("motcua.notifications")


class LoggingChannel(Channel):
    name = "logging"

    def send(self, message: Message) -> None:
        logger.info(
            "notify %s %s to=%s: %s", message.event, message.dossier_code,
            ",".join(message.recipients) or "-", message.subject,
        )
