"""Demo notifications (thông báo minh họa): two citizens' channel choices, and what the outbox
holds after the demo dossiers were played through the services (the scheduler that
``make run`` starts sends it: e-mails to the console, SMS and Zalo to the log)."""

from __future__ import annotations

from motcua.notifications.models import OutboxMessage
from motcua.notifications.preferences import preference_set

# (ID number, channels): H'Ly Niê has no e-mail and reads Zalo; Trần Thị Thu Trang wants
# e-mail only.
CHOICES = [("066195004321", ["sms", "zalo"]), ("054192007788", ["email"])]


def load_demo_notifications() -> dict[str, int]:
    for id_number, channels in CHOICES:
        preference_set(actor=None, id_number=id_number, channels=channels)
    return {
        "preferences": len(CHOICES),
        "pending": OutboxMessage.objects.filter(status="pending").count(),
    }
