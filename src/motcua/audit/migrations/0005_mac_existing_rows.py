"""Put the rows written before the keyed MAC under it (your call in issue 12, made here).

Existing events keep their content, chain and ``seq``; they get a gap-free ``gseq`` in the
order they were written (``id``), the current key's id, and a MAC chained exactly like new
events, replacing the old keyless SHA-256. Existing access-log rows get a number and a MAC too.
Before that, the old SHA-256 chains are checked, and what was found is written as one
``audit.rekeyed`` event (system chain) after the re-MACed rows, so the record says that the
history before this point was sealed as found, and whether it was intact then.

Rows only get new values (no row is added in between, none removed); a database whose audit
tables refuse UPDATEs (append-only triggers) must run this migration before those triggers.
"""

import datetime as dt
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations
from django.utils import timezone

from motcua.audit import keys
from motcua.audit.canonical import access_message, access_payload, event_message, event_payload

BATCH = 2000


def _legacy_digest(prev_hash, row):
    """The old keyless hash (before 0005), only to report whether the old chains were intact."""
    payload = {
        "chain": row.chain, "seq": row.seq, "event_type": row.event_type, "actor": row.actor_id,
        "at": row.at.astimezone(dt.UTC).isoformat(), "dossier": row.dossier_id,
        "object_type": row.object_type, "object_id": row.object_id,
        "data": json.loads(json.dumps(row.data, cls=DjangoJSONEncoder)),
    }
    body = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def mac_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AccessLog = apps.get_model("audit", "AccessLog")
    AuditHead = apps.get_model("audit", "AuditHead")
    db = schema_editor.connection.alias
    key_id = keys.current_key_id()

    last: dict[str, tuple[int, str, str]] = {}  # chain -> (seq, old hash, new mac)
    breaks: list[str] = []
    gseq = 0
    pending = []
    events = AuditEvent.objects.using(db).filter(gseq__isnull=True).order_by("id")
    total = events.count()
    for row in events.iterator(chunk_size=BATCH):
        gseq += 1
        seq0, old0, mac0 = last.get(row.chain, (0, "", ""))
        if row.seq != seq0 + 1:
            breaks.append(f"{row.chain} #{row.seq}: missing rows after {seq0}")
        if row.prev_hash != old0:
            breaks.append(f"{row.chain} #{row.seq}: previous hash does not match")
        if _legacy_digest(row.prev_hash, row) != row.hash:
            breaks.append(f"{row.chain} #{row.seq}: row content was changed")
        old_hash = row.hash
        row.gseq, row.key_id, row.prev_hash = gseq, key_id, mac0
        row.hash = keys.sign(key_id, event_message(event_payload(row)))
        last[row.chain] = (row.seq, old_hash, row.hash)
        pending.append(row)
        if len(pending) >= BATCH:
            AuditEvent.objects.using(db).bulk_update(
                pending, ["gseq", "key_id", "prev_hash", "hash"])
            pending = []
    if pending:
        AuditEvent.objects.using(db).bulk_update(pending, ["gseq", "key_id", "prev_hash", "hash"])

    access_seq = 0
    pending = []
    for row in AccessLog.objects.using(db).filter(seq__isnull=True).order_by("id").iterator(
            chunk_size=BATCH):
        access_seq += 1
        row.seq, row.key_id = access_seq, key_id
        row.mac = keys.sign(key_id, access_message(access_payload(row)))
        pending.append(row)
        if len(pending) >= BATCH:
            AccessLog.objects.using(db).bulk_update(pending, ["seq", "key_id", "mac"])
            pending = []
    if pending:
        AccessLog.objects.using(db).bulk_update(pending, ["seq", "key_id", "mac"])

    if total or access_seq:
        gseq += 1
        seq0, _, mac0 = last.get("system", (0, "", ""))
        event = AuditEvent(
            gseq=gseq, key_id=key_id, chain="system", seq=seq0 + 1, event_type="audit.rekeyed",
            actor=None, actor_label="", at=timezone.now(), channel="migration", ip=None,
            dossier_id=None, object_type="", object_id="", prev_hash=mac0,
            data={"events": total, "access_rows": access_seq, "key_id": key_id,
                  "legacy_intact": not breaks, "legacy_breaks": breaks[:50],
                  "legacy_breaks_total": len(breaks)},
        )
        event.hash = keys.sign(key_id, event_message(event_payload(event)))
        event.save(using=db)
    AuditHead.objects.using(db).update_or_create(
        name="events", defaults={"seq": gseq, "key_id": key_id, "prev_key_id": key_id})
    AuditHead.objects.using(db).update_or_create(
        name="access", defaults={"seq": access_seq, "key_id": key_id, "prev_key_id": key_id})


class Migration(migrations.Migration):

    dependencies = [("audit", "0004_keyed_mac")]

    operations = [migrations.RunPython(mac_existing, migrations.RunPython.noop)]
