"""An attacker with write access to the database but without the audit key (raw SQL, any
append-only triggers dropped first): every edit, insertion, reordering and deletion is found
and located, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from motcua.audit.canonical import event_payload
from motcua.audit.models import AccessLog, AuditCheckpoint, AuditEvent
from motcua.audit.services import access_record, audit_checkpoint, audit_record, audit_verify
from tests.audit.helpers import kinds, row, sha256_like_before, sql
from tests.factories import UnitFactory, UserFactory, published_procedure, vn
from tests.reports.helpers import make_dossier

E = "audit_auditevent"
A = "audit_accesslog"
C = "audit_auditcheckpoint"
H = "audit_audithead"

# gseq: 1 A#1, 2 B#1, 3 A#2, 4 C#1, 5 B#2, 6 A#3, 7 C#2, 8 A#4
ORDER = ["A", "B", "A", "C", "B", "A", "C", "A"]


@pytest.fixture
def actor(db):
    return UserFactory(username="canbo1", first_name="Lan")


@pytest.fixture
def trail(actor):
    for i, chain in enumerate(ORDER):
        with transaction.atomic():
            audit_record(actor=actor, event_type="test.event", chain=chain, data={"i": i},
                         channel="web", ip="10.0.0.1")
    assert audit_verify() == []


def first(problems):
    assert problems, "tampering went unnoticed"
    return kinds(problems)[0]


def gseq_of(chain, seq):
    return AuditEvent.objects.filter(chain=chain, seq=seq).values_list("gseq", flat=True).get()


# ------------------------------------------------------------------------------- edits

FIELD_EDITS = [
    ("actor_label", "Người khác"),
    ("channel", "api"),
    ("ip", "10.9.9.9"),
    ("event_type", "dossier.refused"),
    ("data", json.dumps({"i": 42})),
    ("at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
    ("object_type", "Dossier"),
    ("object_id", "99"),
    ("actor_id", None),
    ("dossier_id", 12345),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("column", "value"), FIELD_EDITS, ids=[f[0] for f in FIELD_EDITS])
def test_an_edit_of_any_field_is_found_at_its_event(trail, column, value):
    cast = "CAST(%s AS jsonb)" if column == "data" and _pg() else "%s"
    if column == "ip" and _pg():
        cast = "CAST(%s AS inet)"
    assert sql(f"UPDATE {E} SET {column} = {cast} WHERE chain = 'A' AND seq = 2", [value]) == 1
    problems = audit_verify()
    assert first(problems) == ("events", "edited", 3)
    assert problems[0].chain == "A" and problems[0].seq == 2
    assert len(problems) == 1


def _pg():
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.mark.django_db
def test_the_command_exits_non_zero_and_names_the_first_bad_event(trail):
    sql(f"UPDATE {E} SET actor_label = 'x' WHERE chain = 'A' AND seq = 2")
    with pytest.raises(CommandError, match=r"Chỗ hỏng đầu tiên: sự kiện #3 \(chuỗi A #2\): "
                                           r"\[edited\]"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_a_chain_rewritten_with_hashlib_is_found(trail):
    """The old attack: change a row and recompute its hash, and the chain after it."""
    prev = row(E, "chain = 'A' AND seq = 1")["hash"]
    for seq in (2, 3, 4):
        event = AuditEvent.objects.get(chain="A", seq=seq)
        payload = event_payload(event)
        payload["data"] = {"i": 42} if seq == 2 else payload["data"]
        payload["prev_hash"] = prev
        forged = sha256_like_before(prev, payload)
        sql(f"UPDATE {E} SET data = {'CAST(%s AS jsonb)' if _pg() else '%s'}, prev_hash = %s, "
            "hash = %s WHERE id = %s",
            [json.dumps(payload["data"]), prev, forged, event.id])
        prev = forged
    problems = audit_verify()
    assert first(problems) == ("events", "forged", 3)
    assert {(p.kind, p.position) for p in problems} == {("forged", 3), ("forged", 6),
                                                        ("forged", 8)}


# ---------------------------------------------------------------------------- insertions


def _insert_event(**values):
    base = row(E, "chain = 'A' AND seq = 4")
    base.pop("id")
    base.update(values)
    columns = ", ".join(base)
    marks = ", ".join(
        "CAST(%s AS jsonb)" if c == "data" and _pg() else "%s" for c in base
    )
    params = [json.dumps(v) if c == "data" and not isinstance(v, str) else v
              for c, v in base.items()]
    sql(f"INSERT INTO {E} ({columns}) VALUES ({marks})", params)


@pytest.mark.django_db
def test_a_row_appended_after_the_head_is_found(trail):
    last = row(E, "chain = 'A' AND seq = 4")
    _insert_event(gseq=9, seq=5, prev_hash=last["hash"], hash="0" * 64,
                  event_type="dossier.approved")
    problems = audit_verify()
    assert first(problems) == ("events", "inserted", 9)


@pytest.mark.django_db
def test_a_row_appended_with_the_head_moved_too_is_found(trail):
    last = row(E, "chain = 'A' AND seq = 4")
    _insert_event(gseq=9, seq=5, prev_hash=last["hash"],
                  hash=sha256_like_before(last["hash"], {"x": 1}))
    sql(f"UPDATE {H} SET seq = 9 WHERE name = 'events'")
    assert first(audit_verify()) == ("events", "forged", 9)


@pytest.mark.django_db
def test_a_row_slipped_into_the_middle_is_found(trail):
    # Make room at #5 by moving every later event up one (two steps to keep numbers unique).
    sql(f"UPDATE {E} SET gseq = -gseq - 1 WHERE gseq >= 5")
    sql(f"UPDATE {E} SET gseq = -gseq WHERE gseq < 0")
    _insert_event(gseq=5, chain="Z", seq=1, prev_hash="", hash="f" * 64)
    sql(f"UPDATE {H} SET seq = 9 WHERE name = 'events'")
    problems = audit_verify()
    assert first(problems) == ("events", "forged", 5)
    assert ("events", "reordered", 6) in kinds(problems)  # B#2, written as #5


# ------------------------------------------------------------------------------ reordering


@pytest.mark.django_db
def test_two_events_swapped_in_the_log_are_found(trail):
    sql(f"UPDATE {E} SET gseq = -1 WHERE gseq = 3")
    sql(f"UPDATE {E} SET gseq = 3 WHERE gseq = 4")
    sql(f"UPDATE {E} SET gseq = 4 WHERE gseq = -1")
    problems = audit_verify()
    assert first(problems) == ("events", "reordered", 3)
    assert "#4" in problems[0].detail


@pytest.mark.django_db
def test_two_events_swapped_in_their_chain_are_found(trail):
    sql(f"UPDATE {E} SET seq = 1000 WHERE chain = 'A' AND seq = 2")
    sql(f"UPDATE {E} SET seq = 2 WHERE chain = 'A' AND seq = 3")
    sql(f"UPDATE {E} SET seq = 3 WHERE chain = 'A' AND seq = 1000")
    problems = audit_verify()
    assert first(problems) == ("events", "reordered", 3)


@pytest.mark.django_db
def test_rows_moved_in_storage_order_are_found(trail):
    top = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    sql(f"UPDATE {E} SET id = %s WHERE gseq = 2", [top + 100])
    assert first(audit_verify()) == ("events", "reordered", 3)


# ------------------------------------------------------------------------------- deletions


@pytest.mark.django_db
def test_deleting_the_last_event_of_a_chain_is_found(trail):
    assert sql(f"DELETE FROM {E} WHERE gseq = %s", [gseq_of("C", 2)]) == 1  # #7
    problems = audit_verify()
    assert first(problems) == ("events", "deleted", 8)
    assert "#7" in problems[0].detail


@pytest.mark.django_db
def test_deleting_the_newest_event_is_found_by_the_head(trail):
    sql(f"DELETE FROM {E} WHERE gseq = 8")
    assert first(audit_verify()) == ("events", "deleted", 8)


@pytest.mark.django_db
def test_deleting_the_newest_events_and_fixing_the_head_is_found_by_the_checkpoint(trail):
    audit_checkpoint()
    sql(f"DELETE FROM {E} WHERE gseq >= 7")
    sql(f"UPDATE {H} SET seq = 6 WHERE name = 'events'")
    problems = audit_verify()
    assert ("checkpoints", "deleted", 1) in kinds(problems)
    assert any(p.chain == "C" and p.kind == "deleted" for p in problems)  # C's head, #2
    assert any(p.chain == "A" and p.kind == "deleted" for p in problems)  # A's head, #4


@pytest.mark.django_db
def test_deleting_a_whole_chain_is_found(trail):
    audit_checkpoint()
    assert sql(f"DELETE FROM {E} WHERE chain = 'C'") == 2
    problems = audit_verify()
    assert first(problems) == ("events", "deleted", 5)  # #4 missing
    assert ("checkpoints", "missing_chain", 1) in kinds(problems)
    assert next(p for p in problems if p.kind == "missing_chain").chain == "C"


@pytest.mark.django_db
def test_deleting_a_whole_chain_without_a_checkpoint_is_still_found(trail):
    sql(f"DELETE FROM {E} WHERE chain = 'B'")
    assert first(audit_verify()) == ("events", "deleted", 3)


@pytest.mark.django_db
def test_deleting_newest_events_head_and_checkpoints_is_found_by_the_anchor(
        trail, actor, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MOTCUA_AUDIT_ANCHOR_FILE = str(tmp_path / "anchor.jsonl")
    with django_capture_on_commit_callbacks(execute=True):
        audit_checkpoint()
    with transaction.atomic():
        audit_record(actor=actor, event_type="test.event", chain="A")
    with django_capture_on_commit_callbacks(execute=True):
        audit_checkpoint()
    assert audit_verify() == []
    sql(f"DELETE FROM {E} WHERE gseq >= 8")
    sql(f"DELETE FROM {C} WHERE number = 2")
    sql(f"UPDATE {H} SET seq = 7 WHERE name = 'events'")
    problems = audit_verify()
    assert [p.kind for p in problems if p.log == "anchor"] == ["deleted"]
    assert "#2" in str(problems[-1])


# ----------------------------------------------------------------------------- checkpoints


@pytest.fixture
def sealed(trail, actor):
    audit_checkpoint()
    for chain in ("A", "D"):
        with transaction.atomic():
            audit_record(actor=actor, event_type="test.event", chain=chain)
        audit_checkpoint()
    assert AuditCheckpoint.objects.count() == 3
    assert audit_verify() == []


@pytest.mark.django_db
def test_checkpoint_heads_edited_are_found(sealed):
    cp = AuditCheckpoint.objects.get(number=1)
    heads = dict(cp.heads, C=[1, cp.heads["A"][1]])
    sql(f"UPDATE {C} SET heads = {'CAST(%s AS jsonb)' if _pg() else '%s'} WHERE number = 1",
        [json.dumps(heads)])
    problems = audit_verify()
    assert ("checkpoints", "checkpoint", 1) in kinds(problems)


@pytest.mark.django_db
def test_checkpoint_fields_edited_are_found(sealed):
    sql(f"UPDATE {C} SET events_gseq = 5 WHERE number = 1")
    assert first(audit_verify()) is not None
    assert ("checkpoints", "checkpoint", 1) in kinds(audit_verify())


@pytest.mark.django_db
def test_a_deleted_checkpoint_is_found(sealed):
    sql(f"DELETE FROM {C} WHERE number = 2")
    problems = audit_verify()
    assert ("checkpoints", "checkpoint", 3) in kinds(problems)
    assert "#2" in next(p for p in problems if p.log == "checkpoints").detail


@pytest.mark.django_db
def test_a_forged_checkpoint_is_found(sealed):
    cp = row(C, "number = 3")
    cp.pop("id")
    cp.update(number=4, prev_mac=cp["mac"], mac=sha256_like_before(cp["mac"], {"n": 4}))
    cp["heads"] = json.dumps(cp["heads"]) if not isinstance(cp["heads"], str) else cp["heads"]
    marks = ", ".join("CAST(%s AS jsonb)" if c == "heads" and _pg() else "%s" for c in cp)
    sql(f"INSERT INTO {C} ({', '.join(cp)}) VALUES ({marks})", list(cp.values()))
    assert ("checkpoints", "checkpoint", 4) in kinds(audit_verify())


# ------------------------------------------------------------------------------ access log


@pytest.fixture
def reads(actor):
    center = UnitFactory(kind="center")
    version = published_procedure(agency=UnitFactory(kind="agency"), receiving_units=[center])
    dossier = make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 20, 17),
                           receiving_unit=center)
    for i in range(5):
        access_record(dossier=dossier, actor=actor, channel="web", ip=f"10.0.0.{i}")
    assert list(AccessLog.objects.order_by("id").values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert audit_verify() == []
    return dossier


@pytest.mark.django_db
@pytest.mark.parametrize(("column", "value"), [
    ("actor_id", None), ("channel", "api"), ("ip", "10.9.9.9"), ("dossier_id", 999999),
    ("at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
])
def test_an_edited_read_is_found(reads, column, value):
    if column == "actor_id":
        value = UserFactory().pk
    cast = "CAST(%s AS inet)" if column == "ip" and _pg() else "%s"
    sql(f"UPDATE {A} SET {column} = {cast} WHERE seq = 2", [value])
    assert first(audit_verify()) == ("access", "edited", 2)


@pytest.mark.django_db
def test_a_deleted_read_is_found(reads):
    sql(f"DELETE FROM {A} WHERE seq = 3")
    assert first(audit_verify()) == ("access", "deleted", 4)


@pytest.mark.django_db
def test_the_newest_reads_deleted_are_found(reads, actor):
    audit_checkpoint()
    sql(f"DELETE FROM {A} WHERE seq >= 4")
    assert first(audit_verify()) == ("access", "deleted", 5)
    sql(f"UPDATE {H} SET seq = 3 WHERE name = 'access'")
    assert ("access", "deleted", 5) in kinds(audit_verify())  # the checkpoint sealed #5


@pytest.mark.django_db
def test_a_forged_read_is_found(reads):
    base = row(A, "seq = 5")
    base.pop("id")
    base.update(seq=6, mac=sha256_like_before("", {"seq": 6}))
    sql(f"INSERT INTO {A} ({', '.join(base)}) VALUES ({', '.join('%s' for _ in base)})",
        list(base.values()))
    assert first(audit_verify()) == ("access", "inserted", 6)
    sql(f"UPDATE {H} SET seq = 6 WHERE name = 'access'")
    assert first(audit_verify()) == ("access", "edited", 6)


@pytest.mark.django_db
def test_swapped_reads_are_found(reads):
    sql(f"UPDATE {A} SET seq = -1 WHERE seq = 2")
    sql(f"UPDATE {A} SET seq = 2 WHERE seq = 3")
    sql(f"UPDATE {A} SET seq = 3 WHERE seq = -1")
    assert first(audit_verify()) == ("access", "reordered", 2)
