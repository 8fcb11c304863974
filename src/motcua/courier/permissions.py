"""Who may do what with courier runs (one owner per rule: services, pages and API ask here)."""

from __future__ import annotations

from motcua.org.models import Role
from motcua.org.permissions import memberships

STAFF_ROLES = frozenset({Role.RECEPTIONIST, Role.SPECIALIST, Role.LEADER, Role.CENTER_MANAGER})


def courier_center_ids(user) -> set[int]:
    return {u for u, r in memberships(user) if r == Role.COURIER}


def is_courier(user) -> bool:
    return bool(courier_center_ids(user))


def can_collect(user, batch) -> bool:
    """The courier of the run's center takes the batch (xác nhận đã lấy)."""
    return batch.run.center_id in courier_center_ids(user)


def can_receive(user, batch) -> bool:
    """An officer of the receiving unit confirms receipt (cán bộ nơi nhận)."""
    return any(u == batch.destination_id and r in STAFF_ROLES for u, r in memberships(user))


def can_view_batch(user, batch) -> bool:
    mine = {u for u, _r in memberships(user)}
    return bool(mine & {batch.origin_id, batch.destination_id, batch.run.center_id})


def can_manage_delivery(user, dossier) -> bool:
    """The one-stop desk that received the dossier arranges home delivery."""
    return any(u == dossier.receiving_unit_id and r in (Role.RECEPTIONIST, Role.CENTER_MANAGER)
               for u, r in memberships(user))


def can_report_delivery(user, delivery) -> bool:
    """The courier carrying it, or the desk, records delivered / failed."""
    if delivery.courier_id is not None and delivery.courier_id == getattr(user, "pk", None):
        return True
    return can_manage_delivery(user, delivery.dossier)
