"""dossiers.permissions: who may see a dossier and take which action, decided once."""

from __future__ import annotations

import pytest

from motcua.dossiers import permissions, services
from motcua.dossiers.models import Apology
from motcua.org.models import UnitKind
from tests.factories import UnitFactory, UserFactory, vn


@pytest.mark.django_db
def test_can_view_dossier(world, bring):
    d = bring("interagency")
    assert permissions.can_view_dossier(world.receptionist, d)
    assert permissions.can_view_dossier(world.manager, d)
    assert permissions.can_view_dossier(world.specialist, d)
    assert permissions.can_view_dossier(world.partner_specialist, d)
    assert not permissions.can_view_dossier(world.foreign_leader, d)
    assert not permissions.can_view_dossier(UserFactory(), d)
    assert permissions.can_view_dossier(UserFactory(is_superuser=True), d)


@pytest.mark.django_db
def test_apology_actions_are_offered_exactly_while_allowed(world, bring):
    UnitFactory(kind=UnitKind.PROVINCE, name="UBND tỉnh Đắk Lắk")
    d = bring("appraising")
    assert "apologise" in permissions.allowed_actions(world.leader, d)
    assert "apologise" not in permissions.allowed_actions(world.specialist, d)
    services.dossier_perform(
        actor=world.leader, dossier=d, action="apologise", reason="Chậm",
        new_due_at=vn(2026, 3, 12, 16, 0), at=vn(2026, 3, 4, 8, 0),
    )
    apology = Apology.objects.get(dossier=d)
    d.refresh_from_db()
    # Re-appointed once: no second apology, for anyone.
    assert not permissions.can_apologise(world.leader, d)
    assert permissions.may_apologise(world.leader, d)
    leader = permissions.allowed_actions(world.leader, d, apology)
    manager = permissions.allowed_actions(world.manager, d, apology)
    assert leader[-2:] == ["record_explanation", "escalate"]
    assert "escalate" in manager and "record_explanation" not in manager
    for user in (world.specialist, world.foreign_leader):
        assert not set(permissions.allowed_actions(user, d, apology)) & set(
            permissions.APOLOGY_ACTIONS)
        assert not permissions.may_take_apology_action(user, d, apology, "escalate")
    # Once done, neither is offered again; the services agree on who (one rule).
    services.dossier_perform(actor=world.manager, dossier=d, action="escalate")
    services.dossier_perform(actor=world.leader, dossier=d, action="record_explanation",
                             explanation="Thiếu ý kiến Sở Tài chính")
    apology.refresh_from_db()
    assert "escalate" not in permissions.allowed_actions(world.leader, d, apology)
    assert "record_explanation" not in permissions.allowed_actions(world.leader, d, apology)


@pytest.mark.django_db
def test_can_act_is_what_allowed_actions_lists(world, bring):
    d = bring("awaiting_approval")
    assert permissions.can_act(world.leader, d, "approve")
    assert not permissions.can_act(world.specialist, d, "approve")
    assert not permissions.can_act(world.leader, d, "assign")  # not from this state
    assert not permissions.can_act(world.leader, d, "close_supplement")  # system only
    assert not permissions.can_act(world.leader, d, "no_such_action")


@pytest.mark.django_db
def test_perform_without_apology_is_a_clear_error(world, bring):
    from motcua.core.errors import InvalidInput

    d = bring("appraising")
    with pytest.raises(InvalidInput) as err:
        services.dossier_perform(actor=world.manager, dossier=d, action="escalate")
    assert err.value.code == "no_apology"


@pytest.mark.django_db
def test_can_act_agrees_with_the_actor_check_for_every_action_status_and_user(world, bring):
    """``can_act`` (``offered_from`` per status, no refusal built) answers what the table and
    ``check_transition_actor`` answer, for every action, from every status, for every officer;
    ``allowed_actions`` lists them in table order."""
    from motcua.core.errors import NotAllowed
    from motcua.dossiers.transitions import TRANSITIONS
    from tests.dossiers.conftest import PATHS, staff_of

    def reference(user, dossier, action):
        transition = TRANSITIONS[action]
        if transition.system_only or transition.by_applicant:
            return False
        if not transition.allowed_from(dossier.status):
            return False
        if (action == permissions.RECEPTION_SUPPLEMENT
                and permissions.reception_supplement_used(dossier)):
            return False
        try:
            permissions.check_transition_actor(user, transition, dossier)
        except NotAllowed:
            return False
        return True

    users = [*staff_of(world), UserFactory(is_superuser=True), UserFactory()]
    seen = set()
    for status in sorted(PATHS):
        d = bring(status)
        for user in users:
            expected = [a for a in TRANSITIONS if reference(user, d, a)]
            assert [a for a in TRANSITIONS if permissions.can_act(user, d, a)] == expected
            assert [a for a in permissions.allowed_actions(user, d)
                    if a in TRANSITIONS] == expected
            seen.update(expected)
    assert len(seen) > 10
