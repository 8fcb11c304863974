"""Scheduler tasks (huey): send the outbox after commit, sweep it and beat every minute."""

from __future__ import annotations

import os

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from motcua.notifications.models import SchedulerHeartbeat
from motcua.notifications.outbox import outbox_send_pending
from motcua.notifications.selectors import HEARTBEAT


def beat() -> None:
    SchedulerHeartbeat.objects.update_or_create(
        name=HEARTBEAT, defaults={"beat_at": timezone.now(), "pid": os.getpid()})


@db_task()
def deliver_outbox() -> dict[str, int]:
    return outbox_send_pending()


@db_periodic_task(crontab(minute="*"))
def scheduler_tick() -> dict[str, int]:
    """Every minute: the heartbeat, then what the on-commit deliveries missed (and retries)."""
    beat()
    return outbox_send_pending()
