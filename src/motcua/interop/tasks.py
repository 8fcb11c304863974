"""Scheduler tasks (huey): the national portal's outbox, after commit and every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from motcua.interop.outbox import interop_send_pending


@db_task()
def deliver_national_portal() -> dict[str, int]:
    return interop_send_pending()


@db_periodic_task(crontab(minute="*"))
def sweep_national_portal() -> dict[str, int]:
    return interop_send_pending()
