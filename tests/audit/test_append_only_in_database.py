"""Audit rows cannot be changed or removed by the application or by a plain SQL statement."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from motcua.audit.models import AccessLog, AppendOnlyError, AuditCheckpoint, AuditEvent
from motcua.audit.services import access_record, audit_checkpoint
from tests.audit.helpers import record
from tests.factories import UnitFactory, UserFactory, published_procedure, vn
from tests.reports.helpers import make_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    actor = UserFactory()
    center = UnitFactory(kind="center")
    version = published_procedure(agency=UnitFactory(kind="agency"), receiving_units=[center])
    dossier = make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 20, 17),
                           receiving_unit=center)
    access_record(dossier=dossier, actor=actor, channel="web", ip="10.0.0.1")
    return record(actor, "A", 2)


def refused_sql(statement):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


@pytest.mark.parametrize("table", ["audit_auditevent", "audit_accesslog", "audit_auditcheckpoint"])
def test_the_database_refuses_updates_and_deletes(events, table):
    audit_checkpoint()
    refused_sql(f"UPDATE {table} SET id = id")
    refused_sql(f"DELETE FROM {table}")


@pytest.mark.parametrize("model", [AuditEvent, AccessLog, AuditCheckpoint])
def test_querysets_refuse_bulk_changes(events, model):
    with pytest.raises(AppendOnlyError):
        model.objects.all().update(id=1)
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        model.objects.bulk_update(list(model.objects.all()), ["id"])


def test_rows_are_still_appended(events):
    assert AuditEvent.objects.filter(chain="A").count() == 2
