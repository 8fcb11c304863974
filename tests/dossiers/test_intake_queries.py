"""Intake cost guards (issue #6): how many queries one ``POST /api/v1/dossiers`` makes, and how
many of them run inside the transaction (on SQLite it holds the write lock, so every statement
there delays every other intake). Counts, never timings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog.models import Fee
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.serializers import DossierDetailSerializer
from motcua.org import calendars
from motcua.org.models import CalendarOverride, UnitKind
from tests.dossiers.conftest import APPLICANT, documents_for
from tests.dossiers.test_api import client_for, intake_body
from tests.factories import UnitFactory, publish_version, published_procedure, vn

# The change counter, token and memberships (3; the counter is also what the intake's
# per-process catalog entries are checked against, issue #18: the receiving unit, the version
# with procedure/agency/field, its parts and receiving units are read once per process and
# change-counter value), calendar fingerprint (1); in the transaction (savepoint/release under
# the test's transaction): code (1), dossier, documents, steps (3), current step (1), history
# (1), ledger (one upsert of all its rows, new state: 2; a new dossier has no state nor older
# history to read, issue #18), audit (3: the log's head number, the chain's last MAC, the event;
# issue 12 — the head replaced PostgreSQL's advisory lock and added one statement on SQLite);
# the applicant's notice (1: one INSERT of the outbox rows, written in the transaction so a
# rolled-back intake sends nothing, issue 13; the citizen's channel choice is read before the
# transaction since issue #18; the center's templates come from the cache).
# Before issue #6: 56 for this procedure (6 steps, 2 documents, a fee), 38 in the transaction;
# before issue #18's round two: 22 (receiving unit, version, receiving units read each time).
# 17 after the sign-in is cached (tests/accounts/test_auth_cache.py).
MAX_QUERIES = 19
MAX_IN_TRANSACTION = 12


@pytest.fixture
def province_world(world):
    """The center and agency under a province (the calendar walks ancestors), a fee."""
    province = UnitFactory(kind=UnitKind.PROVINCE, code="000.00.00.H15", name="Tỉnh")
    for unit in (world.center, world.agency):
        unit.parent = province
        unit.save(update_fields=["parent"])
    world.version = published_procedure(
        agency=world.agency, receiving_units=[world.center], time_value=5, code="1.900001",
        publish=False,
    )
    # A fee is part of the version, so it is written before publishing (the database refuses
    # a part added to a published version).
    Fee.objects.create(version=world.version, name="Lệ phí", amount=50000)
    publish_version(world.version)
    return world



def _poster(world, id_number):
    """The request, ready to send: building the body and the token is not the intake's cost."""
    body = intake_body(world, applicant=dict(APPLICANT, id_number=id_number))
    client = client_for(world.receptionist)
    return lambda: client.post("/api/v1/dossiers", body, format="json")


def _post(world, id_number):
    return _poster(world, id_number)()


def _in_transaction(queries) -> list[str]:
    sqls = [q["sql"] for q in queries]
    start = next(i for i, s in enumerate(sqls) if s.startswith(("SAVEPOINT", "BEGIN")))
    end = next(i for i, s in enumerate(sqls) if s.startswith(("RELEASE SAVEPOINT", "COMMIT")))
    return sqls[start + 1:end]


@pytest.mark.django_db
def test_one_intake_query_budget(province_world, frozen, django_assert_max_num_queries):
    w = province_world
    assert _post(w, "066090001234").status_code == 201  # warms the calendar cache
    post = _poster(w, "066090001235")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = post()
    assert response.status_code == 201, response.json()


