"""Publishing and drafting versions (công bố, tạo phiên bản mới)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from motcua.audit.models import AuditEvent
from motcua.audit.services import audit_verify
from motcua.catalog.models import Fee, ProcedureVersion, VersionStatus
from motcua.catalog.services import procedure_version_new_draft, procedure_version_publish
from motcua.core.errors import Conflict
from tests.factories import (
    CenterFactory,
    UnitFactory,
    UserFactory,
    publish_version,
    published_procedure,
    vn,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    center = CenterFactory()
    version = published_procedure(agency=UnitFactory(), receiving_units=[center], fee_text="50.000",
                                  publish=False)
    version.documents.filter(order=2).update(mandatory=False, condition="nếu có")
    Fee.objects.create(version=version, name="Lệ phí", amount=50000)
    publish_version(version)
    return version


def test_new_draft_copies_content_documents_fees_steps_and_units(version):
    actor = UserFactory()
    draft = procedure_version_new_draft(actor=actor, procedure=version.procedure)

    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert draft.published_at is None
    assert (draft.name, draft.fee_text, draft.legal_time_value) == (
        version.name, "50.000", version.legal_time_value,
    )
    assert list(draft.receiving_units.all()) == list(version.receiving_units.all())
    columns = ("order", "name", "mandatory", "condition")
    assert list(draft.documents.values_list(*columns)) == list(
        version.documents.values_list(*columns)
    )
    assert list(draft.steps.values_list("order", "name", "role", "hours")) == list(
        version.steps.values_list("order", "name", "role", "hours")
    )
    assert list(draft.fees.values_list("name", "amount")) == [("Lệ phí", 50000)]
    # The version in force is untouched until the draft is published.
    version.procedure.refresh_from_db()
    assert version.procedure.current_id == version.pk
    event = AuditEvent.objects.get(event_type="catalog.version_drafted")
    assert (event.chain, event.actor, event.data["from"]) == ("catalog", actor, 1)


def test_draft_is_editable_and_publishing_retires_the_previous_version(version):
    draft = procedure_version_new_draft(actor=None, procedure=version.procedure)
    draft.legal_time_value = Decimal(10)
    draft.save()
    draft.documents.filter(order=1).delete()

    with time_machine.travel(vn(2026, 3, 2, 9, 30), tick=False):
        published = procedure_version_publish(actor=UserFactory(), version=draft)

    assert published.status == VersionStatus.PUBLISHED
    assert published.published_at == vn(2026, 3, 2, 9, 30)
    version.refresh_from_db()
    version.procedure.refresh_from_db()
    assert version.status == VersionStatus.RETIRED
    assert version.procedure.current_id == draft.pk
    assert version.legal_time_value == Decimal(15) and version.documents.count() == 2
    with pytest.raises(ValidationError):
        published.name = "Sửa sau khi công bố"
        published.save()
    assert audit_verify() == []


def test_only_one_draft_at_a_time(version):
    procedure_version_new_draft(actor=None, procedure=version.procedure)
    with pytest.raises(Conflict) as info:
        procedure_version_new_draft(actor=None, procedure=version.procedure)
    assert info.value.code == "draft_exists"
    assert version.procedure.versions.count() == 2


def test_publishing_a_published_version_is_refused(version):
    with pytest.raises(Conflict) as info:
        procedure_version_publish(actor=None, version=version)
    assert info.value.code == "version_not_draft"


def test_a_draft_overtaken_by_a_newer_version_cannot_be_published(version):
    stale = procedure_version_new_draft(actor=None, procedure=version.procedure)
    # Meanwhile a newer version is published (as an import would do).
    newer = ProcedureVersion.objects.create(
        procedure=version.procedure, number=3, name="Mới hơn", field=version.field,
        agency=version.agency, level=version.level,
    )
    procedure_version_publish(actor=None, version=newer)
    with pytest.raises(Conflict) as info:
        procedure_version_publish(actor=None, version=stale)
    assert info.value.code == "version_outdated"
    stale.refresh_from_db()
    assert stale.status == VersionStatus.DRAFT
