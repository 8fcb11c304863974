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


@pytest.mark.django_db
def test_an_early_approval_never_starts_a_step_after_it_finished(client):
    """Issue 10: "Phê duyệt, ký" showed "Hoàn thành" before "Bắt đầu" on the dossier page when
    the leader approved before the review step's deadline: the chained step now starts when it
    is done at the latest, and keeps its deadline chained from the previous one."""
    center = CenterFactory(code="000.00.01.H15")
    agency = UnitFactory(code="000.00.02.H15")
    receptionist = staff(Role.RECEPTIONIST, center)
    leader = staff(Role.LEADER, agency)
    specialist = staff(Role.SPECIALIST, agency)
    version = published_procedure(agency=agency, receiving_units=[center], time_value=5,
                                  steps=STEPS)
    docs = [{"required": d.pk, "provided_as": "original"} for d in version.documents.all()]
    dossier = services.dossier_receive(actor=receptionist, procedure_version=version,
                                       receiving_unit=center, applicant=APPLICANT,
                                       documents=docs, at=vn(2026, 3, 2, 8, 0))
    plan = [
        ("transfer", receptionist, {}),
        ("assign", leader, {"assignee": specialist}),
        ("start_appraisal", specialist, {}),
        ("submit_for_approval", specialist, {}),
        ("approve", leader, {"result_content": b"%PDF-1.4\n", "result_number": "1/GP"}),
    ]
    for minute, (action, actor, params) in enumerate(plan, start=1):
        services.dossier_act(actor=actor, dossier=Dossier.objects.get(pk=dossier.pk),
                             action=action, at=vn(2026, 3, 2, 8, 10 * minute), **params)
    steps = list(Dossier.objects.get(pk=dossier.pk).steps.order_by("order"))
    review, sign = steps[3], steps[4]
    for step in steps:
        if step.finished_at is not None:
            assert step.started_at <= step.finished_at, step.name
    assert sign.started_at == sign.finished_at == vn(2026, 3, 2, 8, 50)
    # The deadline still runs from the review step's deadline, not from the early approval.
    assert sign.due_at > review.due_at
    # The dossier page lists Bắt đầu before Hoàn thành for every step.
    client.force_login(leader)
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    rows = page.split('id="steps"')[1].split("</tbody>")[0].split("<tr>")[1:]
    import datetime as dt

    rows = [[c.split("</td>")[0] for c in row.split("<td>")[1:]] for row in rows]
    rows = [cells for cells in rows if len(cells) == 8]
    assert len(rows) == len(STEPS)
    for cells in rows:
        started, finished = cells[4], cells[6]
        if started and finished:
            assert dt.datetime.strptime(started, "%d/%m/%Y %H:%M") <= dt.datetime.strptime(
                finished, "%d/%m/%Y %H:%M"), cells
