"""Writing the audit log, the access log and their checkpoints (ghi nhật ký, niêm phong).

Cost per audit event, inside the caller's transaction: one UPDATE of the log's head row (a
gap-free number, and the lock that serialises writers until commit), one read of the chain's
last MAC, one INSERT. Verification lives in ``audit.verify``.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import router, transaction
from django.utils import timezone

from motcua.audit import context, keys
from motcua.audit.canonical import (
    access_message,
    access_payload,
    checkpoint_message,
    checkpoint_payload,
    event_message,
    event_payload,
    head_leaves,
    merkle_root,
)
from motcua.audit.models import (
    AccessLog,
    AccessSpoolBatch,
    AuditCheckpoint,
    AuditEvent,
    AuditHead,
)
from motcua.core.orm_speed import CompiledInsert, CompiledLookup

log = logging.getLogger(__name__)

SYSTEM_CHAIN = "system"
KEY_ROTATED = "audit.key_rotated"


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

    ``channel`` and ``ip`` default to the request's (``audit.context``: web/api and the client
    address, set by the middleware) or the command's. The first event written under a new key
    is preceded by an ``audit.key_rotated`` event, so every key change is on record.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    origin = context.current()
    chain = chain or (dossier.code if dossier is not None else SYSTEM_CHAIN)
    at = _aware(at or timezone.now())
    key_id = keys.current_key_id()
    gseq, previous_key = _next(AuditHead.EVENTS, key_id)
    if previous_key and previous_key != key_id:
        _write_event(gseq=gseq, key_id=key_id, chain=SYSTEM_CHAIN, event_type=KEY_ROTATED,
                     actor=None, at=at, channel=channel or origin.channel,
                     ip=ip or origin.ip, data={"from": previous_key, "to": key_id})
        gseq, _ = _next(AuditHead.EVENTS, key_id)
    return _write_event(
        gseq=gseq, key_id=key_id, chain=chain, event_type=event_type, actor=actor, at=at,
        channel=channel or origin.channel, ip=ip or origin.ip, dossier=dossier, obj=obj,
        data=data or {},
    )


def _aware(at):
    """A naive time is read in the project's zone, as Django stores it; the MAC must cover the
    instant the database will hand back."""
    return timezone.make_aware(at) if timezone.is_naive(at) else at


# The chain's last number and MAC, compiled once per process: every audited service reads it
# in its transaction (compiling it cost more than running it).
_LAST_OF_CHAIN = CompiledLookup(
    lambda alias: AuditEvent.objects.using(alias).filter(chain="").order_by("-seq")
    .values("seq", "hash")[:1],
    ("seq", "hash"),
)


def chain_last(chain: str) -> dict | None:
    """``{"seq", "hash"}`` of the chain's last event, or None for a new chain."""
    return _LAST_OF_CHAIN.first(router.db_for_write(AuditEvent), chain)


def _write_event(*, gseq, key_id, chain, event_type, actor, at, channel, ip, dossier=None,
                 obj=None, data=None) -> AuditEvent:
    last = chain_last(chain)
    event = AuditEvent(
        gseq=gseq,
        key_id=key_id,
        chain=chain,
        seq=(last["seq"] + 1) if last else 1,
        event_type=event_type,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor)[:255] if actor is not None else "",
        at=at,
        channel=(channel or "")[:32],
        ip=context.normalise_ip(ip),
        dossier=dossier,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", ""))[:64] if obj is not None else "",
        data=data or {},
        prev_hash=last["hash"] if last else "",
    )
    event.hash = keys.sign(key_id, event_message(event_payload(event)))
    if _NEW_EVENT.usable():
        # Every audited service writes one in its transaction: compiled once per process
        # (for a new row, AppendOnly.save() checks nothing more).
        _NEW_EVENT.save_new(router.db_for_write(AuditEvent), [event])
    else:
        event.save()
    return event


_NEW_EVENT = CompiledInsert(AuditEvent)


