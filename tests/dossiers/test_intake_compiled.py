"""The intake's compiled writes (issue #18, round three): ``dossier_receive`` prepares its rows
before the transaction and writes them with INSERTs compiled once per process
(``core.orm_speed.CompiledInsert``). These tests hold it to what the ORM path (``_insert`` and
``record_history``, still used when a compiled insert is not usable) wrote: every column of
every row of every table an intake touches, and that everything is still written in one
transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from motcua.audit.models import AuditEvent, AuditHead
from motcua.audit.services import audit_verify
from motcua.dossiers.models import (
    CodeSequence,
    Dossier,
    DossierDocument,
    DossierStep,
    StatusChange,
)
from motcua.dossiers.services import intake
from motcua.notifications.models import OutboxMessage
from motcua.reports.models import DailyStat, LedgerState
from tests.dossiers.conftest import APPLICANT
from tests.dossiers.test_api import client_for, intake_body
from tests.factories import published_procedure


class _Undo(Exception):
    pass


def _values(qs) -> list[dict]:
    return [dict(row) for row in qs.values()]


def snapshot(dossier: Dossier) -> dict[str, list[dict]]:
    """Every column of every row an intake of ``dossier`` wrote, the ids of its own new rows
    replaced by names (the same intake written twice gets other ids on PostgreSQL, whose
    sequences do not roll back) and the MAC left to ``audit_verify``, which depends on them."""
    steps = list(DossierStep.objects.filter(dossier=dossier).order_by("order", "id")
                 .values_list("id", flat=True))
    changes = list(StatusChange.objects.filter(dossier=dossier).order_by("id")
                   .values_list("id", flat=True))
    names = {("dossier", dossier.pk): "D"}
    names.update({("step", pk): f"S{i}" for i, pk in enumerate(steps)})
    names.update({("change", pk): f"C{i}" for i, pk in enumerate(changes)})

    def named(rows, **columns):
        out = []
        for row in rows:
            row = dict(row)
            for column, kind in columns.items():
                if kind == "drop":
                    row.pop(column)
                elif kind == "object":
                    row[column] = names.get(("dossier", int(row[column] or 0)), row[column])
                else:
                    row[column] = names.get((kind, row[column]), row[column])
            out.append(row)
        return out

    return {
        "dossier": named(_values(Dossier.objects.filter(pk=dossier.pk)), id="dossier",
                         current_step_id="step"),
        "documents": named(_values(DossierDocument.objects.filter(dossier=dossier)
                                   .order_by("id")), id="drop", dossier_id="dossier"),
        "steps": named(_values(DossierStep.objects.filter(dossier=dossier)
                               .order_by("order", "id")), id="step", dossier_id="dossier"),
        "history": named(_values(StatusChange.objects.filter(dossier=dossier).order_by("id")),
                         id="change", dossier_id="dossier", step_id="step"),
        "ledger_state": named(_values(LedgerState.objects.filter(dossier_id=dossier.pk)),
                              dossier_id="dossier", last_change_id="change"),
        "daily_stats": named(_values(DailyStat.objects.order_by("id")), id="drop"),
        "audit": named(_values(AuditEvent.objects.filter(chain=dossier.code).order_by("seq")),
                       id="drop", dossier_id="dossier", object_id="object", hash="drop"),
        "audit_head": _values(AuditHead.objects.order_by("name")),
        "outbox": named(_values(OutboxMessage.objects.filter(dossier_code=dossier.code)
                                .order_by("id")), id="drop"),
        "codes": named(_values(CodeSequence.objects.order_by("unit_code", "day")), id="drop"),
    }


def _orm_path(monkeypatch):
    """Make ``dossier_receive`` write through the ORM, as before the compiled inserts."""
    monkeypatch.setattr(intake, "_prepare", lambda *args, **kwargs: None)


def _both(monkeypatch, write):
    """``write()`` through the ORM path (rolled back), then through the compiled path, at the
    same frozen moment: (ORM rows, compiled rows, the compiled path's dossier)."""
    calls = []
    real_insert = intake._insert
    monkeypatch.setattr(intake, "_insert", lambda *a, **k: calls.append(1) or real_insert(*a, **k))
    with monkeypatch.context() as m:
        _orm_path(m)
        try:
            with transaction.atomic():
                first = write()
                orm = snapshot(first)
                raise _Undo
        except _Undo:
            pass
    assert calls == [1]  # the ORM path did run
    second = write()
    assert calls == [1]  # and the compiled one did not use it
    assert second.code == first.code  # the code sequence rolled back with the first write
    return orm, snapshot(second), second


@pytest.mark.django_db
@pytest.mark.parametrize("contact", ["email_and_phone", "phone_only", "none"])
def test_compiled_intake_writes_what_the_orm_wrote(world, receive, frozen, monkeypatch,
                                                   contact):
    applicant = dict(APPLICANT)
    if contact == "phone_only":
        applicant["email"] = ""
    elif contact == "none":
        applicant["email"] = applicant["phone"] = ""
    receive(applicant=applicant)  # the day's sequence, the ledger rows and the chains exist
    orm, compiled, dossier = _both(monkeypatch, lambda: receive(applicant=applicant))
    assert compiled["documents"] and compiled["steps"] and compiled["history"]
    assert compiled["ledger_state"] and compiled["audit"]
    assert bool(compiled["outbox"]) is (contact != "none")
    assert compiled == orm
    assert audit_verify() == []  # the MAC chain of the compiled path verifies
    assert dossier.current_step.pk == DossierStep.objects.filter(dossier=dossier) \
        .order_by("order", "id").first().pk


@pytest.mark.django_db
def test_compiled_intake_first_of_the_day(world, receive, frozen, monkeypatch):
    """The first intake of a day creates the code sequence row and new ledger rows."""
    orm, compiled, _ = _both(monkeypatch, receive)
    assert compiled == orm
    assert audit_verify() == []


@pytest.mark.django_db
def test_compiled_intake_without_documents_or_steps(world, receive, frozen, monkeypatch):
    """No checklist handed in (none is mandatory) and a version without steps: no current
    step, no UPDATE."""
    version = published_procedure(agency=world.agency, receiving_units=[world.center],
                                  time_value=5, documents=[("Đơn", False)], steps=[])
    orm, compiled, dossier = _both(monkeypatch, lambda: receive(version=version, documents=[]))
    assert compiled["documents"] == [] and compiled["steps"] == []
    assert dossier.current_step is None
    assert compiled == orm


@pytest.mark.django_db
def test_compiled_intake_answers_what_the_orm_path_answered(world, frozen, monkeypatch):
    """The API's answer, byte for byte."""
    body = intake_body(world, applicant=dict(APPLICANT))
    client = client_for(world.receptionist)

    def post():
        response = client.post("/api/v1/dossiers", body, format="json")
        assert response.status_code == 201, response.content
        return response

    with monkeypatch.context() as m:
        _orm_path(m)
        try:
            with transaction.atomic():
                first = post()
                raise _Undo
        except _Undo:
            pass
    second = post()
    # The answer names no row id (code, steps by order): the same bytes on both databases.
    assert '"id"' not in first.content.decode()
    assert first.content == second.content


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failing", ["history", "ledger", "audit"])
def test_a_failing_write_leaves_nothing(world, receive, monkeypatch, failing):
    """Every write is in the one transaction: a failure in a later write (the history row, the
    ledger's, the audit event) leaves no dossier, step, document, history, ledger, audit or
    outbox row, and gives the code back."""
    receive()
    before = {m.__name__: m.objects.count() for m in (
        Dossier, DossierStep, DossierDocument, StatusChange, LedgerState, AuditEvent,
        OutboxMessage)}
    stats = _values(DailyStat.objects.order_by("id"))
    codes = _values(CodeSequence.objects.order_by("id"))
    head = _values(AuditHead.objects.order_by("name"))

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    if failing == "history":
        monkeypatch.setattr(intake._HISTORY_INSERT, "insert", boom)
    elif failing == "ledger":
        from motcua.reports import aggregates

        monkeypatch.setattr(aggregates._NEW_STATE, "insert", boom)
    else:
        monkeypatch.setattr(intake, "audit_record", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        receive()
    after = {m.__name__: m.objects.count() for m in (
        Dossier, DossierStep, DossierDocument, StatusChange, LedgerState, AuditEvent,
        OutboxMessage)}
    assert after == before
    assert _values(DailyStat.objects.order_by("id")) == stats
    assert _values(CodeSequence.objects.order_by("id")) == codes
    assert _values(AuditHead.objects.order_by("name")) == head
    monkeypatch.undo()
    assert receive().code.endswith("-0002")  # the code was given back


@pytest.mark.django_db
def test_writes_are_in_the_transaction(world, frozen):
    """Every INSERT and UPDATE of the intake runs inside its transaction (between the
    savepoint the test's transaction makes of it and its release)."""
    body = intake_body(world, applicant=dict(APPLICANT, id_number="066090009999"))
    client = client_for(world.receptionist)
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/dossiers", body, format="json")
    assert response.status_code == 201
    sqls = [q["sql"] for q in queries]
    start = next(i for i, s in enumerate(sqls) if s.startswith(("SAVEPOINT", "BEGIN")))
    end = max(i for i, s in enumerate(sqls) if s.startswith(("RELEASE SAVEPOINT", "COMMIT")))
    writes = [i for i, s in enumerate(sqls) if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes and all(start < i < end for i in writes)


@pytest.mark.django_db
def test_a_save_receiver_gets_the_orm_path(world, receive, frozen):
    """A ``post_save`` receiver on a written model must be called: the intake then writes
    through ``save()`` as before (``CompiledInsert.usable``)."""
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((sender, created))

    post_save.connect(receiver, sender=Dossier, dispatch_uid="test-intake-compiled")
    try:
        assert not intake._DOSSIER_INSERT.usable()
        dossier = receive()
    finally:
        post_save.disconnect(dispatch_uid="test-intake-compiled", sender=Dossier)
    assert (Dossier, True) in seen
    assert intake._DOSSIER_INSERT.usable()
    assert Dossier.objects.filter(pk=dossier.pk, current_step__isnull=False).exists()
