"""Every transition of the table, from every allowed state; every refusal; every denial."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import Conflict, NotAllowed
from motcua.dossiers import permissions, services
from motcua.dossiers.models import StatusChange
from motcua.dossiers.states import NATIONAL_CODE, Status
from motcua.dossiers.transitions import TRANSITIONS, get_transition, table_markdown
from tests.dossiers.conftest import PATHS, actor_for, params_for, staff_of
from tests.factories import vn

REACHABLE = set(PATHS) | {"submitted"}

ALLOWED = sorted(
    (t.name, s)
    for t in TRANSITIONS.values()
    if not (t.system_only or t.by_applicant)
    for s in t.sources
    if s in REACHABLE
)


def test_every_user_transition_is_exercised_from_some_state():
    covered = {name for name, _ in ALLOWED}
    user_actions = {n for n, t in TRANSITIONS.items() if not (t.system_only or t.by_applicant)}
    assert user_actions - covered == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "source"), ALLOWED)
def test_allowed_transition(world, bring, action, source):
    dossier = bring(source)
    transition = TRANSITIONS[action]
    actor = actor_for(world, transition, dossier)
    assert actor is not None, f"no world user may {action} from {source}"
    # Everyone else is refused with a reason, and nothing is written.
    before = StatusChange.objects.count()
    events = dossier.audit_events.filter(event_type=f"dossier.{action}").count()
    for other in staff_of(world):
        if other == actor:
            continue
        permissions.forget(other)
        try:
            permissions.check_transition_actor(other, transition, dossier)
            continue  # also allowed by the table (e.g. a second role)
        except NotAllowed:
            pass
        with pytest.raises(NotAllowed) as err:
            services.dossier_act(actor=other, dossier=dossier, action=action,
                                 at=vn(2026, 3, 2, 15, 0), **params_for(world, action))
        assert err.value.code in {"role_not_allowed", "unit_not_allowed"}
    assert StatusChange.objects.count() == before

    result = services.dossier_act(actor=actor, dossier=dossier, action=action,
                                  at=vn(2026, 3, 2, 15, 0), **params_for(world, action))
    dossier.refresh_from_db()
    expected = transition.target or source_before_pause(result)
    assert dossier.status == expected
    assert dossier.national_status == NATIONAL_CODE[expected]
    change = dossier.status_changes.last()
    assert (change.action, change.from_status, change.to_status) == (action, source, expected)
    assert change.actor == actor
    assert change.due_at == dossier.due_at
    assert dossier.audit_events.filter(event_type=f"dossier.{action}").count() == events + 1


def source_before_pause(result):
    return result.dossier.pauses.order_by("-started_at").first().resume_status


@pytest.mark.django_db
@pytest.mark.parametrize("status", sorted(REACHABLE))
def test_disallowed_transitions_are_refused_with_the_state(world, bring, status):
    dossier = bring(status)
    refused = 0
    for transition in TRANSITIONS.values():
        if transition.allowed_from(status) or transition.system_only or transition.by_applicant:
            continue
        actor = actor_for(world, transition, dossier)
        if actor is None:
            continue
        with pytest.raises(Conflict) as err:
            services.dossier_act(actor=actor, dossier=dossier, action=transition.name,
                                 at=vn(2026, 3, 2, 15, 0), **params_for(world, transition.name))
        assert err.value.code == "transition_not_allowed"
        assert str(Status(status).label) in err.value.message
        assert transition.label in err.value.message
        refused += 1
        dossier.refresh_from_db()
        assert dossier.status == status
    assert refused > 0


@pytest.mark.django_db
@pytest.mark.parametrize("action", [n for n, t in TRANSITIONS.items() if t.by_applicant])
def test_applicant_actions_refuse_every_staff_member(world, bring, action):
    """The citizen's own actions (portal) are never taken by staff for them."""
    dossier = bring("submitted")
    for user in staff_of(world):
        with pytest.raises(NotAllowed) as err:
            services.dossier_act(actor=user, dossier=dossier, action=action)
        assert err.value.code == "applicant_only"


