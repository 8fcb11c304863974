"""Scheduler tasks (huey): send the outbox after commit, sweep it and beat every minute."""

from __future__ import annotations

import datetime as dt
import os

from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from motcua.notifications.models import SchedulerHeartbeat
from motcua.notifications.outbox import outbox_send_pending
from motcua.notifications.selectors import HEARTBEAT


def beat(*, now: dt.datetime | None = None, count: bool = True) -> None:
    """Record a beat; ``count`` adds one to ``beats`` (an UPDATE ``beats + 1``, exact when two
    processes beat at once). The consumer's start-up beat does not count: only the minutes do."""
    now = now or timezone.now()
    fields: dict = {"beat_at": now, "pid": os.getpid()}
    if count:
        fields["beats"] = F("beats") + 1
    with transaction.atomic():
        if not SchedulerHeartbeat.objects.filter(name=HEARTBEAT).update(**fields):
            SchedulerHeartbeat.objects.get_or_create(
                name=HEARTBEAT, defaults={"beat_at": now, "pid": os.getpid(),
                                          "beats": 1 if count else 0})


@HUEY.on_startup()
def beat_on_startup() -> None:
    """A first beat as soon as the consumer runs, not at the next whole minute."""
    try:
        beat(count=False)
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
