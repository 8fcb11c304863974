"""Who may see a dossier and take which action on it (phân quyền hồ sơ): the one owner of
these rules. Services check with them, the API and the staff pages offer exactly the actions
``allowed_actions`` lists, so a button is shown exactly when the action is allowed.

Built on the membership rules of ``motcua.org.permissions`` (re-exported here, so dossier code
needs one import): a staff member acts only in the units where they hold a membership valid
today. Two questions are kept apart for every action: *who* may take it (role in a unit: a
refusal is 403) and *when* (the dossier's state: a refusal is 409).
"""

from __future__ import annotations

import functools

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import NotAllowed
from motcua.dossiers.transitions import (
    COMPETENT,
    CURRENT,
    PROCESSING,
    RECEIVING,
    TRANSITIONS,
    Transition,
)
from motcua.org.models import Role
from motcua.org.permissions import (  # noqa: F401 - re-exported for dossier code
    forget,
    has_role,
    is_staff_member,
    memberships,
    roles_in,
    staff_units,
)

# Actions that do not change the status (an apology and what follows it), after the table's.
APOLOGY_ACTIONS = ("apologise", "record_explanation", "escalate")


def dossier_unit_ids(dossier) -> set[int]:
    """Receiving, competent and current unit, and every unit that holds a step of it."""
    from motcua.dossiers.models import DossierStep

    ids = {dossier.receiving_unit_id, dossier.competent_unit_id, dossier.current_unit_id}
    if dossier.pk:
        ids |= set(DossierStep.objects.filter(dossier=dossier).values_list("unit_id", flat=True))
    return ids


def can_view_dossier(user, dossier) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(staff_units(user) & dossier_unit_ids(dossier))


# Roles that see an applicant's identity and contact data (số định danh, ngày sinh, điện thoại,
# thư điện tử, địa chỉ thường trú) and print the forms that carry them. Not the courier (nhân
# viên bưu chính): delivering a result needs the code, where it goes, the recipient's name and
# the delivery address, nothing more (least privilege; issue 12 §5).
PERSONAL_DATA_ROLES = frozenset({
    Role.RECEPTIONIST, Role.SPECIALIST, Role.LEADER, Role.CENTER_MANAGER, Role.ADMINISTRATOR,
})


def can_view_personal_data(user, dossier, unit_ids: set[int] | None = None) -> bool:
    """May ``user`` see the applicant's personal data of ``dossier``: a personal-data role in
    one of the dossier's units (``unit_ids``: those units when the caller has them already)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    units = dossier_unit_ids(dossier) if unit_ids is None else unit_ids
    return any(u in units and r in PERSONAL_DATA_ROLES for u, r in memberships(user))


def has_personal_data_role(user, unit) -> bool:
    """A personal-data role in ``unit`` (the register of a unit lists its applicants)."""
    unit_id = unit if isinstance(unit, int) or unit is None else unit.pk
    return bool(getattr(user, "is_superuser", False)) or any(
        u == unit_id and r in PERSONAL_DATA_ROLES for u, r in memberships(user))


def _scope_unit(dossier, scope: str, receiving_unit=None) -> int | None:
    if dossier is None:
        return receiving_unit if isinstance(receiving_unit, int) or receiving_unit is None \
            else receiving_unit.pk
    return {
        RECEIVING: dossier.receiving_unit_id,
        CURRENT: dossier.current_unit_id,
        COMPETENT: dossier.competent_unit_id,
    }[scope]


def check_transition_actor(user, transition: Transition, dossier=None, *,
                           receiving_unit=None) -> int:
    """NotAllowed ``system_only`` / ``role_not_allowed`` / ``unit_not_allowed``; else the id of
    the unit the actor acts for."""
    if transition.system_only:
        raise NotAllowed(
            "system_only", _("Thao tác “%(label)s” chỉ do hệ thống thực hiện.") % {"label": transition.shown_label}
        )
    if transition.by_applicant:
        raise NotAllowed(
            "applicant_only",
            _("Thao tác “%(label)s” do công dân thực hiện trên cổng dịch vụ công.") % {"label": transition.shown_label},
        )
    mine = memberships(user)
    wanted_roles = {role for role, _ in transition.who}
    if not any(r in wanted_roles for _, r in mine):
        names = ", ".join(str(Role(r).label) for r in sorted(wanted_roles))
        raise NotAllowed(
            "role_not_allowed",
            _("Vai trò của bạn không được thực hiện “%(label)s” (cần: %(names)s).") % {"label": transition.shown_label, "names": names},
        )
    for role, scope in transition.who:
        unit_id = _scope_unit(dossier, scope, receiving_unit)
        if (unit_id, role) in mine:
            return unit_id
    raise NotAllowed(
        "unit_not_allowed",
        _("Bạn không thuộc đơn vị được thực hiện “%(label)s” đối với hồ sơ này.") % {"label": transition.shown_label},
    )


RECEPTION_SUPPLEMENT = "request_supplement_at_reception"


def reception_supplement_used(dossier) -> bool:
    """The desk asks for corrections before receipt once, completely (NĐ 297/2025): not again
    once the citizen has answered."""
    if not dossier.pk:
        return False
    return dossier.status_changes.filter(action=RECEPTION_SUPPLEMENT).exists()


def can_act(user, dossier, action: str) -> bool:
    """A transition of the table: not the system's, allowed from the status, actor in place."""
    transition = TRANSITIONS.get(action)
    if transition is None or action not in offered_from(dossier.status):
        return False
    return _may_take(user, transition, dossier)


