"""How long the scheduler has been silent, for /readyz and the metrics.

The heartbeat itself belongs to the scheduler's own periodic task
(``notifications.tasks.scheduler_tick``, read through ``notifications.selectors``): one beat per
installation, whichever process writes it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.notifications.selectors import scheduler_heartbeat


def scheduler_lag_seconds(*, now: dt.datetime | None = None) -> float | None:
    """Seconds since the scheduler's last beat; None when it never beat."""
    at = scheduler_heartbeat()
    if at is None:
        return None
    return max(0.0, ((now or timezone.now()) - at).total_seconds())
