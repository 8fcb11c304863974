"""Who may handle complaints (phản ánh, kiến nghị): the one place of this rule.

A complaint is routed to one unit; the leaders (lãnh đạo) and specialists (chuyên viên xử lý)
holding a membership valid today in that unit see and answer it. A center's leader is its
manager (Giám đốc Trung tâm: the role ``center_manager``), so complaints about the center's hall
are answered there. Receptionists, couriers and administrators do not: answering speaks for the
unit. Built on ``motcua.org.permissions`` (memberships)."""

from __future__ import annotations

from motcua.org.models import Role
from motcua.org.permissions import memberships

COMPLAINT_ROLES = frozenset({Role.LEADER, Role.SPECIALIST, Role.CENTER_MANAGER})


def complaint_unit_ids(user) -> set[int]:
    """Ids of the units whose complaints ``user`` handles."""
    return {unit_id for unit_id, role in memberships(user) if role in COMPLAINT_ROLES}


def can_answer_complaint(user, complaint) -> bool:
    return complaint.unit_id in complaint_unit_ids(user)
