"""Who must use two-factor authentication (xác thực hai bước), in one place."""

from __future__ import annotations

from django.conf import settings

from motcua.org.models import Role
from motcua.org.permissions import memberships

TWO_FACTOR_ROLES = {Role.LEADER, Role.ADMINISTRATOR}


def two_factor_required(user) -> bool:
    """Leaders and administrators (and superusers) when the province turns it on."""
    if not settings.MOTCUA_2FA_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(role in TWO_FACTOR_ROLES for _, role in memberships(user))


def can_unlock_accounts(user) -> bool:
    """The center manager (quản lý trung tâm) and superusers lift login lockouts."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(
        role == Role.CENTER_MANAGER for _, role in memberships(user)
    )
