"""Tickets, check-in, counter calling with time-boxed periods, the display stream and speech,
ratings one per transaction, complaints."""

import datetime as dt
import shutil

import pytest
import time_machine
from django.db import IntegrityError, transaction

from motcua.core.errors import Conflict, DomainError, NotAllowed
from motcua.floor import booking as bookings
from motcua.floor import display, feedback, queue
from motcua.floor.capacity import slots_for_day
from motcua.floor.models import (
    BookingStatus,
    Call,
    Complaint,
    Rating,
    Ticket,
    TicketPeriod,
    TicketState,
)
from motcua.org.models import Role
from tests.factories import staff, vn

pytestmark = pytest.mark.django_db
TUESDAY = vn(2027, 3, 2, 7, 45)


@pytest.fixture
def clock():
    with time_machine.travel(TUESDAY, tick=False) as traveller:
        yield traveller


def test_ticket_numbers_per_service_and_closed_service(floor, clock):
    a = queue.ticket_issue(actor=None, service=floor.service)
    b = queue.ticket_issue(actor=None, service=floor.service)
    c = queue.ticket_issue(actor=None, service=floor.other)
    assert (a.number, b.number, c.number) == (1001, 1002, 3001)
    floor.service.is_open = False
    floor.service.save()
    with pytest.raises(Conflict) as closed:
        queue.ticket_issue(actor=None, service=floor.service)
    assert closed.value.code == "service_closed"
    assert Ticket.objects.count() == 3


def test_people_ahead_and_wait(floor, clock):
    tickets = [queue.ticket_issue(actor=None, service=floor.service) for _ in range(3)]
    wait = queue.ticket_wait(tickets[2])
    assert wait.ahead == 2 and wait.minutes == 2 * floor.service.service_minutes


def _booked(floor, slot_index=1):
    with time_machine.travel(vn(2027, 3, 1, 9, 0), tick=False):
        slot = slots_for_day(floor.service, dt.date(2027, 3, 2))[slot_index]
        return bookings.booking_book(actor=None, slot=slot, name="Lê Thị Hẹn",
                                     phone="0987654321", id_number="066090000009")


def test_check_in_is_called_before_walk_ins(floor, clock):
    booking = _booked(floor)  # 08:00 slot; now 07:45, within the 15-minute window
    walk_in = queue.ticket_issue(actor=None, service=floor.service)
    ticket = queue.ticket_check_in(actor=None, unit=floor.center, code=booking.code.lower())
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN and ticket.priority
    called = queue.ticket_call_next(actor=floor.officer, counter=floor.c1)
    assert called.pk == ticket.pk
    assert queue.ticket_wait(walk_in).ahead == 0
    with pytest.raises(Conflict) as twice:
        queue.ticket_check_in(actor=None, unit=floor.center, code=booking.code)
    assert twice.value.code == "booking_not_active"


def test_check_in_bad_codes(floor, clock):
    booking = _booked(floor, slot_index=10)  # 13:30
    with pytest.raises(Conflict) as early:
        queue.ticket_check_in(actor=None, unit=floor.center, code=booking.code)
    assert early.value.code == "too_early"
    with pytest.raises(DomainError) as unknown:
        queue.ticket_check_in(actor=None, unit=floor.center, code="KHONGCO")
    assert unknown.value.code == "booking_not_found"
    assert not Ticket.objects.exists()


def test_call_serve_periods_and_display_event(floor, clock):
    ticket = queue.ticket_issue(actor=None, service=floor.service)
    clock.shift(dt.timedelta(minutes=5))
    queue.ticket_call_next(actor=floor.officer, counter=floor.c1)
    call = Call.objects.get()
    assert call.text == "Mời công dân số 1001 đến quầy số 1"
    with pytest.raises(Conflict) as busy:
        queue.ticket_call_next(actor=floor.officer, counter=floor.c1)
    assert busy.value.code == "counter_busy"
    queue.ticket_recall(actor=floor.officer, ticket=ticket, counter=floor.c1)
    assert Call.objects.count() == 2
    clock.shift(dt.timedelta(minutes=1))
    queue.ticket_start(actor=floor.officer, ticket=ticket, counter=floor.c1)
    clock.shift(dt.timedelta(minutes=9))
    queue.ticket_served(actor=floor.officer, ticket=ticket, counter=floor.c1)
    periods = {p.state: p.ended_at - p.started_at for p in TicketPeriod.objects.filter(ticket=ticket)}
    assert periods == {"waiting": dt.timedelta(minutes=5), "called": dt.timedelta(minutes=1),
                       "serving": dt.timedelta(minutes=9)}
    assert not TicketPeriod.objects.filter(ended_at__isnull=True).exists()
    events = display.calls_after(floor.center.pk, 0)
    assert [e["number"] for e in events] == [1001, 1001] and events[0]["counter"] == 1


def test_calling_from_a_counter_that_does_not_serve_the_service(floor, clock):
    ticket = queue.ticket_issue(actor=None, service=floor.service)
    with pytest.raises(NotAllowed) as refused:
        queue.ticket_call(actor=floor.officer2, ticket=ticket, counter=floor.c2)
    assert refused.value.code == "counter_not_serving"
    assert "quầy số 2" in refused.value.message.lower()
    ticket.refresh_from_db()
    assert ticket.state == TicketState.WAITING and not Call.objects.exists()
    # call_next at counter 2 never picks a ticket of a service it does not serve
    assert queue.ticket_call_next(actor=floor.officer2, counter=floor.c2) is None


