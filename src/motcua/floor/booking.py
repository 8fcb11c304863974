"""Appointments (lịch hẹn): book, cancel, change, remind, no-shows; signed links.

Overbooking is impossible by construction: a place is taken by one conditional UPDATE
``booked = booked + 1 WHERE id = … AND booked < capacity`` (the row lock makes concurrent
bookers queue and re-check the condition), and the check constraint ``booked <= capacity``
refuses any other writer. A second booking over the per-person cap is stopped under a
per-person advisory lock on PostgreSQL (SQLite serialises writers anyway).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.core.dates import format_day
from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.floor.capacity import (
    day_problem,
    in_sessions,
    local_start,
    slot_problem,
    slot_times,
    zone,
)
from motcua.floor.models import ACTIVE_BOOKING, Booking, BookingStatus, FloorService, Slot
from motcua.notifications import Message, notify
from motcua.org.calendars import calendar_for_unit

LINK_SALT = "motcua.floor.booking-link"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a counter


class SlotFull(Conflict):
    def __init__(self) -> None:
        super().__init__("slot_full", "Khung giờ này đã hết chỗ, vui lòng chọn khung giờ khác.",
                         field="slot")


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _clean_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) != 10 or not digits.startswith("0"):
        raise InvalidInput("invalid_phone", _("Số điện thoại không hợp lệ (10 chữ số, bắt đầu "
                                              "bằng 0)."),
                           field="phone")
    return digits


def _clean_id(id_number: str) -> str:
    id_number = (id_number or "").strip()
    if id_number and (len(id_number) != 12 or not id_number.isdigit()):
        raise InvalidInput("invalid_id_number", _("Số định danh cá nhân gồm 12 chữ số."),
                           field="id_number")
    return id_number


def resolve_slot(*, service: FloorService, start: dt.datetime) -> Slot:
    """The slot of ``service`` starting at ``start``: a holiday, the lunch break or a time that
    is not a slot start is a clear error."""
    local = start.astimezone(zone()) if timezone.is_aware(start) else start.replace(tzinfo=zone())
    problem = day_problem(service, local.date())
    if problem is not None:
        raise problem
    for s, e, places in slot_times(service, local.date()):
        if s == local:
            Slot.objects.bulk_create([Slot(service=service, start=s, end=e, capacity=places)],
                                     ignore_conflicts=True)
            return Slot.objects.get(service=service, start=s)
    calendar = calendar_for_unit(service.unit)
    end = local + dt.timedelta(minutes=service.slot_minutes)
    if not in_sessions(calendar, local.time(), end.time()):
        raise InvalidInput("outside_hours",
                           _("Giờ đã chọn nằm ngoài giờ làm việc (giờ nghỉ trưa hoặc ngoài giờ)."),
                           field="start")
    raise InvalidInput("no_such_slot", _("Không có khung giờ hẹn bắt đầu lúc này."), field="start")


def _lock_person(key: str) -> None:
    if connection.vendor == "postgresql":
        digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [digest])


def _check_cap(*, phone: str, id_number: str, slot: Slot, exclude: int | None = None) -> None:
    cap = settings.MOTCUA_BOOKING_CAP
    if cap <= 0:
        return
    days = dt.timedelta(days=settings.MOTCUA_BOOKING_CAP_DAYS)
    person = Q(phone=phone) | (Q(id_number=id_number) if id_number else Q(pk__in=[]))
    held = Booking.objects.filter(person, status__in=ACTIVE_BOOKING,
                                  slot__start__gt=slot.start - days,
                                  slot__start__lt=slot.start + days)
    if exclude:
        held = held.exclude(pk=exclude)
    if held.count() >= cap:
        raise Conflict(
            "booking_cap",
            _("Mỗi người được giữ tối đa %(cap)s lịch hẹn trong %(booking_cap_days)s ngày; vui "
              "lòng hủy lịch cũ trước khi đặt thêm.")
            % {"cap": cap, "booking_cap_days": settings.MOTCUA_BOOKING_CAP_DAYS}, field="phone")


def _take_place(slot_id: int) -> None:
    taken = Slot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(
        booked=F("booked") + 1)
    if taken != 1:
        raise SlotFull()


def _release_place(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def booking_book(*, actor, slot: Slot, name: str, phone: str, id_number: str = "",
                 email: str = "", ip: str | None = None, now: dt.datetime | None = None,
                 ) -> Booking:
    """Đặt lịch hẹn: take one place of ``slot`` or raise SlotFull (409), nothing written."""
    now = now or timezone.now()
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("required", _("Vui lòng nhập họ và tên."), field="name")
    phone = _clean_phone(phone or "")
    id_number = _clean_id(id_number)
    problem = slot_problem(slot, now)
    if problem is not None:
        raise problem
    with transaction.atomic():
        _lock_person(id_number or phone)
        _check_cap(phone=phone, id_number=id_number, slot=slot)
        _take_place(slot.pk)
        booking = Booking.objects.create(
            code=_new_code(), slot=slot, name=name, phone=phone, id_number=id_number,
            email=(email or "").strip(), client_ip=ip)
        audit_record(actor=actor, event_type="floor.booking_created", obj=booking,
                     data={"code": booking.code, "slot": slot.pk})
        _confirm(booking, "floor.booking_created", "Xác nhận lịch hẹn")
    return booking


def _confirm(booking: Booking, event: str, subject: str) -> None:
    start = local_start(booking.slot)
    notify(Message(
        event=event, subject=subject,
        body=(f"Lịch hẹn {booking.code}: {booking.slot.service.name}, "
              f"{start:%H:%M} ngày {format_day(start.date())} tại "
              f"{booking.slot.service.unit.name}."),
        recipients=(booking.email,) if booking.email else (), phones=(booking.phone,),
        data={"booking": booking.code}))


def booking_cancel(*, actor, booking: Booking, now: dt.datetime | None = None) -> Booking:
    """Hủy lịch hẹn: frees the place."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != BookingStatus.BOOKED:
            raise Conflict("booking_not_active", _("Lịch hẹn này đã được hủy hoặc đã sử dụng."))
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now or timezone.now()
        booking.changes += 1
        booking.save(update_fields=["status", "cancelled_at", "changes"])
        _release_place(booking.slot_id)
        audit_record(actor=actor, event_type="floor.booking_cancelled", obj=booking,
                     data={"code": booking.code})
        _confirm(booking, "floor.booking_cancelled", "Đã hủy lịch hẹn")
    return booking


