"""Channel registry and ``notify``: the message goes to the outbox in the current transaction."""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from motcua.notifications.base import Channel, Message

logger = logging.getLogger("motcua.notifications")

DEFAULT_CHANNELS = [
    "motcua.notifications.contrib.email.EmailChannel",
    "motcua.notifications.contrib.sms.SmsChannel",
    "motcua.notifications.contrib.zalo.ZaloChannel",
]


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> tuple[Channel, ...]:
    return tuple(import_string(path)() for path in paths)


def channels() -> tuple[Channel, ...]:
    paths = getattr(settings, "MOTCUA_NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)
    return _load(tuple(paths))


def channels_by_name() -> dict[str, Channel]:
    return {c.name: c for c in channels()}


def send_now(message: Message) -> None:
    """Send through every channel at once, bypassing the outbox (tests, the shell); one
    failing channel does not stop the others."""
    for channel in channels():
        for address in channel.addresses(message):
            try:
                channel.send(channel.for_address(message, address))
            except Exception:
                logger.exception("notification channel %s failed for %s", channel.name,
                                 message.event)


def citizen_choice(message: Message) -> set[str] | None:
    """The citizen's channel choice for ``message`` (one read), for a service that reads it
    before its transaction and passes it to ``notify``: one statement fewer while the
    transaction holds its locks (on SQLite, the database's write lock)."""
    from motcua.notifications.outbox import citizen_choice as choice

    return choice(message, channels())


def notify(message: Message, *, chosen: set[str] | None = None) -> None:
    """Write ``message`` to the outbox in the current transaction (nothing if it rolls back);
    the scheduler sends it after commit. A failure here is logged, never raised: a message
    must not break the service that caused it."""
    from motcua.notifications.outbox import kick, outbox_write

    # No savepoint of its own: two statements more in every notifying service's transaction.
    # The write is a read of the citizen's choice and one INSERT that no valid message can make
    # fail (lengths are cut to the columns); what can fail before it (a template, a channel
    # list) is Python and is caught here.
    try:
        rows = outbox_write(message, channels(), chosen=chosen)
    except Exception:
        logger.exception("could not write notification %s for %s", message.event,
                         message.dossier_code)
        return
    if rows:
        transaction.on_commit(kick)
