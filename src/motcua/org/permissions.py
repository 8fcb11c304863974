"""Who may see and do what (phân quyền), from ``Membership`` rows.

Rule: a staff member acts only in the units where they hold a membership valid today (the unit
itself; a membership does not extend to child units). Superusers may see every dossier but act
only through their memberships, so every action is attributable to a role in a unit.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from motcua.core.errors import NotAllowed
from motcua.org.models import Membership, Role, Unit


def _valid(on: dt.date | None = None) -> Q:
    on = on or timezone.localdate()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def memberships(user) -> list[tuple[int, str]]:
    """(unit id, role) pairs valid today; cached on the user object for one request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_motcua_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(_valid(), user=user).values_list("unit_id", "role")
        )
        user._motcua_memberships = cached
    return cached


def forget(user) -> None:
    """Drop the per-object cache (after memberships change)."""
    if user is not None and hasattr(user, "_motcua_memberships"):
        del user._motcua_memberships


def staff_units(user) -> set[int]:
    """Ids of the units the user belongs to (any role)."""
    return {unit_id for unit_id, _ in memberships(user)}


def _unit_id(unit) -> int | None:
    return unit if isinstance(unit, int) or unit is None else unit.pk


def has_role(user, role: str, unit: Unit | int | None) -> bool:
    unit_id = _unit_id(unit)
    return any(u == unit_id and r == role for u, r in memberships(user))


def roles_in(user, unit: Unit | int | None) -> set[str]:
    unit_id = _unit_id(unit)
    return {r for u, r in memberships(user) if u == unit_id}


def is_staff_member(user) -> bool:
    return bool(memberships(user)) or bool(getattr(user, "is_superuser", False))


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
    unit_id = _unit_id(unit)
    return bool(getattr(user, "is_superuser", False)) or any(
        u == unit_id and r in PERSONAL_DATA_ROLES for u, r in memberships(user))


def _scope_unit(dossier, scope: str, receiving_unit=None) -> int | None:
    from motcua.dossiers.transitions import COMPETENT, CURRENT, RECEIVING

    if dossier is None:
        return _unit_id(receiving_unit)
    return {
        RECEIVING: dossier.receiving_unit_id,
        CURRENT: dossier.current_unit_id,
        COMPETENT: dossier.competent_unit_id,
    }[scope]


def check_transition_actor(user, transition, dossier=None, *, receiving_unit=None) -> int:
    """NotAllowed ``system_only`` / ``role_not_allowed`` / ``unit_not_allowed``; else the id of
    the unit the actor acts for."""
    if transition.system_only:
        raise NotAllowed(
            "system_only", f"Thao tác “{transition.label}” chỉ do hệ thống thực hiện."
        )
    mine = memberships(user)
    wanted_roles = {role for role, _ in transition.who}
    if not any(r in wanted_roles for _, r in mine):
        names = ", ".join(str(Role(r).label) for r in sorted(wanted_roles))
        raise NotAllowed(
            "role_not_allowed",
            f"Vai trò của bạn không được thực hiện “{transition.label}” (cần: {names}).",
        )
    for role, scope in transition.who:
        unit_id = _scope_unit(dossier, scope, receiving_unit)
        if (unit_id, role) in mine:
            return unit_id
    raise NotAllowed(
        "unit_not_allowed",
        f"Bạn không thuộc đơn vị được thực hiện “{transition.label}” đối với hồ sơ này.",
    )


def can_apologise(user, dossier) -> bool:
    """Leader of the unit responsible now (current or competent)."""
    return has_role(user, Role.LEADER, dossier.current_unit_id) or has_role(
        user, Role.LEADER, dossier.competent_unit_id
    )


def allowed_actions(user, dossier) -> list[str]:
    """Actions this user may take on this dossier now (the workspace shows only these)."""
    from motcua.dossiers.transitions import PROCESSING, TRANSITIONS

    result = []
    for name, transition in TRANSITIONS.items():
        if transition.system_only or not transition.allowed_from(dossier.status):
            continue
        try:
            check_transition_actor(user, transition, dossier)
        except NotAllowed:
            continue
        result.append(name)
    if (
        dossier.status in PROCESSING
        and dossier.rescheduled_due_at is None
        and can_apologise(user, dossier)
    ):
        result.append("apologise")
    return result
