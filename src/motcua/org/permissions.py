"""Memberships and roles (phân quyền), from ``Membership`` rows.

What a role may do to a dossier is decided in ``motcua.dossiers.permissions``, on top of this.

Rule: a staff member acts only in the units where they hold a membership valid today (the unit
itself; a membership does not extend to child units). Superusers may see every dossier but act
only through their memberships, so every action is attributable to a role in a unit.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from motcua.org.models import Membership, Unit


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
