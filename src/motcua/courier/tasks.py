"""Periodic job (huey): create the courier runs whose pickup time has come (chuyến bưu chính).

Every five minutes is enough: a run takes what waited until its pickup time, whenever it is
created, and creating it again does nothing.
"""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from motcua.courier.services import runs_due


@db_periodic_task(crontab(minute="*/5"))
def create_due_runs() -> int:
    return len(runs_due(now=timezone.now()))
