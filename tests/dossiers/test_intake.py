"""Intake at the counter: code, due time, steps; guidance slip; refusal; bad input."""

from __future__ import annotations

import threading
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection

from motcua.catalog.models import StepRole, TimeUnit
from motcua.core.errors import InvalidInput, NotAllowed
from motcua.dossiers import services
from motcua.dossiers.models import (
    CodeSequence,
    CounterGuidance,
    Dossier,
    DossierDocument,
    DossierStep,
    StatusChange,
)
from motcua.org.models import Role, UnitKind
from tests.dossiers.conftest import APPLICANT, documents_for
from tests.factories import (
    CenterFactory,
    UnitFactory,
    publish_version,
    published_procedure,
    staff,
    vn,
)


def _counts():
    return (Dossier.objects.count(), DossierDocument.objects.count(), DossierStep.objects.count(),
            StatusChange.objects.count(), CodeSequence.objects.count())


@pytest.mark.django_db
def test_receive_creates_code_due_and_step_plan(world, receive):
    d = receive(at=vn(2026, 3, 2, 8, 0))
    assert d.code == "000.00.01.H15-260302-0001"
    assert d.status == "received" and d.national_status == 2
    assert d.competent_unit == world.agency and d.current_unit == world.center
    # 5 working days from Monday 08:00.
    assert d.due_at == vn(2026, 3, 9, 8, 0) == d.original_due_at
    assert d.rescheduled_due_at is None and d.clock_start == vn(2026, 3, 2, 8, 0)
    steps = list(d.steps.order_by("order"))
    assert len(steps) == 6 and d.current_step == steps[0]
    assert steps[0].unit == world.center and steps[1].unit == world.agency
    # Step deadlines are chained: each starts where the previous is due.
    assert steps[0].due_at == vn(2026, 3, 2, 8, 30)
    assert steps[1].due_at == vn(2026, 3, 2, 9, 0)
    assert d.documents.count() == 2
    second = receive(at=vn(2026, 3, 2, 9, 0))
    assert second.code.endswith("-260302-0002")
    next_day = receive(at=vn(2026, 3, 3, 9, 0))
    assert next_day.code.endswith("-260303-0001")
    assert d.audit_events.filter(event_type="dossier.received").count() == 1


@pytest.mark.django_db
def test_after_cutoff_counting_starts_next_morning(world, receive):
    d = receive(at=vn(2026, 3, 2, 15, 30))
    # Counting starts Tuesday 07:00; five working days end Monday 17:00.
    assert d.due_at == vn(2026, 3, 9, 17, 0)
    assert d.due_at == d.original_due_at


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"documents": []}, "document_missing", "documents"),
        ({"applicant": {**APPLICANT, "id_number": "12345"}}, "id_not_12_digits",
         "applicant.id_number"),
        ({"applicant": {**APPLICANT, "id_number": "003090001234"}}, "id_unknown_province",
         "applicant.id_number"),
        ({"applicant": {**APPLICANT, "birth_date": "2001-01-01"}}, "id_birth_year_mismatch",
         "applicant.id_number"),
        ({"applicant": {**APPLICANT, "gender": "female"}}, "id_gender_mismatch",
         "applicant.id_number"),
        ({"applicant": {**APPLICANT, "id_number": "123456789"}}, "cmnd_expired",
         "applicant.id_number"),
        ({"applicant": {**APPLICANT, "phone": "12345"}}, "phone_invalid", "applicant.phone"),
        ({"applicant": {**APPLICANT, "email": "khong-hop-le"}}, "email_invalid",
         "applicant.email"),
        ({"applicant": {**APPLICANT, "name": " "}}, "applicant_name_required", "applicant.name"),
        ({"delivery": {"method": "post"}}, "delivery_address_required", "delivery.address"),
        ({"channel": 7}, "channel_invalid", "channel"),
    ],
)
def test_bad_input_writes_nothing(world, receive, change, code, field):
    before = _counts()
    with pytest.raises(InvalidInput) as err:
        receive(**change)
    assert (err.value.code, err.value.field) == (code, field)
    assert err.value.message
    assert _counts() == before


@pytest.mark.django_db
def test_missing_document_is_named(world, receive):
    first = world.version.documents.order_by("order").first()
    docs = [d for d in documents_for(world.version) if d["required"] != first.pk]
    with pytest.raises(InvalidInput) as err:
        receive(documents=docs)
    assert first.name in err.value.message