def audit_chain_seal(chains: dict[str, list]) -> None:
    """Number and MAC the unsaved events of new chains at once, as ``audit_record`` would have
    one by one: for bulk loaders (the demo history) that insert whole chains.

    The events get their global numbers (``gseq``) in the order of their ids, the order the
    caller inserts them in, and their chain numbers in list order; the head moves once by their
    count. Call inside the loader's transaction (the head's lock is held until it ends) and set
    every stored field first, ``dossier_id`` included: the MAC covers them all.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_chain_seal must run inside the loader's transaction")
    events = sorted((e for chain_events in chains.values() for e in chain_events),
                    key=lambda e: e.id)
    if not events:
        return
    if AuditEvent.objects.filter(chain__in=list(chains)).exists():
        raise ValueError("audit_chain_seal writes new chains only")
    key_id = keys.current_key_id()
    _record_rotation(key_id)
    last, _ = _next(AuditHead.EVENTS, key_id, step=len(events))
    for gseq, event in enumerate(events, start=last - len(events) + 1):
        event.gseq, event.key_id = gseq, key_id
    for chain, chain_events in chains.items():
        prev = ""
        for seq, event in enumerate(chain_events, start=1):
            for name, default in _EVENT_DEFAULTS:
                if not hasattr(event, name):
                    setattr(event, name, default)
            event.chain, event.seq, event.prev_hash = chain, seq, prev
            event.ip = context.normalise_ip(event.ip)
            event.hash = prev = keys.sign(key_id, event_message(event_payload(event)))


_EVENT_DEFAULTS = (("actor_id", None), ("actor_label", ""), ("channel", ""), ("ip", None),
                   ("dossier_id", None), ("object_type", ""), ("object_id", ""), ("data", {}))


def _record_rotation(key_id: str) -> None:
    """Before a bulk write: if the log's last event was written under another key, record the
    change first, as ``audit_record`` does."""
    previous = (AuditHead.objects.filter(name=AuditHead.EVENTS)
                .values_list("key_id", flat=True).first())
    if previous and previous != key_id:
        gseq, previous_key = _next(AuditHead.EVENTS, key_id)
        origin = context.current()
        _write_event(gseq=gseq, key_id=key_id, chain=SYSTEM_CHAIN, event_type=KEY_ROTATED,
                     actor=None, at=timezone.now(), channel=origin.channel, ip=origin.ip,
                     data={"from": previous_key, "to": key_id})


def _next(name: str, key_id: str, *, using=None, step: int = 1) -> tuple[int, str]:
    """Bump the head row of one log by ``step``: (the new, highest number, the key id of the
    previous write).

    The UPDATE takes the row's lock, held until the caller's transaction ends: writers of the
    log queue here, and a rolled-back writer gives its number back, so numbers have no gaps.
    """
    connection = transaction.get_connection(using)
    table = connection.ops.quote_name(AuditHead._meta.db_table)
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(
                f"UPDATE {table} SET seq = seq + %s, prev_key_id = key_id, key_id = %s "
                "WHERE name = %s RETURNING seq, prev_key_id",
                [step, key_id, name],
            )
            row = cursor.fetchone()
            if row is not None:
                return int(row[0]), row[1]
            _create_head(cursor, connection, name)
    raise RuntimeError(f"audit head {name!r} could not be created")


def _create_head(cursor, connection, name: str) -> None:
    """A head row for a log that has none (a fresh or flushed database): it starts where the
    log's rows end, so a head that someone deleted comes back without renumbering."""
    q = connection.ops.quote_name
    if name == AuditHead.EVENTS:
        source, column = AuditEvent._meta.db_table, "gseq"
    else:
        source, column = AccessLog._meta.db_table, "seq"
    cursor.execute(
        f"INSERT INTO {q(AuditHead._meta.db_table)} (name, seq, key_id, prev_key_id) "
        # WHERE TRUE: SQLite needs it to parse an upsert after INSERT ... SELECT.
        f"SELECT %s, COALESCE(MAX({q(column)}), 0), '', '' FROM {q(source)} WHERE TRUE "
        "ON CONFLICT (name) DO NOTHING",
        [name],
    )


def access_record(*, dossier, actor, channel: str, ip: str | None, at=None) -> AccessLog:
    """Append one read of a dossier's personal data to the access log (one small transaction:
    the head's number, then the row with its MAC)."""
    key_id = keys.current_key_id()
    with transaction.atomic():
        seq, _ = _next(AuditHead.ACCESS, key_id)
        row = AccessLog(dossier=dossier, actor=actor, at=_aware(at or timezone.now()),
                        channel=(channel or "")[:16], ip=context.normalise_ip(ip), seq=seq,
                        key_id=key_id)
        row.mac = keys.sign(key_id, access_message(access_payload(row)))
        row.save()
    return row


