"""Memberships and roles (phân quyền), from ``Membership`` rows.

What a role may do to a dossier is decided in ``motcua.dossiers.permissions``, on top of this.

Rule: a staff member acts only in the units where they hold a membership valid today (the unit
itself; a membership does not extend to child units). Superusers may see every dossier but act
only through their memberships, so every action is attributable to a role in a unit.
"""

from __future__ import annotations

import datetime as dt

from django.db import router
from django.db.models import Q
from django.utils import timezone

from motcua.core.orm_speed import CompiledQuery
from motcua.org.models import Membership, Unit


def _valid(on: dt.date | None = None) -> Q:
    on = on or timezone.localdate()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


# Read on every staff request: compiled once per process (``core.orm_speed``; the ORM's compile
# step cost more than the read). Placeholders: no user has id -1, no membership is dated year 1.
_MEMBERSHIPS = CompiledQuery(
    lambda alias, user_id, on: Membership.objects.using(alias).filter(_valid(on), user_id=user_id)
    .only("unit_id", "role"),
    -1, dt.date(1, 1, 2),
)


def memberships(user) -> list[tuple[int, str]]:
    """(unit id, role) pairs valid today; cached on the user object for one request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_motcua_memberships", None)
    if cached is None:
        rows = _MEMBERSHIPS.objects(router.db_for_read(Membership), user.pk,
                                    timezone.localdate())
        cached = [(m.unit_id, m.role) for m in rows]
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
