"""Slots from capacity windows and the calendar; booking, cap, links, reminders, no-shows;
the appointments API and its bad inputs."""

import datetime as dt

import pytest
import time_machine
from django.core import signing
from rest_framework.test import APIClient

from motcua.core.errors import Conflict, InvalidInput
from motcua.floor import booking as bookings
from motcua.floor.capacity import slots_for_day
from motcua.floor.models import Booking, BookingStatus, Closure, Slot
from motcua.org.models import CalendarOverride, CalendarOverrideKind
from tests.factories import vn

NOW = vn(2027, 3, 1, 8, 0)  # a Monday
TUESDAY = dt.date(2027, 3, 2)
HOLIDAY = dt.date(2027, 4, 30)  # Ngày Chiến thắng (Friday)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def book(slot, phone="0912345678", **kw):
    return bookings.booking_book(actor=None, slot=slot, name="Nguyễn Văn An", phone=phone, **kw)


def test_slots_follow_windows_and_skip_the_lunch_break(floor):
    slots = slots_for_day(floor.service, TUESDAY)
    starts = [s.start.astimezone(vn(2027, 1, 1).tzinfo).strftime("%H:%M") for s in slots]
    assert starts[0] == "07:30" and starts[-1] == "16:00"
    assert "11:30" not in starts and "12:00" not in starts and "13:30" in starts
    assert len(slots) == 8 + 6
    assert all(s.capacity == 2 and s.remaining == 2 for s in slots)
    # Listing twice does not create the rows again.
    slots_for_day(floor.service, TUESDAY)
    assert Slot.objects.filter(service=floor.service).count() == 14


def test_a_holiday_a_closure_and_a_past_day_have_no_slots(floor):
    with pytest.raises(InvalidInput) as holiday:
        slots_for_day(floor.service, HOLIDAY)
    assert holiday.value.code == "holiday" and "30/04/2027" in holiday.value.message
    Closure.objects.create(service=floor.service, date=TUESDAY, reason="Bảo trì máy")
    with pytest.raises(InvalidInput) as closed:
        slots_for_day(floor.service, TUESDAY)
    assert closed.value.code == "service_closed" and "Bảo trì máy" in closed.value.message
    with pytest.raises(InvalidInput) as past:
        slots_for_day(floor.service, dt.date(2027, 2, 26))
    assert past.value.code == "date_past"
    assert not Slot.objects.exists()


def test_a_make_up_saturday_takes_mondays_windows(floor):
    saturday = dt.date(2027, 3, 6)
    with pytest.raises(InvalidInput):
        slots_for_day(floor.service, saturday)
    CalendarOverride.objects.create(date=saturday, kind=CalendarOverrideKind.WORKING_DAY,
                                    name="Ngày làm bù")
    assert len(slots_for_day(floor.service, saturday)) == 14


def test_booking_takes_a_place_and_a_full_slot_refuses(floor):
    slot = slots_for_day(floor.service, TUESDAY)[0]
    book(slot, phone="0900000001")
    book(slot, phone="0900000002")
    with pytest.raises(Conflict) as full:
        book(slot, phone="0900000003")
    assert full.value.code == "slot_full" and full.value.http_status == 409
    slot.refresh_from_db()
    assert slot.booked == 2 and Booking.objects.count() == 2


def test_the_database_refuses_an_overbooked_slot(floor):
    from django.db import IntegrityError, transaction

    slot = slots_for_day(floor.service, TUESDAY)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=3)


def test_cap_per_person(floor, settings):
    settings.MOTCUA_BOOKING_CAP = 2
    slots = slots_for_day(floor.service, TUESDAY)
    book(slots[0], id_number="066090000001")
    book(slots[1], phone="0911111111", id_number="066090000001")
    with pytest.raises(Conflict) as cap:
        book(slots[2], phone="0922222222", id_number="066090000001")
    assert cap.value.code == "booking_cap"
    assert Booking.objects.count() == 2
    assert sum(Slot.objects.values_list("booked", flat=True)) == 2


def test_cancel_frees_the_place_and_the_link_works_once(floor):
    slot = slots_for_day(floor.service, TUESDAY)[0]
    booking = book(slot)
    token = bookings.booking_token(booking)
    assert bookings.booking_from_token(token).pk == booking.pk
    bookings.booking_cancel(actor=None, booking=booking)
    slot.refresh_from_db()
    assert slot.booked == 0
    with pytest.raises(Conflict) as used:
        bookings.booking_from_token(token)
    assert used.value.code == "link_used"
    forged = signing.dumps({"c": booking.code, "n": 0}, salt="other-salt")
    with pytest.raises(Exception) as bad:
        bookings.booking_from_token(forged)
    assert bad.value.code == "link_invalid"


def test_change_moves_the_place_and_old_link_dies(floor):
    slots = slots_for_day(floor.service, TUESDAY)
    booking = book(slots[0])
    token = bookings.booking_token(booking)
    bookings.booking_change(actor=None, booking=booking, slot=slots[3])
    assert list(Slot.objects.filter(pk__in=[slots[0].pk, slots[3].pk]).order_by("start")
                .values_list("booked", flat=True)) == [0, 1]
    with pytest.raises(Conflict):
        bookings.booking_from_token(token)


def test_ics_file(floor):
    booking = book(slots_for_day(floor.service, TUESDAY)[0])
    ics = bookings.booking_ics(booking).decode()
    assert "BEGIN:VEVENT" in ics and booking.code in ics
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20270302T073000" in ics


def test_reminder_once_the_day_before_and_no_shows(floor, settings):
    booking = book(slots_for_day(floor.service, TUESDAY)[0])
    assert bookings.send_reminders() == 1
    assert bookings.send_reminders() == 0
    booking.refresh_from_db()
    assert booking.reminded_at is not None
    assert bookings.mark_no_shows() == 0
    assert bookings.mark_no_shows(now=vn(2027, 3, 2, 9, 0)) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW


def test_bad_phone_and_id(floor):
    slot = slots_for_day(floor.service, TUESDAY)[0]
    with pytest.raises(InvalidInput) as phone:
        book(slot, phone="12345")
    assert phone.value.field == "phone"
    with pytest.raises(InvalidInput) as idn:
        book(slot, id_number="123")
    assert idn.value.field == "id_number"
    assert not Booking.objects.exists()


# API -----------------------------------------------------------------------------------

def api():
    return APIClient()


def test_api_services_and_slots(floor):
    client = api()
    res = client.get("/api/v1/appointments/services", {"unit": floor.center.code})
    assert res.status_code == 200
    assert {r["code"] for r in res.json()} == {"CANCUOC", "DATDAI"}
    assert set(res.json()[0]) == {"id", "code", "name"}
    res = client.get("/api/v1/appointments/slots",
                     {"unit": floor.center.code, "service": "CANCUOC", "date": "2027-03-02"})
    assert res.status_code == 200
    rows = res.json()
    assert len(rows) == 14 and set(rows[0]) == {"id", "start", "end", "capacity", "remaining"}
    by_id = client.get("/api/v1/appointments/slots", {
        "unit": floor.center.code, "service": str(floor.service.pk), "date": "2027-03-02"})
    assert by_id.json() == rows


@pytest.mark.parametrize("params, code", [
    ({"service": "CANCUOC", "date": "2027-04-30"}, "holiday"),
    ({"service": "CANCUOC", "date": "2027-02-01"}, "date_past"),
    ({"service": "CANCUOC", "date": "30-02-2027"}, "invalid_date"),
    ({"service": "KHONGCO", "date": "2027-03-02"}, "unknown_service"),
])
def test_api_slots_bad_input(floor, params, code):
    res = api().get("/api/v1/appointments/slots", {"unit": floor.center.code, **params})
    assert res.status_code == 400 and res.json()["code"] == code
    assert res.json()["message"]


def test_api_unknown_unit(floor):
    res = api().get("/api/v1/appointments/services", {"unit": "nope"})
    assert res.status_code == 400 and res.json()["code"] == "unknown_unit"


def test_api_book_201_then_409(floor):
    slot = slots_for_day(floor.service, TUESDAY)[0]
    client = api()
    for i in range(2):
        res = client.post("/api/v1/appointments", {"slot": slot.pk, "name": "Trần Thị B",
                                                   "phone": f"090000000{i}"}, format="json")
        assert res.status_code == 201, res.json()
        assert res.json()["code"] and "/dat-lich/xac-nhan/" in res.json()["url"]
    res = client.post("/api/v1/appointments", {"slot": slot.pk, "name": "Trần Thị B",
                                               "phone": "0900000009"}, format="json")
    assert res.status_code == 409 and res.json()["code"] == "slot_full"
    assert Booking.objects.count() == 2


@pytest.mark.parametrize("start, code", [
    ("2027-03-02T12:00:00+07:00", "outside_hours"),
    ("2027-04-30T08:00:00+07:00", "holiday"),
    ("2027-03-01T07:30:00+07:00", "slot_past"),
    ("2027-03-02T07:40:00+07:00", "no_such_slot"),
])
def test_api_book_by_start_bad_times(floor, start, code):
    res = api().post("/api/v1/appointments", {
        "unit": floor.center.code, "service": "CANCUOC", "start": start,
        "name": "Trần Thị B", "phone": "0900000001"}, format="json")
    assert res.status_code in (400, 409) and res.json()["code"] == code, res.json()
    assert not Booking.objects.exists()


def test_api_book_by_start(floor):
    res = api().post("/api/v1/appointments", {
        "unit": floor.center.code, "service": "CANCUOC", "start": "2027-03-02T13:30:00+07:00",
        "name": "Trần Thị B", "phone": "0900000001"}, format="json")
    assert res.status_code == 201
    assert res.json()["start"].startswith("2027-03-02T13:30")


def test_api_throttle_per_address(floor, settings):
    settings.MOTCUA_BOOKING_RATE_PER_IP = 2
    slots = slots_for_day(floor.service, TUESDAY)
    client = api()
    codes = [client.post("/api/v1/appointments", {
        "slot": slots[i].pk, "name": "A", "phone": f"09100000{i:02d}"}, format="json").status_code
        for i in range(3)]
    assert codes == [201, 201, 429]
    assert Booking.objects.count() == 2
    settings.MOTCUA_BOOKING_RATE_PER_IP = 0
    assert client.post("/api/v1/appointments", {
        "slot": slots[4].pk, "name": "A", "phone": "0910000099"}, format="json").status_code == 201


def test_api_throttle_per_phone(floor, settings):
    settings.MOTCUA_BOOKING_RATE_PER_PHONE = 1
    settings.MOTCUA_BOOKING_CAP = 0
    slots = slots_for_day(floor.service, TUESDAY)
    client = api()
    assert client.post("/api/v1/appointments", {"slot": slots[0].pk, "name": "A",
                                                "phone": "0910000001"}, format="json").status_code == 201
    res = client.post("/api/v1/appointments", {"slot": slots[1].pk, "name": "A",
                                               "phone": "0910000001"}, format="json")
    assert res.status_code == 429 and res.json()["code"] == "throttled"


def test_api_in_openapi_schema(floor):
    res = api().get("/api/schema/", HTTP_ACCEPT="application/json")
    text = res.content.decode()
    for p in ("/api/v1/appointments/services", "/api/v1/appointments/slots",
              "/api/v1/appointments"):
        assert p in text
    assert "slot_full" in text