def booking_change(*, actor, booking: Booking, slot: Slot, now: dt.datetime | None = None,
                   ) -> Booking:
    """Đổi lịch hẹn: the new place is taken before the old one is freed, in one transaction."""
    now = now or timezone.now()
    problem = slot_problem(slot, now)
    if problem is not None:
        raise problem
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != BookingStatus.BOOKED:
            raise Conflict("booking_not_active", _("Lịch hẹn này đã được hủy hoặc đã sử dụng."))
        if slot.service_id != booking.slot.service_id:
            raise InvalidInput("other_service", _("Chỉ đổi sang khung giờ của cùng dịch vụ."),
                               field="slot")
        if slot.pk == booking.slot_id:
            return booking
        _check_cap(phone=booking.phone, id_number=booking.id_number, slot=slot,
                   exclude=booking.pk)
        _take_place(slot.pk)
        _release_place(booking.slot_id)
        old = booking.slot_id
        booking.slot = slot
        booking.changes += 1
        booking.reminded_at = None
        booking.save(update_fields=["slot", "changes", "reminded_at"])
        audit_record(actor=actor, event_type="floor.booking_changed", obj=booking,
                     data={"code": booking.code, "from": old, "to": slot.pk})
        _confirm(booking, "floor.booking_changed", "Đã đổi lịch hẹn")
    return booking


# Signed cancel/change links --------------------------------------------------------------

def booking_token(booking: Booking) -> str:
    """A link token bound to the booking's code and its change count: once the booking is
    changed or cancelled, an earlier link no longer works."""
    return signing.dumps({"c": booking.code, "n": booking.changes}, salt=LINK_SALT)


def booking_from_token(token: str) -> Booking:
    try:
        data = signing.loads(token, salt=LINK_SALT,
                             max_age=dt.timedelta(days=settings.MOTCUA_BOOKING_LINK_DAYS))
    except signing.SignatureExpired:
        raise NotAllowed("link_expired", _("Liên kết đã hết hạn.")) from None
    except signing.BadSignature:
        raise NotAllowed("link_invalid",
                         _("Liên kết không hợp lệ (bị sửa hoặc không do hệ thống cấp).")) from None
    booking = Booking.objects.select_related("slot__service__unit").filter(
        code=data.get("c")).first()
    if booking is None:
        raise NotAllowed("link_invalid", _("Liên kết không hợp lệ."))
    if booking.changes != data.get("n") or booking.status != BookingStatus.BOOKED:
        raise Conflict("link_used",
                       _("Liên kết này đã được dùng: lịch hẹn đã được hủy hoặc đổi. Hãy dùng "
                         "liên kết trong thông báo mới nhất."))
    return booking


def booking_ics(booking: Booking, *, url: str = "") -> bytes:
    """The booking as an iCalendar file (tệp lịch .ics)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Motcua//Lich hen//VI")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"{booking.code}@motcua")
    event.add("summary", f"Lịch hẹn {booking.code}: {booking.slot.service.name}")
    event.add("dtstart", booking.slot.start.astimezone(zone()))
    event.add("dtend", booking.slot.end.astimezone(zone()))
    event.add("dtstamp", timezone.now())
    unit = booking.slot.service.unit
    event.add("location", f"{unit.name}, {unit.address}".strip(", "))
    if url:
        event.add("url", url)
    event.add("description", f"Mã lịch hẹn: {booking.code}. Mang theo giấy tờ tùy thân.")
    cal.add_component(event)
    return cal.to_ical()


# Reminders and no-shows ------------------------------------------------------------------

def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Nhắc lịch: one reminder the day before, for bookings of tomorrow (local)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time.min, zone())
    end = start + dt.timedelta(days=1)
    sent = 0
    rows = Booking.objects.select_related("slot__service__unit").filter(
        status=BookingStatus.BOOKED, reminded_at__isnull=True,
        slot__start__gte=start, slot__start__lt=end)
    for booking in rows:
        with transaction.atomic():
            if Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(
                    reminded_at=now) != 1:
                continue  # another worker sent it
            _confirm(booking, "floor.booking_reminder", "Nhắc lịch hẹn ngày mai")
            sent += 1
    return sent


def mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """Không đến: bookings still unused after their slot ended plus the grace minutes."""
    now = now or timezone.now()
    grace = dt.timedelta(minutes=settings.MOTCUA_CHECKIN_LATE_MINUTES)
    return Booking.objects.filter(status=BookingStatus.BOOKED,
                                  slot__end__lt=now - grace).update(status=BookingStatus.NO_SHOW)
