"""Notification channels (kênh thông báo): a tiny registry, sending after commit.

``notify(message)`` schedules the message on ``transaction.on_commit``; a rolled-back change
therefore never sends anything. Channels are listed by dotted path in
``settings.MOTCUA_NOTIFICATION_CHANNELS`` (default: the logging channel only).
"""

from motcua.notifications.base import Channel, Message
from motcua.notifications.registry import channels, notify, send_now

__all__ = ["Channel", "Message", "channels", "notify", "send_now"]