def test_absent_and_transfer(floor, clock):
    a = queue.ticket_issue(actor=None, service=floor.service)
    b = queue.ticket_issue(actor=None, service=floor.service)
    queue.ticket_call_next(actor=floor.officer, counter=floor.c1)
    queue.ticket_absent(actor=floor.officer, ticket=a, counter=floor.c1)
    a.refresh_from_db()
    assert a.state == TicketState.ABSENT
    queue.ticket_call_next(actor=floor.officer, counter=floor.c1)
    with pytest.raises(NotAllowed):
        queue.ticket_transfer(actor=floor.officer, ticket=b, counter=floor.c1,
                              to_counter=floor.c2)  # counter 2 does not serve CANCUOC
    queue.ticket_transfer(actor=floor.officer, ticket=b, counter=floor.c1,
                          to_service=floor.other, to_counter=floor.c2)
    b.refresh_from_db()
    assert b.state == TicketState.WAITING and b.service == floor.other and b.number == 1002
    assert queue.ticket_call_next(actor=floor.officer2, counter=floor.c2).pk == b.pk


def test_sync_stream_sends_calls_after_last_event_id(floor, clock):
    queue.ticket_issue(actor=None, service=floor.service)
    queue.ticket_call_next(actor=floor.officer, counter=floor.c1)
    first = Call.objects.get()
    stream = display.sync_stream(floor.center.pk, 0, max_seconds=0.5)
    assert next(stream).startswith("retry:")
    event = next(stream)
    assert f"id: {first.pk}" in event and "Mời công dân số 1001" in event
    # Resuming after that id: nothing more
    rest = list(display.sync_stream(floor.center.pk, first.pk, max_seconds=0.3))
    assert all("event: call" not in chunk for chunk in rest)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_speech_is_rendered_once_and_served(floor, clock, settings, tmp_path, client):
    settings.MOTCUA_FLOOR_SPEECH_DIR = tmp_path / "speech"
    text = "Mời công dân số 1023 đến quầy số 5"
    path = display.speech_file(text)
    assert path is not None and path.read_bytes()[:4] == b"RIFF"
    stamp = path.stat().st_mtime_ns
    assert display.speech_file(text) == path and path.stat().st_mtime_ns == stamp
    res = client.get(f"/man-hinh/am-thanh/{display.speech_key(text)}.wav")
    assert res.status_code == 200 and res["Content-Type"] == "audio/wav"
    assert client.get("/man-hinh/am-thanh/..%2F..%2Fetc.wav").status_code == 404


def test_one_rating_per_ticket(floor, clock):
    ticket = queue.ticket_issue(actor=None, service=floor.service)
    queue.ticket_call_next(actor=floor.officer, counter=floor.c1)
    with pytest.raises(Conflict):
        feedback.rating_for_ticket(actor=None, ticket=ticket, level=2)  # not served yet
    queue.ticket_served(actor=floor.officer, ticket=ticket, counter=floor.c1)
    ticket.refresh_from_db()
    assert feedback.rateable_ticket(floor.c1) == ticket
    rating = feedback.rating_for_ticket(actor=None, ticket=ticket, level="2", comment="Nhanh")
    assert (rating.officer, rating.counter, rating.unit) == (floor.officer, floor.c1, floor.center)
    assert feedback.rateable_ticket(floor.c1) is None
    with pytest.raises(Conflict) as again:
        feedback.rating_for_ticket(actor=None, ticket=ticket, level=0)
    assert again.value.code == "already_rated"
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(level=1, ticket=ticket, unit=floor.center, at=rating.at)
    assert Rating.objects.count() == 1
    with pytest.raises(DomainError) as bad:
        feedback.rating_for_ticket(actor=None, ticket=ticket, level="9")
    assert bad.value.code == "invalid_level"


def test_rating_page_on_the_tablet(floor, clock, client):
    ticket = queue.ticket_issue(actor=None, service=floor.service)
    queue.ticket_call_next(actor=floor.officer, counter=floor.c1)
    queue.ticket_served(actor=floor.officer, ticket=ticket, counter=floor.c1)
    page = client.get(f"/danh-gia/{floor.c1.pk}/")
    assert "Rất hài lòng" in page.content.decode() and "Không hài lòng" in page.content.decode()
    ok = client.post(f"/danh-gia/{floor.c1.pk}/", {"ticket": ticket.pk, "level": 1})
    assert ok.status_code == 200 and "Cảm ơn" in ok.content.decode()
    again = client.post(f"/danh-gia/{floor.c1.pk}/", {"ticket": ticket.pk, "level": 0})
    assert again.status_code == 409 and "đã được đánh giá" in again.content.decode()
    assert Rating.objects.get().level == 1


def test_complaint_routed_with_working_day_deadline(floor, clock, client):
    res = client.post("/phan-anh/", {"unit": floor.center.pk, "name": "Phạm C",
                                     "contact": "0900000000", "subject": "Chờ lâu",
                                     "text": "Xếp hàng từ 5 giờ sáng.", "allow_publish": "on"})
    assert res.status_code == 200 and "Đã nhận phản ánh" in res.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.unit == floor.center and complaint.allow_publish
    # 15 working days from Tuesday 2 March 2027 (no holiday in between): Tuesday 23 March
    assert complaint.due_at.astimezone(TUESDAY.tzinfo).date() == dt.date(2027, 3, 23)
    missing = client.post("/phan-anh/", {"unit": floor.center.pk, "name": "", "text": ""})
    assert missing.status_code == 400 and Complaint.objects.count() == 1
    specialist = staff(Role.SPECIALIST, floor.center, username="cv-phananh")
    feedback.complaint_answer(actor=specialist, complaint=complaint, answer="Đã mở thêm quầy.",
                              publish=True)
    assert "Đã mở thêm quầy." in client.get("/phan-anh/").content.decode()
