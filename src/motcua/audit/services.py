"""Writing and verifying the audit chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from motcua.audit.models import AuditEvent

SYSTEM_CHAIN = "system"


def _digest(prev_hash: str, payload: dict) -> str:
    body = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _payload(event: AuditEvent) -> dict:
    return {
        "chain": event.chain,
        "seq": event.seq,
        "event_type": event.event_type,
        "actor": event.actor_id,
        # The database hands times back in UTC; hash the same form whatever zone was passed in.
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "dossier": event.dossier_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "data": json.loads(json.dumps(event.data, cls=DjangoJSONEncoder)),
    }


def audit_record(
    *,
    actor,
    event_type: str,
    dossier=None,
    chain: str | None = None,
    obj=None,
    data: dict | None = None,
    channel: str = "",
    ip: str | None = None,
    at=None,
) -> AuditEvent:
    """Append one event. Call inside the service's transaction.

    Writers of one chain are serialised (``_lock_chain``); the unique (chain, seq) constraint
    is the last line of defence.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    chain = chain or (dossier.code if dossier is not None else SYSTEM_CHAIN)
    at = at or timezone.now()
    _lock_chain(chain)
    last = AuditEvent.objects.filter(chain=chain).order_by("-seq").values("seq", "hash").first()
    event = AuditEvent(
        chain=chain,
        seq=(last["seq"] + 1) if last else 1,
        event_type=event_type,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor is not None else "",
        at=at,
        channel=channel,
        ip=ip,
        dossier=dossier,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "")) if obj is not None else "",
        data=data or {},
        prev_hash=last["hash"] if last else "",
    )
    event.hash = _digest(event.prev_hash, _payload(event))
    event.save()
    return event


def audit_chain_seal(events: list[AuditEvent], *, chain: str) -> list[AuditEvent]:
    """Number and hash unsaved events of a new chain, in order, as ``audit_record`` would have
    one by one: for bulk loaders (the demo history) that insert a whole chain at once. The
    caller inserts them inside its transaction; ``audit_verify`` checks them like any other."""
    prev = ""
    for seq, event in enumerate(events, start=1):
        event.chain, event.seq, event.prev_hash = chain, seq, prev
        event.hash = prev = _digest(prev, _payload(event))
    return events


def _lock_chain(chain: str) -> None:
    """Serialise writers of one chain until their transaction ends.

    SQLite already runs one write transaction at a time (IMMEDIATE mode). On PostgreSQL a
    transaction-scoped advisory lock keyed by the chain name does it, so two writers of a
    shared chain ("system", "catalog") never compute the same sequence number.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(chain.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


@dataclass(frozen=True)
class ChainBreak:
    chain: str
    seq: int
    reason: str


def audit_verify() -> list[ChainBreak]:
    """Recompute every chain; return where each one breaks (empty list: intact)."""
    breaks: list[ChainBreak] = []
    prev: dict[str, tuple[int, str]] = {}
    for event in AuditEvent.objects.order_by("chain", "seq").iterator(chunk_size=2000):
        last_seq, last_hash = prev.get(event.chain, (0, ""))
        if event.seq != last_seq + 1:
            breaks.append(ChainBreak(event.chain, event.seq, f"missing rows after {last_seq}"))
        if event.prev_hash != last_hash:
            breaks.append(ChainBreak(event.chain, event.seq, "previous hash does not match"))
        if _digest(event.prev_hash, _payload(event)) != event.hash:
            breaks.append(ChainBreak(event.chain, event.seq, "row content was changed"))
        prev[event.chain] = (event.seq, event.hash)
    return breaks