@functools.cache
def offered_from(status: str) -> frozenset[str]:
    """The table's actions staff may take from ``status`` whoever they are: not the system's,
    not the applicant's, allowed from it (a property of the table, worked out once)."""
    return frozenset(name for name, t in TRANSITIONS.items()
                     if not t.system_only and not t.by_applicant and t.allowed_from(status))


def _may_take(user, transition: Transition, dossier) -> bool:
    """``check_transition_actor`` would pass (a role of the transition in the unit it names),
    without building the refusals' messages; and the desk's corrections request once only."""
    if transition.name == RECEPTION_SUPPLEMENT and reception_supplement_used(dossier):
        return False
    mine = memberships(user)
    return any((_scope_unit(dossier, scope), role) in mine for role, scope in transition.who)


# ----------------------------------------------------------------------------- apologies


def may_apologise(user, dossier) -> bool:
    """Who: a leader of the unit responsible now (current or competent)."""
    return has_role(user, Role.LEADER, dossier.current_unit_id) or has_role(
        user, Role.LEADER, dossier.competent_unit_id
    )


def can_apologise(user, dossier) -> bool:
    """Who and when: still processing and not re-appointed yet (the service also checks the
    lead time before the due date, which needs the calendar)."""
    return (
        dossier.status in PROCESSING
        and dossier.rescheduled_due_at is None
        and may_apologise(user, dossier)
    )


def may_explain(user, apology) -> bool:
    """Who: a leader of the late unit (the unit that apologised)."""
    return has_role(user, Role.LEADER, apology.unit_id)


def can_record_explanation(user, dossier, apology) -> bool:
    return apology is not None and not apology.explanation and may_explain(user, apology)


def may_escalate(user, dossier, apology) -> bool:
    """Who reports a late dossier to the supervising People's Committee: the center manager of
    the receiving center, or a leader of the late unit."""
    return has_role(user, Role.CENTER_MANAGER, dossier.receiving_unit_id) or has_role(
        user, Role.LEADER, apology.unit_id
    )


def can_escalate(user, dossier, apology) -> bool:
    return (
        apology is not None and apology.escalated_at is None
        and may_escalate(user, dossier, apology)
    )


def may_take_apology_action(user, dossier, apology, action: str) -> bool:
    """Who, for an apology action, whatever the state (a refusal is 403, not 409)."""
    if action == "apologise":
        return may_apologise(user, dossier)
    if apology is None:
        # Nothing to explain or report yet: whoever could once there is an apology.
        return any(
            has_role(user, role, unit)
            for role, unit in [(Role.LEADER, dossier.current_unit_id),
                               (Role.LEADER, dossier.competent_unit_id),
                               (Role.CENTER_MANAGER, dossier.receiving_unit_id)]
        )
    if action == "escalate":
        return may_escalate(user, dossier, apology)
    return may_explain(user, apology)


def allowed_actions(user, dossier, apology=None) -> list[str]:
    """Actions this user may take on this dossier now, in table order, then the apology ones
    (``record_explanation`` and ``escalate`` only when the dossier's ``apology`` is given)."""
    offered = offered_from(dossier.status)
    result = [name for name, transition in TRANSITIONS.items()
              if name in offered and _may_take(user, transition, dossier)]
    if can_apologise(user, dossier):
        result.append("apologise")
    if can_record_explanation(user, dossier, apology):
        result.append("record_explanation")
    if can_escalate(user, dossier, apology):
        result.append("escalate")
    if can_hand_over_notice(user, dossier):
        result.append(NOTICE_ACTION)
    return result


def can_download_result(user, dossier) -> bool:
    """Who may download a dossier's result file (văn bản kết quả): staff of the units concerned
    (those who may view the dossier). The applicant will download it through the portal once
    applicants have accounts; that check belongs here too."""
    return can_view_dossier(user, dossier)
# ----------------------------------------------------------------------------- closing notices

NOTICE_ACTION = "hand_over_notice"
# Actions that change no status: the apology ones and the notice hand-over.
NON_STATUS_ACTIONS = (*APOLOGY_ACTIONS, NOTICE_ACTION)


def may_hand_over_notice(user, dossier) -> bool:
    """Who hands the refusal / stop notice to the citizen: a receptionist of the receiving unit
    (the one-stop desk), as for a result."""
    return has_role(user, Role.RECEPTIONIST, dossier.receiving_unit_id)


def can_hand_over_notice(user, dossier) -> bool:
    """Who and when: closed without a result (refused, withdrawn, stopped) and not handed yet."""
    from motcua.dossiers.models import NoticeDelivery
    from motcua.dossiers.states import CLOSED_WITH_NOTICE

    return (
        dossier.status in CLOSED_WITH_NOTICE
        and may_hand_over_notice(user, dossier)
        and not NoticeDelivery.objects.filter(dossier_id=dossier.pk).exists()
    )
