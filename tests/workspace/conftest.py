"""A small province for the workspace tests: a center, an agency (and a foreign one), staff of
every role, one 5-working-day procedure; dossiers brought to any state by the real services."""

from __future__ import annotations

import os

import pytest
import time_machine

from motcua.org.models import Role, UnitKind
from tests.factories import CenterFactory, UnitFactory, published_procedure, staff, vn

# Playwright's sync API runs an event loop in this thread; Django would then refuse ORM calls
# from the live-server fixtures. Set before any test runs.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

NOW = vn(2026, 3, 2, 8, 0)  # Monday

APPLICANT = {
    "name": "Nguyễn Văn An",
    "id_number": "066090001234",
    "birth_date": "1990-05-04",
    "gender": "male",
    "address": "12 Lê Duẩn, Buôn Ma Thuột",
    "phone": "0912345678",
    "email": "an@example.vn",
}


class World:
    pass


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # A dozen staff per test: the production PBKDF2 cost would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    w = World()
    w.province = UnitFactory(code="000.00.00.H15", name="Ủy ban nhân dân tỉnh",
                             kind=UnitKind.PROVINCE)
    w.center = CenterFactory(code="000.00.01.H15", name="Trung tâm Phục vụ hành chính công tỉnh")
    w.agency = UnitFactory(code="000.00.02.H15", name="Sở Xây dựng")
    w.partner = UnitFactory(code="000.00.03.H15", name="Sở Tài chính")
    w.foreign = UnitFactory(code="000.00.04.H15", name="Sở Khác")
    w.foreign_center = CenterFactory(code="000.00.05.H15", name="Trung tâm xã Khác")
    w.receptionist = staff(Role.RECEPTIONIST, w.center, username="tiepnhan")
    w.manager = staff(Role.CENTER_MANAGER, w.center, username="quanly")
    w.leader = staff(Role.LEADER, w.agency, username="lanhdao")
    w.specialist = staff(Role.SPECIALIST, w.agency, username="chuyenvien")
    w.specialist2 = staff(Role.SPECIALIST, w.agency, username="chuyenvien2")
    w.foreign_leader = staff(Role.LEADER, w.foreign, username="lanhdaokhac")
    w.foreign_specialist = staff(Role.SPECIALIST, w.foreign, username="cvkhac")
    w.foreign_receptionist = staff(Role.RECEPTIONIST, w.foreign_center, username="tnkhac")
    w.version = published_procedure(
        agency=w.agency, receiving_units=[w.center], time_value=5,
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        documents=(("Đơn đề nghị cấp giấy phép", True), ("Bản vẽ thiết kế", True),
                   ("Giấy ủy quyền", False)),
    )
    return w


def documents_for(version, provided_as="original"):
    return [{"required": d.pk, "provided_as": provided_as} for d in version.documents.all()]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


PATHS = {
    "received": [],
    "transferred": ["transfer"],
    "assigned": ["transfer", "assign"],
    "appraising": ["transfer", "assign", "start_appraisal"],
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
}

ACTORS = {
    "transfer": "receptionist", "assign": "leader", "start_appraisal": "specialist",
    "submit_for_approval": "specialist", "approve": "leader", "issue": "leader",
    "receive_result": "receptionist", "return_result": "receptionist",
    "request_supplement": "receptionist", "request_payment": "specialist",
}


def params_for(world, action):
    return {
        "assign": {"assignee": world.specialist},
        "request_supplement": {"items": "Bản vẽ mặt bằng", "reason": "Thiếu"},
        "approve": {"result_content": b"%PDF-1.4 result"},
        "request_payment": {"amount": 500000},
        "return_result": {"returned_to": "Nguyễn Văn An", "how": "counter"},
    }.get(action, {})


@pytest.fixture
def bring(world):
    """bring("appraising") -> a dossier received at ``at`` (default: now, usually frozen) and
    moved to that state through the real services."""
    from django.utils import timezone

    from motcua.dossiers import services

    def _bring(status, at=None, **kw):
        at = at or timezone.now()
        dossier = services.dossier_receive(
            actor=world.receptionist, procedure_version=world.version,
            receiving_unit=world.center, applicant=kw.pop("applicant", APPLICANT),
            documents=documents_for(world.version), at=at,
        )
        for action in PATHS[status]:
            actor = getattr(world, ACTORS[action])
            services.dossier_act(actor=actor, dossier=dossier, action=action, at=at,
                                 **params_for(world, action))
            dossier.refresh_from_db()
        return dossier

    return _bring


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
