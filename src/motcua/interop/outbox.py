"""Sending the national portal's outbox: like the notifications outbox (claim by conditional
UPDATE, backoff, "failed" after the last try), and in order per dossier: a status change is
not sent while an earlier one of the same dossier is unsent, so the portal never sees "result
ready" before "received"."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.interop.adapters import get_adapter
from motcua.interop.models import NationalPortalDossier, NationalPortalEvent
from motcua.notifications.models import OutboxStatus
from motcua.notifications.outbox import backoff, max_attempts

logger = logging.getLogger("motcua.interop")

_CLAIM_TIMEOUT = dt.timedelta(minutes=10)


def _blocked(row: NationalPortalEvent) -> bool:
    return (NationalPortalEvent.objects.filter(dossier_id=row.dossier_id, id__lt=row.id)
            .exclude(status=OutboxStatus.SENT).exists())


def _claim(pk: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        claimed = NationalPortalEvent.objects.filter(
            pk=pk, status=OutboxStatus.PENDING, next_attempt_at__lte=now,
        ).update(status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        if not claimed:
            claimed = NationalPortalEvent.objects.filter(
                pk=pk, status=OutboxStatus.SENDING, claimed_at__lt=now - _CLAIM_TIMEOUT,
            ).update(claimed_at=now, attempts=F("attempts") + 1)
    return bool(claimed)


def interop_send_pending(*, now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    counts = {"sent": 0, "retry": 0, "failed": 0, "waiting": 0}
    at = now or timezone.now()
    due = (NationalPortalEvent.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=at)
           | NationalPortalEvent.objects.filter(status=OutboxStatus.SENDING,
                                                claimed_at__lt=at - _CLAIM_TIMEOUT))
    adapter = None
    for row in list(due.order_by("id")[:limit]):
        if _blocked(row):
            counts["waiting"] += 1
            continue
        if not _claim(row.pk, at):
            continue
        row.refresh_from_db()
        payload = dict(row.payload)
        link = NationalPortalDossier.objects.filter(dossier_id=row.dossier_id).first()
        payload["external_id"] = link.external_id if link else None
        try:
            adapter = adapter or get_adapter()
            adapter.send_status(payload, idempotency_key=f"motcua-{row.pk}")
        except Exception as exc:
            logger.warning("national portal event %s failed (attempt %s): %s", row.pk,
                           row.attempts, exc)
            final = row.attempts >= max_attempts()
            NationalPortalEvent.objects.filter(pk=row.pk, status=OutboxStatus.SENDING).update(
                status=OutboxStatus.FAILED if final else OutboxStatus.PENDING,
                next_attempt_at=at + backoff(row.attempts), claimed_at=None,
                last_error=f"{type(exc).__name__}: {exc}"[:2000])
            counts["failed" if final else "retry"] += 1
            continue
        NationalPortalEvent.objects.filter(pk=row.pk, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")
        counts["sent"] += 1
    return counts


def interop_retry(*, actor, ids) -> int:
    """Put failed rows back in the queue with a fresh count (the admin's "Gửi lại")."""
    with transaction.atomic():
        rows = list(NationalPortalEvent.objects.select_for_update().filter(
            pk__in=list(ids), status__in=[OutboxStatus.FAILED, OutboxStatus.PENDING]))
        now = timezone.now()
        for row in rows:
            row.status, row.attempts, row.next_attempt_at, row.claimed_at = (
                OutboxStatus.PENDING, 0, now, None)
            row.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_at"])
        if rows:
            audit_record(actor=actor, event_type="interop.retried", chain="interop",
                         data={"ids": [r.pk for r in rows]})
    if rows:
        transaction.on_commit(kick)
    return len(rows)


def kick() -> None:
    try:
        from motcua.interop.tasks import deliver_national_portal

        deliver_national_portal()
    except Exception:
        logger.exception("could not enqueue the national portal delivery; the sweep will")
