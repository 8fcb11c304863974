"""Reads: the scheduler's heartbeat (for /readyz) and the outbox's state."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from motcua.notifications.models import OutboxMessage, SchedulerHeartbeat

HEARTBEAT = "scheduler"


def scheduler_heartbeat() -> dt.datetime | None:
    """When the scheduler (huey's periodic tasks) last beat; None if it never ran. It beats
    every minute, so a value older than a few minutes means no scheduler is running."""
    return (SchedulerHeartbeat.objects.filter(name=HEARTBEAT)
            .values_list("beat_at", flat=True).first())


def outbox_counts() -> dict[str, int]:
    return dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id"))
                .values_list("status", "n"))
