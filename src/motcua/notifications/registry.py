"""Channel registry and on-commit sending."""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from motcua.notifications.base import Channel, Message

logger = logging.getLogger("motcua.notifications")

DEFAULT_CHANNELS = ["motcua.notifications.contrib.logging.LoggingChannel"]


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> tuple[Channel, ...]:
    return tuple(import_string(path)() for path in paths)


def channels() -> tuple[Channel, ...]:
    paths = getattr(settings, "MOTCUA_NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)
    return _load(tuple(paths))


def send_now(message: Message) -> None:
    """Send through every channel; one failing channel does not stop the others."""
    for channel in channels():
        try:
            channel.send(message)
        except Exception:  # a notification must never break the service that caused it
            logger.exception("notification channel %s failed for %s", channel.name, message.event)


def notify(message: Message) -> None:
    """Send ``message`` once the current transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: send_now(message))
