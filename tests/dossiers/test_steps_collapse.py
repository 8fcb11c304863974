"""Consecutive planned steps of one role are finished by one action (review + sign)."""

import pytest

from motcua.catalog.models import StepRole
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.org.models import Role
from tests.factories import CenterFactory, UnitFactory, published_procedure, staff, vn

STEPS = [
    ("Tiếp nhận, chuyển hồ sơ", StepRole.RECEPTION, 2),
    ("Phân công thụ lý", StepRole.LEADER, 2),
    ("Thẩm định", StepRole.SPECIALIST, 16),
    ("Xem xét, trình ký", StepRole.LEADER, 4),
    ("Phê duyệt, ký", StepRole.LEADER, 4),
    ("Vào sổ, phát hành", StepRole.CLERK, 4),
    ("Trả kết quả", StepRole.RECEPTION, 4),
]
APPLICANT = {"name": "Nguyễn Văn An", "id_number": "066085001234", "birth_date": "1985-03-12",
             "gender": "male", "address": "Buôn Ma Thuột", "phone": "0905123456"}


@pytest.mark.django_db
def test_every_planned_step_is_closed_by_the_right_action():
    center = CenterFactory(code="000.00.01.H15")
    agency = UnitFactory(code="000.00.02.H15")
    receptionist = staff(Role.RECEPTIONIST, center)
    leader = staff(Role.LEADER, agency)
    specialist = staff(Role.SPECIALIST, agency)
    version = published_procedure(agency=agency, receiving_units=[center], time_value=5,
                                  steps=STEPS)
    docs = [{"required": d.pk, "provided_as": "original"} for d in version.documents.all()]
    at = vn(2026, 3, 2, 8, 0)
    dossier = services.dossier_receive(actor=receptionist, procedure_version=version,
                                       receiving_unit=center, applicant=APPLICANT,
                                       documents=docs, at=at)
    plan = [
        ("transfer", receptionist, {}),
        ("assign", leader, {"assignee": specialist}),
        ("start_appraisal", specialist, {}),
        ("submit_for_approval", specialist, {}),
        ("approve", leader, {"result_content": b"%PDF-1.4\n", "result_number": "1/GP"}),
        ("issue", leader, {}),
        ("receive_result", receptionist, {}),
        ("return_result", receptionist, {"returned_to": "Nguyễn Văn An", "how": "counter"}),
    ]
    for hour, (action, actor, params) in enumerate(plan, start=9):
        dossier = Dossier.objects.get(pk=dossier.pk)
        services.dossier_act(actor=actor, dossier=dossier, action=action,
                             at=vn(2026, 3, 2 + hour // 17, hour % 17 or 9, 0), **params)
    steps = list(Dossier.objects.get(pk=dossier.pk).steps.order_by("order"))
    assert [s.finished_at is not None for s in steps] == [True] * len(STEPS)
    finishers = [s.finished_by for s in steps]
    assert finishers == [receptionist, leader, specialist, leader, leader, leader, receptionist]
    assert Dossier.objects.get(pk=dossier.pk).current_step is None
