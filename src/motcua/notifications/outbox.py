"""Writing and sending the outbox (hộp thư đi).

``outbox_write`` runs inside the caller's transaction. ``outbox_send_pending`` is what the
scheduler runs: it claims due rows one by one with a conditional UPDATE (pending → sending),
commits the claim, sends, then records the outcome. Only one worker's UPDATE can move a row
out of "pending" (PostgreSQL re-checks the condition after the row lock; SQLite has one
writer at a time), so two sweepers never send the same row. A row claimed by a worker that
died is taken back after ``MOTCUA_NOTIFICATION_CLAIM_TIMEOUT_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import router, transaction
from django.db.models import F
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.core.orm_speed import CompiledInsert
from motcua.notifications.base import Channel, Message
from motcua.notifications.models import OutboxMessage, OutboxStatus

logger = logging.getLogger("motcua.notifications")

CITIZEN_CHANNELS = {"email", "sms", "zalo"}


def max_attempts() -> int:
    return int(getattr(settings, "MOTCUA_NOTIFICATION_MAX_ATTEMPTS", 6))


def backoff(attempts: int, *, base: float | None = None, cap: float | None = None) -> dt.timedelta:
    """Wait before the next try after ``attempts`` failed ones: base · 2^(attempts−1), capped
    (exponential backoff: 1, 2, 4, 8 … minutes by default)."""
    base = float(getattr(settings, "MOTCUA_NOTIFICATION_RETRY_BASE_SECONDS", 60)
                 if base is None else base)
    cap = float(getattr(settings, "MOTCUA_NOTIFICATION_RETRY_MAX_SECONDS", 3600)
                if cap is None else cap)
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def outbox_write(message: Message, channels: tuple[Channel, ...], *,
                 chosen: set[str] | None = None) -> list[OutboxMessage]:
    """One row per channel and address of ``message``, in the current transaction, with the
    center's wording; the citizen's channel choice filters the citizen channels. ``chosen``:
    that choice, read by the caller before its transaction (``registry.citizen_choice``)."""
    from motcua.notifications.templates import render

    if chosen is None:
        chosen = citizen_choice(message, channels)
    subject, body = render(message)
    now = timezone.now()
    rows = []
    for channel in channels:
        if channel.name in CITIZEN_CHANNELS and chosen is not None and channel.name not in chosen:
            continue
        data = {**message.data, "applicant_name": message.applicant_name,
                "id_number": message.id_number}
        if not channel.address_kind:  # a channel that takes the whole message (the log)
            data["_recipients"], data["_phones"] = list(message.recipients), list(message.phones)
        for address in channel.addresses(message):
            rows.append(OutboxMessage(
                event=message.event[:64], channel=channel.name, address=address[:254],
                subject=subject, body=body, dossier_code=message.dossier_code[:64],
                data=data,
                created_at=now, next_attempt_at=now,
            ))
    if not _NEW_ROWS.usable():
        return OutboxMessage.objects.bulk_create(rows)
    # Every notifying service writes these in its transaction: compiled once per process.
    _NEW_ROWS.save_new(router.db_for_write(OutboxMessage), rows)
    return rows


_NEW_ROWS = CompiledInsert(OutboxMessage)


def citizen_choice(message: Message, channels: tuple[Channel, ...]) -> set[str] | None:
    """The citizen channels the person ``message`` is for receives (their recorded choice or
    the default); None when no citizen channel is configured (nothing to filter)."""
    from motcua.notifications.preferences import channels_for

    if not any(c.name in CITIZEN_CHANNELS for c in channels):
        return None
    return channels_for(id_number=message.id_number, phones=message.phones,
                        emails=message.recipients)


def _as_message(row: OutboxMessage, channel: Channel) -> Message:
    data = dict(row.data or {})
    recipients = tuple(data.pop("_recipients", ()))
    phones = tuple(data.pop("_phones", ()))
    if channel.address_kind == "email":
        recipients, phones = (row.address,), ()
    elif channel.address_kind == "phone":
        recipients, phones = (), (row.address,)
    message = Message(event=row.event, subject=row.subject, body=row.body,
                      recipients=recipients, phones=phones,
                      dossier_code=row.dossier_code, data=data,
                      id_number=data.get("id_number", ""),
                      applicant_name=data.get("applicant_name", ""))
    return message


def _claim(pk: int, now: dt.datetime) -> bool:
    timeout = dt.timedelta(seconds=int(getattr(
        settings, "MOTCUA_NOTIFICATION_CLAIM_TIMEOUT_SECONDS", 600)))
    with transaction.atomic():
        claimed = OutboxMessage.objects.filter(
            pk=pk, status=OutboxStatus.PENDING, next_attempt_at__lte=now,
        ).update(status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        if not claimed:  # a stale claim of a worker that died
            claimed = OutboxMessage.objects.filter(
                pk=pk, status=OutboxStatus.SENDING, claimed_at__lt=now - timeout,
            ).update(claimed_at=now, attempts=F("attempts") + 1)
    return bool(claimed)


def _candidates(now: dt.datetime, limit: int) -> list[int]:
    timeout = dt.timedelta(seconds=int(getattr(
        settings, "MOTCUA_NOTIFICATION_CLAIM_TIMEOUT_SECONDS", 600)))
    due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
    stale = OutboxMessage.objects.filter(status=OutboxStatus.SENDING,
                                         claimed_at__lt=now - timeout)
    with transaction.atomic():
        # skip_locked: rows another sweeper is claiming right now are left to it (PostgreSQL;
        # ignored elsewhere, where the conditional UPDATE of _claim decides alone).
        ids = list(due.order_by("id").select_for_update(skip_locked=True)
                   .values_list("id", flat=True)[:limit])
    ids += list(stale.order_by("id").values_list("id", flat=True)[:limit])
    return ids


def outbox_send_pending(*, now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send the due rows; returns counts by outcome ("sent", "retry", "failed")."""
    from motcua.notifications.registry import channels_by_name

    counts = {"sent": 0, "retry": 0, "failed": 0}
    by_name = channels_by_name()
    for pk in _candidates(now or timezone.now(), limit):
        at = now or timezone.now()
        if not _claim(pk, at):
            continue
        row = OutboxMessage.objects.get(pk=pk)
        channel = by_name.get(row.channel)
        try:
            if channel is None:
                raise LookupError(f"channel {row.channel!r} is not configured")
            channel.send(_as_message(row, channel))
        except Exception as exc:  # any provider failure: retried, then "failed"
            logger.warning("outbox %s via %s failed (attempt %s): %s", row.pk, row.channel,
                           row.attempts, exc)
            final = row.attempts >= max_attempts()
            OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.SENDING).update(
                status=OutboxStatus.FAILED if final else OutboxStatus.PENDING,
                next_attempt_at=at + backoff(row.attempts), claimed_at=None,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            counts["failed" if final else "retry"] += 1
            continue
        OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")
        counts["sent"] += 1
    return counts


def outbox_retry(*, actor, ids) -> int:
    """Put failed (or waiting) rows back in the queue now, with a fresh count of attempts
    (the admin's "Gửi lại" action)."""
    with transaction.atomic():
        rows = list(OutboxMessage.objects.select_for_update().filter(
            pk__in=list(ids), status__in=[OutboxStatus.FAILED, OutboxStatus.PENDING]))
        now = timezone.now()
        for row in rows:
            row.status, row.attempts, row.next_attempt_at = OutboxStatus.PENDING, 0, now
            row.claimed_at = None
            row.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_at"])
        if rows:
            audit_record(actor=actor, event_type="notification.retried", chain="notifications",
                         data={"ids": [r.pk for r in rows]})
    if rows:
        transaction.on_commit(kick)
    return len(rows)


def kick() -> None:
    """Ask the scheduler to send now (after commit); the minute sweep catches what this
    misses (the queue down, a worker busy)."""
    try:
        from motcua.notifications.tasks import deliver_outbox

        deliver_outbox()
    except Exception:  # the queue being down must not break the request that committed
        logger.exception("could not enqueue the outbox delivery; the sweep will send it")