@pytest.mark.django_db
def test_intake_reads_units_and_calendar_once_and_writes_steps_in_one_statement(
    province_world, frozen
):
    w = province_world
    assert _post(w, "066090001234").status_code == 201
    post = _poster(w, "066090001235")
    with CaptureQueriesContext(connection) as ctx:
        assert post().status_code == 201
    sqls = [q["sql"] for q in ctx.captured_queries]
    # The unit and the catalog come from the process's entries at this change counter.
    assert not any('FROM "org_unit"' in s or 'FROM "catalog_' in s for s in sqls), sqls
    assert sum("org_calendaroverride" in s or "org_workschedule" in s for s in sqls) == 1
    assert sum(s.startswith('INSERT INTO "dossiers_dossierstep"') for s in sqls) == 1
    assert not any(s.startswith('UPDATE "dossiers_dossierstep"') for s in sqls)
    # The answer is built from the rows just written: nothing is read back after the commit.
    after = sqls[max(i for i, s in enumerate(sqls) if s.startswith(("RELEASE", "COMMIT"))) + 1:]
    assert after == []
    inside = _in_transaction(ctx.captured_queries)
    assert len(inside) <= MAX_IN_TRANSACTION, "\n".join(inside)
    # Catalog, calendar and the citizen's channel choice are read before the lock is taken.
    assert not any("catalog_" in s or "org_" in s or "notificationpreference" in s
                   for s in inside), "\n".join(inside)
    assert any("notificationpreference" in s for s in sqls)


@pytest.mark.django_db
def test_intake_answer_is_the_stored_detail(province_world, frozen):
    w = province_world
    response = _post(w, "066090001234")
    assert response.status_code == 201
    body = response.json()
    assert len(body["steps"]) == 6 and len(body["documents"]) == 2 and len(body["history"]) == 1
    stored = Dossier.objects.get(code=body["code"])
    request = type("R", (), {"user": w.receptionist})()
    assert body == _json(DossierDetailSerializer(stored, context={"request": request}).data)


def _json(data):
    import json

    from rest_framework.utils.encoders import JSONEncoder

    return json.loads(json.dumps(data, cls=JSONEncoder))


@pytest.mark.django_db
def test_calendar_is_one_query_when_warm_and_sees_a_new_override(province_world):
    center = province_world.center
    calendars.unit_calendar(center)
    with CaptureQueriesContext(connection) as ctx:
        calendars.unit_calendar(center)
    assert len(ctx.captured_queries) == 1
    day = dt.date(2026, 3, 4)
    assert calendars.calendar_for_unit(center).is_working_day(day)
    # Written as another process would (no signal in this one): the fingerprint sees it.
    CalendarOverride.objects.bulk_create(
        [CalendarOverride(unit=center.parent, date=day, kind="day_off", name="Tỉnh nghỉ")]
    )
    assert not calendars.calendar_for_unit(center).is_working_day(day)


@pytest.mark.django_db
def test_an_override_added_after_intakes_moves_the_next_due(province_world, receive):
    w = province_world
    first = receive(at=vn(2026, 3, 2, 8, 0))
    assert first.due_at == vn(2026, 3, 9, 8, 0)
    CalendarOverride.objects.create(
        unit=w.center.parent, date=dt.date(2026, 3, 4), kind="day_off", name="Tỉnh nghỉ"
    )
    second = receive(at=vn(2026, 3, 2, 8, 0))
    assert second.due_at == vn(2026, 3, 10, 8, 0)


@pytest.mark.django_db
def test_service_does_not_leave_prefetched_lists_on_the_callers_version(province_world):
    w = province_world
    version = w.version
    services.dossier_receive(
        actor=w.receptionist, procedure_version=version, receiving_unit=w.center,
        applicant=APPLICANT, documents=documents_for(version), at=vn(2026, 3, 2, 8, 0),
    )
    assert not getattr(version, "_prefetched_objects_cache", {})


@pytest.mark.django_db
def test_a_new_version_is_read_afresh(province_world, frozen):
    """The per-process copy of a version's parts is keyed by version and publication, and
    dropped when any version or part is saved, so a new version never meets an old copy."""
    w = province_world
    assert _post(w, "066090001234").status_code == 201
    w.version = published_procedure(
        agency=w.agency, receiving_units=[w.center], time_value=5, code="1.900002",
        documents=(("Tờ khai", True),), steps=[("Tiếp nhận", "reception", 1)],
    )
    response = _post(w, "066090001235")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [d["name"] for d in body["documents"]] == ["Tờ khai"]
    assert [s["name"] for s in body["steps"]] == ["Tiếp nhận"]


