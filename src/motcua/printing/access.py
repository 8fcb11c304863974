"""Who may print what. The rules themselves live in ``motcua.dossiers.permissions``."""

from __future__ import annotations

from motcua.dossiers.permissions import (
    can_view_dossier,
    can_view_personal_data,
    has_personal_data_role,
    staff_units,
)


def may_see_dossier(user, dossier) -> bool:
    """Whether the dossier exists, as far as ``user`` may know (else: 404, as for no dossier)."""
    return bool(user.is_authenticated and can_view_dossier(user, dossier))


def may_print_dossier(user, dossier) -> bool:
    """Forms of a dossier: they all print the applicant's personal data, so whoever may see
    it (not the courier: ``permissions.PERSONAL_DATA_ROLES``)."""
    return bool(user.is_authenticated and can_view_personal_data(user, dossier))


def may_print_for_unit(user, unit) -> bool:
    """The register and counter guidance slips of a unit (they list applicants): its staff in
    a personal-data role, or a superuser."""
    if not user.is_authenticated:
        return False
    return has_personal_data_role(user, unit)


def unit_ids(user) -> set[int]:
    """Ids of the units ``user`` works in."""
    return set(staff_units(user))
