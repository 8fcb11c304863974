"""Complaints (phản ánh, kiến nghị) handled by staff: the list of the officer's units with the
working-time deadline and the overdue flag, the answer (once, by a leader or specialist of the
complaint's unit, not empty), the publish choice, the citizen's notification, the admin."""

import datetime as dt

import pytest
import time_machine

from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.floor import feedback
from motcua.floor.models import Complaint, ComplaintStatus
from motcua.notifications.models import OutboxMessage
from motcua.org.models import Role
from tests.factories import CenterFactory, UserFactory, staff, vn

pytestmark = pytest.mark.django_db
TUESDAY = vn(2027, 3, 2, 7, 45)


@pytest.fixture
def clock():
    with time_machine.travel(TUESDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(floor):
    other = CenterFactory(code="000.00.98.H15")
    return type("People", (), {
        "specialist": staff(Role.SPECIALIST, floor.center, username="cv1"),
        "leader": staff(Role.LEADER, floor.center, username="ld1"),
        "foreign": staff(Role.SPECIALIST, other, username="cv-khac"),
        "other": other})


def _submit(unit, *, allow=True, contact="0900000000", subject="Chờ lâu"):
    return feedback.complaint_submit(actor=None, unit=unit, name="Phạm C", contact=contact,
                                     subject=subject, text="Xếp hàng từ 5 giờ sáng.",
                                     allow_publish=allow)


def test_list_shows_own_units_with_deadline_and_overdue(floor, people, clock, client):
    mine = _submit(floor.center)
    theirs = _submit(people.other, subject="Khác đơn vị")
    client.force_login(people.specialist)
    page = client.get("/can-bo/phan-anh/").content.decode()
    assert mine.code in page and theirs.code not in page
    assert "23/03/2027" in page and "Quá hạn" not in page
    clock.move_to(vn(2027, 3, 24, 9, 0))  # one working day after the deadline
    client.force_login(people.specialist)  # the session of three weeks ago has expired
    late = client.get("/can-bo/phan-anh/").content.decode()
    assert "Quá hạn" in late and "row-late" in late
    answered = client.get("/can-bo/phan-anh/?trang-thai=answered").content.decode()
    assert mine.code not in answered


def test_answer_from_the_page_publishes_and_notifies(floor, people, clock, client):
    complaint = _submit(floor.center)
    client.force_login(people.leader)
    res = client.post(f"/can-bo/phan-anh/{complaint.code}/",
                      {"answer": "  Đã mở thêm quầy căn cước.  ", "publish": "on"})
    assert res.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED and complaint.published
    assert complaint.answer == "Đã mở thêm quầy căn cước." and complaint.answered_by == people.leader
    message = OutboxMessage.objects.get(event="floor.complaint_answered")
    assert message.address == "0900000000" and "Đã mở thêm quầy căn cước." in message.body
    detail = client.get(f"/can-bo/phan-anh/{complaint.code}/").content.decode()
    assert 'id="answer-form"' not in detail and "Đã công khai" in detail
    assert "Đã mở thêm quầy căn cước." in client.get("/phan-anh/").content.decode()


def test_answer_by_email_and_not_published_unless_chosen(floor, people, clock, client):
    complaint = _submit(floor.center, contact="pham.c@example.vn")
    feedback.complaint_answer(actor=people.specialist, complaint=complaint, answer="Trả lời riêng.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED and not complaint.published
    assert OutboxMessage.objects.filter(event="floor.complaint_answered",
                                        address="pham.c@example.vn").exists()
    assert "Trả lời riêng." not in client.get("/phan-anh/").content.decode()


def test_publish_refused_when_the_citizen_did_not_allow(floor, people, clock, client):
    complaint = _submit(floor.center, allow=False)
    client.force_login(people.specialist)
    assert 'id="publish"' not in client.get(f"/can-bo/phan-anh/{complaint.code}/").content.decode()
    res = client.post(f"/can-bo/phan-anh/{complaint.code}/", {"answer": "Trả lời.", "publish": "on"})
    assert res.status_code == 400 and "không đồng ý công khai" in res.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED and not complaint.published
    assert not OutboxMessage.objects.filter(event="floor.complaint_answered").exists()


def test_answering_twice_is_refused(floor, people, clock, client):
    complaint = _submit(floor.center)
    feedback.complaint_answer(actor=people.specialist, complaint=complaint, answer="Lần một.")
    with pytest.raises(Conflict):
        feedback.complaint_answer(actor=people.leader, complaint=complaint, answer="Lần hai.")
    client.force_login(people.leader)
    res = client.post(f"/can-bo/phan-anh/{complaint.code}/", {"answer": "Lần ba."})
    assert res.status_code == 409 and "đã được trả lời" in res.content.decode()
    complaint.refresh_from_db()
    assert complaint.answer == "Lần một." and complaint.answered_by == people.specialist
    assert OutboxMessage.objects.filter(event="floor.complaint_answered").count() == 1


def test_empty_answer_is_refused(floor, people, clock, client):
    complaint = _submit(floor.center)
    client.force_login(people.specialist)
    res = client.post(f"/can-bo/phan-anh/{complaint.code}/", {"answer": "   "})
    assert res.status_code == 400 and "Vui lòng nhập nội dung trả lời" in res.content.decode()
    with pytest.raises(InvalidInput):
        feedback.complaint_answer(actor=people.specialist, complaint=complaint, answer="")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED and complaint.answer == ""


def test_someone_else_s_unit_and_other_roles(floor, people, clock, client):
    complaint = _submit(floor.center)
    with pytest.raises(NotAllowed):
        feedback.complaint_answer(actor=people.foreign, complaint=complaint, answer="Không phải.")
    with pytest.raises(NotAllowed):  # a receptionist of the unit does not answer for it
        feedback.complaint_answer(actor=floor.officer, complaint=complaint, answer="Không phải.")
    client.force_login(people.foreign)
    assert client.get(f"/can-bo/phan-anh/{complaint.code}/").status_code == 404
    res = client.post(f"/can-bo/phan-anh/{complaint.code}/", {"answer": "Không phải."})
    assert res.status_code == 404
    client.force_login(floor.officer)
    assert client.get("/can-bo/phan-anh/").status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_nav_link_only_for_complaint_handlers(floor, people, clock, client):
    client.force_login(people.specialist)
    assert 'href="/can-bo/phan-anh/"' in client.get("/can-bo/").content.decode()
    client.force_login(floor.officer)
    assert 'href="/can-bo/phan-anh/"' not in client.get("/can-bo/").content.decode()


def test_database_refuses_publishing_without_consent(floor, people, clock):
    from django.db import IntegrityError, transaction

    complaint = _submit(floor.center, allow=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(published=True)


def test_admin_is_read_only(floor, people, clock, client):
    complaint = _submit(floor.center)
    admin = UserFactory(username="quantri-he-thong", is_staff=True, is_superuser=True)
    client.force_login(admin)
    base = "/quan-tri/floor/complaint/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}{complaint.pk}/change/").status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    client.post(f"{base}{complaint.pk}/change/", {"answer": "Sửa ngầm", "status": "answered"})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED and complaint.answer == ""
    assert client.post(f"{base}{complaint.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Complaint.objects.filter(pk=complaint.pk).exists()


def test_deadline_counts_working_days_not_calendar_days(floor, people):
    # Friday 26 March 2027 at 16:00: 15 working days later skip three weekends.
    with time_machine.travel(vn(2027, 3, 26, 16, 0), tick=False):
        complaint = _submit(floor.center)
    assert complaint.due_at.astimezone(TUESDAY.tzinfo).date() > dt.date(2027, 4, 10)


def test_center_manager_answers_the_center_s_complaints(floor, people, clock):
    manager = staff(Role.CENTER_MANAGER, floor.center, username="giamdoc")
    complaint = _submit(floor.center)
    with pytest.raises(NotAllowed):  # another unit's manager
        feedback.complaint_answer(actor=staff(Role.CENTER_MANAGER, people.other, username="gd2"),
                                  complaint=complaint, answer="Không phải.")
    feedback.complaint_answer(actor=manager, complaint=complaint, answer="Đã bố trí thêm quầy.")
    complaint.refresh_from_db()
    assert complaint.answered_by == manager
