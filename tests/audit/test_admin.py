"""The append-only logs are readable in the admin and nothing more."""

import pytest
from django.contrib.auth import get_user_model

from motcua.audit.models import AccessLog
from tests.factories import UnitFactory, published_procedure, vn
from tests.reports.helpers import make_dossier


@pytest.fixture
def dossier_for_admin(db):
    center = UnitFactory(kind="center")
    version = published_procedure(agency=UnitFactory(kind="agency"), receiving_units=[center])
    return make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 20, 17),
                        receiving_unit=center)


@pytest.mark.django_db
def test_access_log_is_listed_read_only(client, dossier_for_admin):
    admin_user = get_user_model().objects.create_superuser("quantri", password="x")
    client.force_login(admin_user)
    AccessLog.objects.create(dossier=dossier_for_admin, actor=admin_user,
                             at=dossier_for_admin.received_at, channel="api", ip="10.0.0.1")
    page = client.get("/quan-tri/audit/accesslog/")
    assert page.status_code == 200
    assert dossier_for_admin.code in page.content.decode()
    assert client.get("/quan-tri/audit/accesslog/add/").status_code == 403
    row = AccessLog.objects.get()
    assert client.post(f"/quan-tri/audit/accesslog/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db
def test_checkpoints_are_listed_read_only(client):
    from django.db import transaction

    from motcua.audit.models import AuditCheckpoint
    from motcua.audit.services import audit_checkpoint, audit_record

    admin_user = get_user_model().objects.create_superuser("quantri", password="x")
    client.force_login(admin_user)
    with transaction.atomic():
        audit_record(actor=admin_user, event_type="test.event", chain="A")
    audit_checkpoint()
    assert client.get("/quan-tri/audit/auditcheckpoint/").status_code == 200
    assert client.get("/quan-tri/audit/auditevent/").status_code == 200
    assert client.get("/quan-tri/audit/auditcheckpoint/add/").status_code == 403
    row = AuditCheckpoint.objects.get()
    assert client.post(f"/quan-tri/audit/auditcheckpoint/{row.pk}/delete/",
                       {"post": "yes"}).status_code == 403