def access_write(entries: list[dict], *, batch: str = "", at=None) -> int:
    """Append reads of personal data to the access log in one transaction: the head moves once
    by their number, each row gets its gap-free number and MAC as in ``access_record``, and all
    go in one multi-row INSERT. Each entry: ``dossier_id``, ``actor_id``, ``at``, ``channel``,
    ``ip``.

    ``batch`` names a spool segment (``audit.spool``): its marker is inserted first under a
    unique name, so a segment already written (a flusher died between commit and deleting the
    file) raises ``IntegrityError`` before any row is added and the transaction writes
    nothing. Returns the number of rows written.
    """
    if not entries:
        return 0
    key_id = keys.current_key_id()
    with transaction.atomic():
        last, _ = _next(AuditHead.ACCESS, key_id, step=len(entries))
        if batch:
            AccessSpoolBatch.objects.create(name=batch, rows=len(entries),
                                            at=at or timezone.now())
        rows = []
        for seq, entry in enumerate(entries, start=last - len(entries) + 1):
            row = AccessLog(dossier_id=entry["dossier_id"], actor_id=entry["actor_id"],
                            at=_aware(entry["at"]), channel=(entry["channel"] or "")[:16],
                            ip=context.normalise_ip(entry["ip"]), seq=seq, key_id=key_id)
            row.mac = keys.sign(key_id, access_message(access_payload(row)))
            rows.append(row)
        # Rows go in number order, so their ids agree with their numbers (``verify``).
        AccessLog.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _head_seq(name: str) -> int:
    """The head's number, locked until the transaction ends (0 when the log is empty)."""
    connection = transaction.get_connection()
    table = connection.ops.quote_name(AuditHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET seq = seq WHERE name = %s RETURNING seq", [name])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def audit_checkpoint(*, at=None, force: bool = False) -> AuditCheckpoint | None:
    """Seal the current head of both logs and of every chain changed since the last checkpoint
    (niêm phong). None when nothing was written since (unless ``force``)."""
    key_id = keys.current_key_id()
    with transaction.atomic():
        events_gseq = _head_seq(AuditHead.EVENTS)
        access_seq = _head_seq(AuditHead.ACCESS)
        prev = AuditCheckpoint.objects.order_by("-number").first()
        prev_gseq = prev.events_gseq if prev else 0
        prev_access = prev.access_seq if prev else 0
        if prev and not force and (events_gseq, access_seq) == (prev_gseq, prev_access):
            return None
        heads: dict[str, list] = {}
        rows = (AuditEvent.objects.filter(gseq__gt=prev_gseq, gseq__lte=events_gseq)
                .order_by("gseq").values_list("chain", "seq", "hash"))
        for chain, seq, mac in rows.iterator(chunk_size=5000):
            heads[chain] = [seq, mac]
        checkpoint = AuditCheckpoint(
            number=(prev.number + 1) if prev else 1,
            at=at or timezone.now(),
            key_id=key_id,
            events_gseq=events_gseq,
            events_mac=_mac_at(AuditEvent, "gseq", events_gseq, "hash"),
            access_seq=access_seq,
            access_mac=_mac_at(AccessLog, "seq", access_seq, "mac"),
            heads=heads,
            heads_root=merkle_root(head_leaves(heads)),
            prev_mac=prev.mac if prev else "",
        )
        checkpoint.mac = keys.sign(key_id, checkpoint_message(checkpoint_payload(checkpoint)))
        checkpoint.save()
        if settings.MOTCUA_AUDIT_ANCHOR_FILE:
            transaction.on_commit(lambda: _anchor(checkpoint))
    return checkpoint


def _mac_at(model, field: str, position: int, mac_field: str) -> str:
    if not position:
        return ""
    return (model.objects.filter(**{field: position}).values_list(mac_field, flat=True).first()
            or "")


def anchor_line(checkpoint: AuditCheckpoint) -> str:
    return json.dumps({"number": checkpoint.number, "events_gseq": checkpoint.events_gseq,
                       "access_seq": checkpoint.access_seq, "mac": checkpoint.mac},
                      sort_keys=True)


def _anchor(checkpoint: AuditCheckpoint) -> None:
    """Append the checkpoint to the anchor file, outside the database's reach."""
    try:
        with open(settings.MOTCUA_AUDIT_ANCHOR_FILE, "a", encoding="utf-8") as fh:
            fh.write(anchor_line(checkpoint) + "\n")
    except OSError:
        log.exception("audit checkpoint #%s could not be anchored", checkpoint.number)


def audit_verify():
    """Every problem found in the logs, first one first (empty: intact). See ``audit.verify``."""
    from motcua.audit.verify import verify_database

    return verify_database()
