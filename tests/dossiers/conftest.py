"""Fixtures: a center, an agency, a partner agency and their staff; a 5-working-day procedure."""

from __future__ import annotations

import pytest
import time_machine

from motcua.org.models import Role
from tests.factories import CenterFactory, UnitFactory, published_procedure, staff, vn


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    w.center = CenterFactory(code="000.00.01.H15")
    w.agency = UnitFactory(code="000.00.02.H15", name="Sở Xây dựng")
    w.partner = UnitFactory(code="000.00.03.H15", name="Sở Tài chính")
    w.foreign = UnitFactory(code="000.00.04.H15", name="Sở Khác")
    w.receptionist = staff(Role.RECEPTIONIST, w.center, username="tiepnhan")
    w.manager = staff(Role.CENTER_MANAGER, w.center, username="quanly")
    w.leader = staff(Role.LEADER, w.agency, username="lanhdao")
    w.specialist = staff(Role.SPECIALIST, w.agency, username="chuyenvien")
    w.partner_specialist = staff(Role.SPECIALIST, w.partner, username="phoihop")
    w.foreign_leader = staff(Role.LEADER, w.foreign, username="lanhdaokhac")
    w.foreign_specialist = staff(Role.SPECIALIST, w.foreign, username="cvkhac")
    w.foreign_receptionist = staff(Role.RECEPTIONIST, CenterFactory(code="000.00.05.H15"),
                                   username="tnkhac")
    w.version = published_procedure(agency=w.agency, receiving_units=[w.center], time_value=5)
    return w


APPLICANT = {
    "name": "Nguyễn Văn An",
    "id_number": "066090001234",
    "birth_date": "1990-05-04",
    "gender": "male",
    "address": "12 Lê Duẩn, Buôn Ma Thuột",
    "phone": "0912345678",
    "email": "an@example.vn",
}


def documents_for(version):
    return [{"required": d.pk, "provided_as": "original"} for d in version.documents.all()]


@pytest.fixture
def receive(world):
    from motcua.dossiers.services import dossier_receive

    def _receive(at=None, version=None, **kw):
        version = version or world.version
        return dossier_receive(
            actor=kw.pop("actor", world.receptionist), procedure_version=version,
            receiving_unit=kw.pop("receiving_unit", world.center),
            applicant=kw.pop("applicant", APPLICANT),
            documents=kw.pop("documents", documents_for(version)),
            at=at or vn(2026, 3, 2, 8, 0), **kw,
        )

    return _receive


@pytest.fixture
def frozen():
    with time_machine.travel(vn(2026, 3, 2, 8, 0), tick=False) as traveller:
        yield traveller


# Actions and parameters that bring a fresh dossier to each state through the real services.
PATHS = {
    "submitted": [],
    "received": [],
    "transferred": ["transfer"],
    "assigned": ["transfer", "assign"],
    "appraising": ["transfer", "assign", "start_appraisal"],
    "consulting": ["transfer", "assign", "start_appraisal", "consult"],
    "interagency": ["transfer", "assign", "start_appraisal", "send_interagency"],
    "awaiting_approval": ["transfer", "assign", "start_appraisal", "submit_for_approval"],
    "signed": ["transfer", "assign", "start_appraisal", "submit_for_approval", "approve"],
    "issued": ["transfer", "assign", "start_appraisal", "submit_for_approval", "approve",
               "issue"],
    "result_ready": ["transfer", "assign", "start_appraisal", "submit_for_approval", "approve",
                     "issue", "receive_result"],
    "returned": ["transfer", "assign", "start_appraisal", "submit_for_approval", "approve",
                 "issue", "receive_result", "return_result"],
    "supplement_requested": ["request_supplement"],
    "awaiting_payment": ["transfer", "assign", "start_appraisal", "request_payment"],
    "refused_after_appraisal": ["transfer", "assign", "start_appraisal", "refuse"],
    "withdrawn": ["withdraw"],
    "stopped": ["transfer", "stop"],
}


def params_for(world, action):
    return {
        "assign": {"assignee": world.specialist},
        "request_supplement": {"items": "Bản vẽ mặt bằng", "reason": "Thiếu"},
        "send_interagency": {"partner_unit": world.partner, "hours": 8},
        "return_for_rework": {"reason": "Sửa dự thảo"},
        "approve": {"result_content": b"%PDF-1.4 result"},
        "refuse": {"reason": "Không đủ điều kiện"},
        "refuse_reception": {"reason": "Không thuộc thẩm quyền"},
        "request_supplement_at_reception": {"reason": "Thiếu bản vẽ mặt bằng"},
        "request_payment": {"amount": 500000},
        "return_result": {"returned_to": "Nguyễn Văn An", "how": "counter"},
        "stop": {"reason": "Dừng theo quy định"},
        "withdraw": {"reason": "Công dân đề nghị"},
    }.get(action, {})


def staff_of(world):
    return [world.receptionist, world.manager, world.leader, world.specialist,
            world.partner_specialist, world.foreign_leader, world.foreign_specialist,
            world.foreign_receptionist]


def actor_for(world, transition, dossier):
    """The first world user the table lets take ``transition`` on ``dossier`` (or None)."""
    from motcua.core.errors import NotAllowed
    from motcua.dossiers import permissions

    for user in staff_of(world):
        permissions.forget(user)
        try:
            permissions.check_transition_actor(user, transition, dossier)
        except NotAllowed:
            continue
        return user
    return None


@pytest.fixture
def bring(world, receive):
    """bring("appraising") -> a dossier received 02/03/2026 08:00 and moved to that state."""
    from motcua.dossiers import services
    from motcua.dossiers.services import dossier_submit_online
    from motcua.dossiers.transitions import TRANSITIONS

    def _bring(status, start=None):
        start = start or vn(2026, 3, 2, 8, 0)
        if status == "submitted":
            return dossier_submit_online(
                procedure_version=world.version, receiving_unit=world.center,
                applicant=APPLICANT, documents=documents_for(world.version), at=start,
            )
        dossier = receive(at=start)
        at = start
        for action in PATHS[status]:
            at = at + __import__("datetime").timedelta(minutes=30)
            actor = actor_for(world, TRANSITIONS[action], dossier)
            services.dossier_act(actor=actor, dossier=dossier, action=action, at=at,
                                 **params_for(world, action))
            dossier.refresh_from_db()
        assert dossier.status == status
        return dossier

    return _bring
