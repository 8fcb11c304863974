"""Migration 0005 on a database that already holds events and reads (written before the keyed
MAC): they are re-MACed as found, the old chains' state is recorded, and verify passes."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from motcua.audit.models import AccessLog, AuditEvent, AuditHead
from motcua.audit.services import audit_verify
from tests.audit.helpers import sql
from tests.factories import UserFactory, _CursorEditor

BEFORE = [("audit", "0003_access_log")]
legacy = importlib.import_module("motcua.audit.migrations.0005_mac_existing_rows")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _write_legacy(apps, actor_id, *, break_one=False):
    Event = apps.get_model("audit", "AuditEvent")
    Access = apps.get_model("audit", "AccessLog")
    prev: dict[str, str] = {}
    seqs: dict[str, int] = {}
    at = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    for i, chain in enumerate(["H1", "H2", "H1", "system", "H1"]):
        seqs[chain] = seqs.get(chain, 0) + 1
        event = Event(chain=chain, seq=seqs[chain], event_type="dossier.received",
                      actor_id=actor_id, actor_label="canbo", at=at + dt.timedelta(minutes=i),
                      channel="", ip=None, object_type="", object_id="", data={"i": i},
                      prev_hash=prev.get(chain, ""))
        event.hash = legacy._legacy_digest(event.prev_hash, event)
        if break_one and i == 2:
            event.data = {"i": 42}  # changed after hashing: the old check catches it
        event.save()
        prev[chain] = event.hash
    for i in range(3):
        Access.objects.create(dossier_id=1, actor_id=actor_id, at=at, channel="web",
                              ip=f"10.0.0.{i}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("break_one", [False, True])
def test_existing_rows_are_sealed_by_the_migration(break_one):
    actor = UserFactory()
    try:
        executor = _migrate(BEFORE)
        _write_legacy(executor.loader.project_state(BEFORE).apps, actor.pk, break_one=break_one)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    events = list(AuditEvent.objects.order_by("gseq"))
    assert [e.gseq for e in events] == [1, 2, 3, 4, 5, 6]
    assert [(e.chain, e.seq) for e in events][:5] == [("H1", 1), ("H2", 1), ("H1", 2),
                                                      ("system", 1), ("H1", 3)]
    rekeyed = events[-1]
    assert (rekeyed.event_type, rekeyed.chain, rekeyed.seq) == ("audit.rekeyed", "system", 2)
    assert rekeyed.data["events"] == 5 and rekeyed.data["access_rows"] == 3
    assert rekeyed.data["legacy_intact"] is (not break_one)
    if break_one:
        assert rekeyed.data["legacy_breaks"] == ["H1 #2: row content was changed"]
    assert list(AccessLog.objects.order_by("id").values_list("seq", flat=True)) == [1, 2, 3]
    assert AuditHead.objects.get(name="events").seq == 6
    assert audit_verify() == []
    # From now on the rows are protected like new ones.
    with transaction.atomic():  # the attacker's trigger switch (SET LOCAL) needs a transaction
        sql("UPDATE audit_auditevent SET actor_label = 'khác' WHERE gseq = 3")
    # On SQLite the attacker dropped the triggers for good (this test commits): put them back
    # for the tests that run after it on this database.
    importlib.import_module("motcua.audit.migrations.0006_append_only_in_database").forwards(
        django_apps, _CursorEditor(connection))
    assert [(p.kind, p.position) for p in audit_verify()] == [("edited", 3)]
