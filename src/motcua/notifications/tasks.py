"""Scheduler tasks (huey): send the outbox after commit, sweep it and beat every minute."""

from __future__ import annotations

import os

from django.db import close_old_connections
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from motcua.notifications.models import SchedulerHeartbeat
from motcua.notifications.outbox import outbox_send_pending
from motcua.notifications.selectors import HEARTBEAT


def beat() -> None:
    SchedulerHeartbeat.objects.update_or_create(
        name=HEARTBEAT, defaults={"beat_at": timezone.now(), "pid": os.getpid()})


@HUEY.on_startup()
def beat_on_startup() -> None:
    """A first beat as soon as the consumer runs, not at the next whole minute."""
    try:
        beat()
    except Exception:  # no database yet (migrations not run): the periodic beat will follow
        pass
    finally:
        close_old_connections()


@db_task()
def deliver_outbox() -> dict[str, int]:
    return outbox_send_pending()


@db_periodic_task(crontab(minute="*"))
def scheduler_tick() -> dict[str, int]:
    """Every minute: the heartbeat, then what the on-commit deliveries missed (and retries)."""
    beat()
    return outbox_send_pending()
