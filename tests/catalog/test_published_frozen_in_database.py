"""A published version cannot be changed by any write, not only by ``save()``."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from motcua.catalog.models import (
    Fee,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    VersionStatus,
)
from tests.factories import UnitFactory, published_procedure

pytestmark = pytest.mark.django_db


def refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


@pytest.fixture
def version():
    return published_procedure(agency=UnitFactory())


def test_published_version_content_is_refused_by_the_database(version):
    rows = ProcedureVersion.objects.filter(pk=version.pk)
    refused(lambda: rows.update(name="Tên khác"))
    refused(lambda: rows.update(legal_time_value=1))
    refused(lambda: rows.update(status=VersionStatus.DRAFT, name="Tên khác"))
    refused(lambda: rows.update(status=VersionStatus.DRAFT))  # back to draft, then edit: no
    assert rows.get().name == version.name


def test_status_may_still_move_on(version):
    ProcedureVersion.objects.filter(pk=version.pk).update(status=VersionStatus.RETIRED)
    assert ProcedureVersion.objects.get(pk=version.pk).status == VersionStatus.RETIRED


def test_parts_of_a_published_version_are_frozen(version):
    doc = version.documents.first()
    refused(lambda: RequiredDocument.objects.filter(pk=doc.pk).update(name="Khác"))
    refused(lambda: RequiredDocument.objects.filter(pk=doc.pk).delete())
    refused(lambda: RequiredDocument.objects.bulk_create(
        [RequiredDocument(version=version, order=9, name="Thêm")]))
    refused(lambda: Fee.objects.bulk_create([Fee(version=version, name="Lệ phí", amount=1000)]))
    step = version.steps.first()
    refused(lambda: ProcessStep.objects.filter(pk=step.pk).update(hours=99))


def test_a_draft_stays_editable():
    draft = ProcedureVersion.objects.create(
        procedure=published_procedure(agency=UnitFactory()).procedure, number=2, name="Dự thảo",
        field_id=ProcedureVersion.objects.first().field_id,
        agency=UnitFactory(), level="tinh",
    )
    ProcedureVersion.objects.filter(pk=draft.pk).update(name="Dự thảo sửa")
    RequiredDocument.objects.bulk_create([RequiredDocument(version=draft, order=1, name="Đơn")])
    RequiredDocument.objects.filter(version=draft).update(name="Đơn đề nghị")
    RequiredDocument.objects.filter(version=draft).delete()
