"""Notifications (thông báo): a database outbox sent by the scheduler.

``notify(message)`` writes one ``OutboxMessage`` per channel and address in the current
transaction (a rolled-back change writes nothing); the huey scheduler sends them after commit,
with retries. Channels are listed by dotted path in ``settings.MOTCUA_NOTIFICATION_CHANNELS``.
See docs/notifications.md.
"""

from motcua.notifications.base import Channel, Message
from motcua.notifications.registry import channels, citizen_choice, notify, send_now

__all__ = ["Channel", "Message", "channels", "citizen_choice", "notify", "send_now"]
