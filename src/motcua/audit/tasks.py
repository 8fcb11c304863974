"""Periodic job (huey): seal the audit log's head every few minutes (niêm phong định kỳ).

Between two checkpoints only the head row guards the newest events; the interval
(``MOTCUA_AUDIT_CHECKPOINT_MINUTES``, default 10) bounds what a deletion of the newest events
together with that row could hide."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from motcua.audit.context import TASK, audit_context
from motcua.audit.services import audit_checkpoint


@db_periodic_task(crontab(minute=f"*/{settings.MOTCUA_AUDIT_CHECKPOINT_MINUTES}"))
def seal_audit_log() -> int | None:
    with audit_context(channel=TASK):
        checkpoint = audit_checkpoint()
    return checkpoint.number if checkpoint else None