@pytest.mark.django_db
def test_document_marked_not_provided_counts_as_missing(world, receive):
    docs = documents_for(world.version)
    docs[0]["provided_as"] = "none"
    with pytest.raises(InvalidInput) as err:
        receive(documents=docs)
    assert err.value.code == "document_missing"


@pytest.mark.django_db
def test_version_without_time_limit_cannot_be_received(world, receive):
    version = published_procedure(agency=world.agency, receiving_units=[world.center],
                                  time_value=1, publish=False)
    type(version).objects.filter(pk=version.pk).update(legal_time_value=None)
    version.refresh_from_db()
    publish_version(version)
    before = _counts()
    with pytest.raises(InvalidInput) as err:
        receive(version=version)
    assert err.value.code == "procedure_without_time_limit"
    assert _counts() == before


@pytest.mark.django_db
def test_wrong_role_and_wrong_unit_cannot_receive(world, receive):
    with pytest.raises(NotAllowed) as err:
        receive(actor=world.specialist)
    assert err.value.code == "role_not_allowed"
    with pytest.raises(NotAllowed) as err:
        receive(actor=world.foreign_receptionist)
    assert err.value.code == "unit_not_allowed"
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_unit_not_listed_for_the_procedure(world, receive):
    other = CenterFactory()
    staff(Role.RECEPTIONIST, other, username="tn2")
    from django.contrib.auth import get_user_model

    with pytest.raises(InvalidInput) as err:
        receive(actor=get_user_model().objects.get(username="tn2"), receiving_unit=other)
    assert err.value.code == "procedure_not_received_here"


@pytest.mark.django_db
def test_commune_procedure_is_decided_by_the_commune_owning_the_center(world):
    commune = UnitFactory(kind=UnitKind.COMMUNE, level="xa", name="Xã Ea Kao")
    center = CenterFactory(kind=UnitKind.COMMUNE_CENTER, level="xa", parent=commune)
    clerk = staff(Role.RECEPTIONIST, center, username="tnxa")
    version = published_procedure(agency=world.agency, level="xa", time_value=3)
    d = services.dossier_receive(
        actor=clerk, procedure_version=version, receiving_unit=center, applicant=APPLICANT,
        documents=documents_for(version), at=vn(2026, 3, 2, 8, 0),
    )
    assert d.competent_unit == commune
    assert d.steps.get(order=2).unit == commune


@pytest.mark.django_db
def test_five_on_site_keeps_every_step_at_the_center_same_day(world):
    version = published_procedure(
        agency=world.agency, receiving_units=[world.center], time_value=1,
        time_unit=TimeUnit.WORKING_HOURS, five_on_site=True,
        steps=[("Tiếp nhận", StepRole.RECEPTION, 0.25), ("Thẩm định", StepRole.SPECIALIST, 0.25),
               ("Ký", StepRole.LEADER, 0.25), ("Trả", StepRole.RECEPTION, 0.25)],
    )
    onsite_specialist = staff(Role.SPECIALIST, world.center, username="cvtaicho")
    d = services.dossier_receive(
        actor=world.receptionist, procedure_version=version, receiving_unit=world.center,
        applicant=APPLICANT, documents=documents_for(version), at=vn(2026, 3, 2, 15, 30),
    )
    # No cut-off for "5 tại chỗ" in working hours: 1 h from 15:30 ends the same day (with the
    # 15:00 cut-off it would be 08:00 the next morning).
    assert d.due_at == vn(2026, 3, 2, 16, 30)
    assert set(d.steps.values_list("unit", flat=True)) == {world.center.pk}
    at = vn(2026, 3, 2, 16, 0)
    services.dossier_act(actor=world.receptionist, dossier=d, action="transfer", at=at)
    d.refresh_from_db()
    assert d.current_unit == world.center
    services.dossier_act(actor=onsite_specialist, dossier=d, action="request_supplement",
                         items="Ảnh 4x6", at=at)
    with pytest.raises(NotAllowed):
        services.dossier_act(actor=world.specialist, dossier=d, action="complete_supplement",
                             at=at)


