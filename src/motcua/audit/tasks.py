"""Periodic jobs (huey): seal the audit log's head every few minutes (niêm phong định kỳ), and
move spooled reads of personal data left by dead processes into the access log.

Between two checkpoints only the head row guards the newest events; the interval
(``MOTCUA_AUDIT_CHECKPOINT_MINUTES``, default 10) bounds what a deletion of the newest events
together with that row could hide."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from motcua.audit import spool
from motcua.audit.context import TASK, audit_context
from motcua.audit.models import AccessSpoolBatch
from motcua.audit.services import audit_checkpoint


@db_periodic_task(crontab(minute=f"*/{settings.MOTCUA_AUDIT_CHECKPOINT_MINUTES}"))
def seal_audit_log() -> int | None:
    with audit_context(channel=TASK):
        # Spooled reads first, so the checkpoint seals them too.
        spool.flush(own=False)
        checkpoint = audit_checkpoint()
    return checkpoint.number if checkpoint else None


@db_periodic_task(crontab(minute="*"))
def flush_access_spool() -> int:
    """Segments whose process is gone (killed, or exited without flushing): the live ones are
    held by their writers and skipped. Also forgets markers older than
    ``MOTCUA_ACCESS_SPOOL_MARKER_DAYS``."""
    written = spool.flush(own=False)
    cutoff = timezone.now() - dt.timedelta(days=settings.MOTCUA_ACCESS_SPOOL_MARKER_DAYS)
    AccessSpoolBatch.objects.filter(at__lt=cutoff).delete()
    return written
