"""Rules the database itself refuses to break, whatever code (or person) writes the row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from motcua.catalog.models import StepRole
from motcua.dossiers.models import Dossier, DossierPause, DossierStep
from tests.dossiers.conftest import APPLICANT, actor_for, documents_for, params_for
from tests.factories import published_procedure, vn

pytestmark = pytest.mark.django_db


def refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_time_value_must_be_positive(bring):
    d = bring("received")
    refused(lambda: Dossier.objects.filter(pk=d.pk).update(time_value=0))
    refused(lambda: Dossier.objects.filter(pk=d.pk).update(time_value=-1))
    Dossier.objects.filter(pk=d.pk).update(time_value=None)  # a dossier without a limit yet


def test_postal_delivery_needs_an_address(bring):
    d = bring("received")
    refused(lambda: Dossier.objects.filter(pk=d.pk).update(delivery_method="post",
                                                            delivery_address=""))
    Dossier.objects.filter(pk=d.pk).update(delivery_method="post", delivery_address="12 Lê Duẩn")


def test_organisation_needs_a_tax_code(bring):
    d = bring("received")
    refused(lambda: Dossier.objects.filter(pk=d.pk).update(applicant_kind="organisation",
                                                            organisation_tax_code=""))
    Dossier.objects.filter(pk=d.pk).update(applicant_kind="organisation",
                                           organisation_tax_code="6000123456")


def test_one_open_pause_per_dossier(bring):
    d = bring("supplement_requested")
    assert d.pauses.filter(ended_at__isnull=True).count() == 1
    refused(lambda: DossierPause.objects.bulk_create([DossierPause(
        dossier=d, kind="payment", started_at=vn(2026, 3, 3, 8, 0), resume_status="received")]))
    # Closed pauses may be many.
    DossierPause.objects.bulk_create([DossierPause(
        dossier=d, kind="payment", started_at=vn(2026, 3, 1, 8, 0),
        ended_at=vn(2026, 3, 1, 9, 0), resume_status="received")])


def test_pause_cannot_end_before_it_starts(bring):
    d = bring("supplement_requested")
    pause = d.pauses.get()
    refused(lambda: DossierPause.objects.filter(pk=pause.pk).update(
        ended_at=pause.started_at - dt.timedelta(minutes=1)))


def test_step_cannot_finish_before_it_starts(bring):
    d = bring("assigned")
    step = d.steps.exclude(started_at=None).order_by("order").first()
    refused(lambda: DossierStep.objects.filter(pk=step.pk).update(
        finished_at=step.started_at - dt.timedelta(hours=1)))


def test_early_approval_of_chained_leader_steps_starts_no_later_than_it_ends(world):
    """A leader's "review" and "sign" steps are one approval; done early, the second step is
    stamped as started when it was done, not at the first step's (later) deadline."""
    from motcua.dossiers import services
    from motcua.dossiers.transitions import TRANSITIONS

    version = published_procedure(
        agency=world.agency, receiving_units=[world.center], time_value=10,
        steps=[
            ("Tiếp nhận", StepRole.RECEPTION, 0.5),
            ("Phân công", StepRole.LEADER, 0.5),
            ("Thẩm định", StepRole.SPECIALIST, 40),
            ("Xem xét", StepRole.LEADER, 16),
            ("Ký duyệt", StepRole.LEADER, 16),
            ("Ban hành", StepRole.CLERK, 0.5),
            ("Trả kết quả", StepRole.RECEPTION, 0.5),
        ],
    )
    at = vn(2026, 3, 2, 8, 0)
    dossier = services.dossier_receive(
        actor=world.receptionist, procedure_version=version, receiving_unit=world.center,
        applicant=APPLICANT, documents=documents_for(version), at=at,
    )
    for action in ["transfer", "assign", "start_appraisal", "submit_for_approval", "approve"]:
        at += dt.timedelta(minutes=30)
        actor = actor_for(world, TRANSITIONS[action], dossier)
        services.dossier_act(actor=actor, dossier=dossier, action=action, at=at,
                             **params_for(world, action))
        dossier.refresh_from_db()
    sign = dossier.steps.get(name="Ký duyệt")
    review = dossier.steps.get(name="Xem xét")
    assert sign.finished_at == at and sign.started_at <= sign.finished_at
    # Its own deadline is still chained from the review's, so lateness stays per step.
    assert sign.due_at > review.due_at