@pytest.mark.django_db
@pytest.mark.parametrize("action", [n for n, t in TRANSITIONS.items() if t.system_only])
def test_system_only_actions_refuse_every_user(world, bring, action):
    dossier = bring("supplement_requested")
    for user in staff_of(world):
        with pytest.raises(NotAllowed) as err:
            services.dossier_act(actor=user, dossier=dossier, action=action)
        assert err.value.code == "system_only"


def test_unknown_action_is_bad_input():
    with pytest.raises(Exception) as err:
        get_transition("fly")
    assert err.value.code == "unknown_action"


@pytest.mark.django_db
def test_allowed_actions_match_the_table(world, bring):
    dossier = bring("awaiting_approval")
    assert permissions.allowed_actions(world.leader, dossier) == [
        "return_for_rework", "approve", "refuse", "request_payment", "stop", "apologise",
    ]
    assert "approve" not in permissions.allowed_actions(world.specialist, dossier)
    assert permissions.allowed_actions(world.foreign_leader, dossier) == []


@pytest.mark.django_db
def test_full_lifecycle_records_steps_with_outcomes(world, bring):
    dossier = bring("returned")
    steps = list(dossier.steps.order_by("order"))
    assert [s.order for s in steps] == [1, 2, 3, 4, 5, 6]
    assert all(s.finished_at for s in steps)
    assert {s.outcome for s in steps} <= {"early", "on_time", "late"}
    assert dossier.current_step is None
    assert dossier.finished_at is not None and dossier.returned_at is not None
    assert dossier.returned_to == "Nguyễn Văn An"
    assert [c.to_status for c in dossier.status_changes.all()] == [
        "received", "transferred", "assigned", "appraising", "awaiting_approval", "signed",
        "issued", "result_ready", "returned",
    ]


@pytest.mark.django_db
def test_interagency_gives_partner_its_own_step_and_returns(world, bring):
    dossier = bring("interagency")
    partner_step = dossier.current_step
    assert dossier.current_unit == world.partner
    assert partner_step.unit == world.partner and partner_step.role == "partner"
    # 8 working hours from 10:00 Monday: 10:00 Tuesday.
    assert partner_step.due_at == partner_step.started_at + dt.timedelta(days=1)
    assert permissions.can_view_dossier(world.partner_specialist, dossier)
    with pytest.raises(NotAllowed):
        services.dossier_act(actor=world.specialist, dossier=dossier, action="interagency_done")
    services.dossier_act(actor=world.partner_specialist, dossier=dossier,
                         action="interagency_done", at=vn(2026, 3, 4, 9, 0))
    dossier.refresh_from_db()
    partner_step.refresh_from_db()
    assert dossier.status == "appraising" and dossier.current_unit == world.agency
    assert partner_step.outcome == "late"
    assert dossier.current_step.role == "specialist"


@pytest.mark.django_db
def test_refusal_after_the_deadline_is_refused(world, bring):
    dossier = bring("appraising")
    with pytest.raises(Conflict) as err:
        services.dossier_act(actor=world.leader, dossier=dossier, action="refuse",
                             reason="Không đủ điều kiện", at=dossier.due_at + dt.timedelta(hours=1))
    assert err.value.code == "refusal_after_deadline"


@pytest.mark.django_db
def test_approve_requires_a_result_and_records_unsigned(world, bring):
    dossier = bring("awaiting_approval")
    with pytest.raises(Exception) as err:
        services.dossier_act(actor=world.leader, dossier=dossier, action="approve")
    assert err.value.code == "result_file_required"
    result = services.dossier_act(actor=world.leader, dossier=dossier, action="approve",
                                  result_content=b"%PDF-1.4", result_number="123/GP")
    dossier.refresh_from_db()
    assert dossier.result_file.read() == b"%PDF-1.4"
    assert dossier.result_signed is False and dossier.result_number == "123/GP"
    assert result.data["signature_backend"] == "unsigned"


@pytest.mark.django_db
def test_withdraw_not_possible_once_result_issued(world, bring):
    dossier = bring("issued")
    with pytest.raises(Conflict) as err:
        services.dossier_act(actor=world.receptionist, dossier=dossier, action="withdraw")
    assert err.value.code == "transition_not_allowed"


def test_doc_has_the_current_table():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "dossiers.md").read_text()
    assert table_markdown() in doc, "regenerate the table in docs/dossiers.md"