@pytest.mark.django_db
def test_refuse_at_reception_keeps_a_coded_dossier(world):
    before = Dossier.objects.count()
    d = services.dossier_refuse_at_reception(
        actor=world.receptionist, procedure_version=world.version, receiving_unit=world.center,
        applicant=APPLICANT, reason="Không thuộc thẩm quyền", at=vn(2026, 3, 2, 8, 0),
    )
    assert Dossier.objects.count() == before + 1
    assert d.status == "refused_at_reception" and d.national_status == 3
    assert d.code.endswith("-260302-0001")
    assert d.received_at is None and d.finished_at == vn(2026, 3, 2, 8, 0)
    with pytest.raises(InvalidInput):
        services.dossier_refuse_at_reception(
            actor=world.receptionist, procedure_version=world.version,
            receiving_unit=world.center, applicant=APPLICANT, reason=" ")
    with pytest.raises(NotAllowed):
        services.dossier_refuse_at_reception(
            actor=world.leader, procedure_version=world.version,
            receiving_unit=world.center, applicant=APPLICANT, reason="x")


@pytest.mark.django_db
def test_guidance_slip_has_no_dossier(world):
    g = services.counter_guidance_issue(
        actor=world.receptionist, procedure_version=world.version, receiving_unit=world.center,
        applicant={"name": "Trần Thị Bình", "phone": "0987654321"},
        items="Bổ sung bản vẽ thiết kế", at=vn(2026, 3, 2, 8, 0),
    )
    assert CounterGuidance.objects.count() == 1 and Dossier.objects.count() == 0
    assert g.items == "Bổ sung bản vẽ thiết kế" and g.issued_by == world.receptionist
    with pytest.raises(InvalidInput) as err:
        services.counter_guidance_issue(
            actor=world.receptionist, procedure_version=world.version,
            receiving_unit=world.center, applicant={"name": "B"}, items="")
    assert err.value.code == "items_required"
    with pytest.raises(NotAllowed):
        services.counter_guidance_issue(
            actor=world.foreign_receptionist, procedure_version=world.version,
            receiving_unit=world.center, applicant={"name": "B"}, items="x")


@pytest.mark.django_db
def test_organisation_applicant(world, receive):
    org = {"kind": "organisation", "name": "Công ty TNHH An Phát", "tax_code": "6000123456",
           "representative_name": "Lê Văn Cường", "phone": "02623812345"}
    d = receive(applicant=org)
    assert d.organisation_tax_code == "6000123456" and d.applicant_id_number == ""
    with pytest.raises(InvalidInput) as err:
        receive(applicant={**org, "tax_code": "12"})
    assert err.value.code == "tax_code_invalid"


@pytest.mark.django_db
def test_online_submission_then_receive_starts_the_clock(world, bring):
    d = bring("submitted")
    assert d.status == "submitted" and d.national_status == 1 and d.due_at is None
    services.dossier_act(actor=world.receptionist, dossier=d, action="receive",
                         at=vn(2026, 3, 3, 8, 0))
    d.refresh_from_db()
    assert d.status == "received" and d.received_at == vn(2026, 3, 3, 8, 0)
    assert d.due_at == vn(2026, 3, 10, 8, 0)
    assert d.steps.count() == 6


@pytest.mark.django_db(transaction=True)
def test_codes_unique_under_concurrent_intake(world):
    n = 20
    errors: list[BaseException] = []
    codes: list[str] = []
    barrier = threading.Barrier(n)

    def work():
        try:
            barrier.wait(timeout=30)
            d = services.dossier_receive(
                actor=world.receptionist, procedure_version=world.version,
                receiving_unit=world.center, applicant=APPLICANT,
                documents=documents_for(world.version), at=vn(2026, 3, 2, 8, 0),
            )
            codes.append(d.code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(codes) == n == len(set(codes)) == Dossier.objects.count()
    assert sorted(int(c[-4:]) for c in codes) == list(range(1, n + 1))
    assert CodeSequence.objects.get().last == n


def test_decimal_time_limits_are_supported():
    from motcua.dossiers.deadlines import duration_of

    assert duration_of(Decimal("0.5"), TimeUnit.WORKING_DAYS).value == Fraction(1, 2)
    assert duration_of(Decimal("4.00"), TimeUnit.WORKING_HOURS).value == 4
    assert duration_of(Decimal("30"), TimeUnit.CALENDAR_DAYS).value == 30
