"""The scheduler heartbeat: written by the periodic task, read by /readyz and the metrics.

(The outbox work writes its own ``scheduler_heartbeat()``; both answer "when did the scheduler
last run", and the integrator may merge them.)"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.ops.models import Heartbeat

SCHEDULER = "scheduler"


def beat(name: str = SCHEDULER, *, now: dt.datetime | None = None) -> Heartbeat:
    """Record one beat (an UPDATE ... SET beats = beats + 1: exact under concurrency)."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = Heartbeat.objects.filter(name=name).update(at=now, beats=F("beats") + 1)
        if not updated:
            Heartbeat.objects.get_or_create(name=name, defaults={"at": now, "beats": 1})
    return Heartbeat.objects.get(name=name)


def last_beat(name: str = SCHEDULER) -> dt.datetime | None:
    row = Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()
    return row


def scheduler_lag_seconds(*, now: dt.datetime | None = None) -> float | None:
    """Seconds since the scheduler's last beat; None when it never beat."""
    at = last_beat()
    if at is None:
        return None
    return max(0.0, ((now or timezone.now()) - at).total_seconds())