@pytest.mark.django_db
def test_the_ledger_reads_nothing_for_a_new_dossier_and_matches_a_rebuild(province_world, frozen):
    from motcua.reports.aggregates import ledger_rebuild, ledger_snapshot, ledger_state_snapshot

    w = province_world
    assert _post(w, "066090001234").status_code == 201
    post = _poster(w, "066090001235")
    with CaptureQueriesContext(connection) as ctx:
        assert post().status_code == 201
    inside = _in_transaction(ctx.captured_queries)
    assert not any(s.startswith("SELECT") and ("reports_ledgerstate" in s
                                               or 'FROM "dossiers_statuschange"' in s)
                   for s in inside), "\n".join(inside)
    # What the intake hook wrote is what a replay of every dossier's history gives.
    kept, states = ledger_snapshot(), ledger_state_snapshot()
    assert kept and len(states) == 2
    ledger_rebuild(method="python")
    assert ledger_snapshot() == kept and ledger_state_snapshot() == states


# The intake's per-process entries (dossiers/services/catalog_cache.py) are checked against the
# change counter, which the database's triggers raise (migration dossiers.0013): each change
# below is written as another process would, with no signal in this one.


@pytest.mark.django_db
def test_a_unit_changed_elsewhere_is_seen_by_the_next_intake(province_world, frozen):
    from motcua.org.models import Unit

    w = province_world
    assert _post(w, "066090001234").status_code == 201
    Unit.objects.filter(pk=w.center.pk).update(kind=UnitKind.AGENCY)
    response = _post(w, "066090001235")
    assert response.status_code == 400
    assert response.json()["code"] == "unit_not_receiving"


@pytest.mark.django_db
def test_receiving_units_changed_elsewhere_are_seen_by_the_next_intake(province_world, frozen):
    w = province_world
    assert _post(w, "066090001234").status_code == 201
    through = w.version.receiving_units.through
    through.objects.filter(procedureversion_id=w.version.pk).delete()
    through.objects.create(procedureversion_id=w.version.pk,
                           unit_id=UnitFactory(kind=UnitKind.PROVINCIAL_CENTER).pk)
    response = _post(w, "066090001235")
    assert response.status_code == 400
    assert response.json()["code"] == "procedure_not_received_here"


@pytest.mark.django_db
def test_a_version_retired_elsewhere_is_refused_by_the_next_intake(province_world, frozen):
    from motcua.catalog.models import ProcedureVersion, VersionStatus

    w = province_world
    assert _post(w, "066090001234").status_code == 201
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {ProcedureVersion._meta.db_table} SET status = %s WHERE id = %s",
                       [VersionStatus.RETIRED, w.version.pk])
    response = _post(w, "066090001235")
    assert response.status_code == 400
    assert response.json()["code"] == "procedure_not_published"


@pytest.mark.django_db
def test_warm_entries_are_copies(province_world, frozen):
    """Each request gets its own copies of the kept unit and version: what one request sets on
    them is not seen by the next."""
    w = province_world
    first = services.intake_unit(w.center.code)
    first.name = "đổi trong một yêu cầu"
    assert services.intake_unit(w.center.code).name == w.center.name
    v1 = services.intake_version(procedure=w.version.procedure.code)
    v2 = services.intake_version(procedure=w.version.procedure.code)
    assert v1 is not v2 and v1.pk == v2.pk == w.version.pk
    assert [d.pk for d in v2.documents.all()] == [d.pk for d in w.version.documents.all()]
    assert services.intake_unit("không có") is None
    assert services.intake_version(procedure="không có") is None


@pytest.mark.django_db
def test_the_channel_choice_read_before_the_lock_still_decides(province_world, frozen, settings):
    """The citizen's choice is read before the transaction (issue #18), and still decides which
    of the citizen channels the intake's notice goes to."""
    from motcua.notifications.models import OutboxMessage
    from motcua.notifications.preferences import preference_set

    settings.MOTCUA_NOTIFICATION_CHANNELS = [
        "motcua.notifications.contrib.sms.SmsChannel",
        "motcua.notifications.contrib.zalo.ZaloChannel",
    ]
    w = province_world
    assert _post(w, "066090001111").status_code == 201
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["sms"]  # default
    OutboxMessage.objects.all().delete()
    preference_set(actor=None, id_number="066090001234", channels=["zalo"])
    assert _post(w, "066090001234").status_code == 201
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["zalo"]
