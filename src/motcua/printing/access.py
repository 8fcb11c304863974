"""Who may print what. The rules themselves live in ``motcua.dossiers.permissions``."""

from __future__ import annotations

from motcua.dossiers.permissions import can_view_dossier, staff_units


def may_print_dossier(user, dossier) -> bool:
    """Forms of a dossier: whoever may see the dossier."""
    return bool(user.is_authenticated and can_view_dossier(user, dossier))


def may_print_for_unit(user, unit) -> bool:
    """The register and counter guidance slips of a unit: its staff, or a superuser."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or unit.pk in staff_units(user)


def unit_ids(user) -> set[int]:
    """Ids of the units ``user`` works in."""
    return set(staff_units(user))
