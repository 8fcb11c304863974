"""Periodic jobs of operations (huey): scheduled backups.

Only the scheduler node runs periodic tasks (``run_huey`` on one node; the others
``run_huey --no-periodic``): docs/deployment.md."""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger(__name__)


def _backup_schedule():
    hour, _, minute = str(settings.MOTCUA_BACKUP_AT).partition(":")
    return crontab(hour=str(int(hour)), minute=str(int(minute or 0)))


@db_periodic_task(_backup_schedule())
def scheduled_backup() -> str | None:
    """The nightly backup into MOTCUA_BACKUP_DIR, keeping MOTCUA_BACKUP_KEEP of them."""
    if not settings.MOTCUA_BACKUP_DIR:
        return None
    from motcua.ops.backup import backup, rotate

    path = backup(settings.MOTCUA_BACKUP_DIR)
    removed = rotate(settings.MOTCUA_BACKUP_DIR, keep=settings.MOTCUA_BACKUP_KEEP)
    log.info("backup written", extra={"backup": str(path), "rotated": [str(p) for p in removed]})
    return str(path)
