"""Queue tickets (số thứ tự) and counter calling (gọi số).

A ticket's life is a chain of time-boxed periods (TicketPeriod, as bcgov queue-management):
waiting → called → serving → (served | absent), or back to waiting on a transfer. Exactly one
period is open at a time (a partial unique constraint), so waiting and serving times are sums.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.floor.capacity import local_start
from motcua.floor.models import (
    OPEN_STATES,
    Booking,
    BookingStatus,
    Call,
    FloorService,
    Ticket,
    TicketPeriod,
    TicketSequence,
    TicketState,
)
from motcua.org.models import Counter


def _next_number(service: FloorService, day: dt.date) -> int:
    for _attempt in range(5):
        if TicketSequence.objects.filter(service=service, day=day).update(last=F("last") + 1):
            return service.number_base + TicketSequence.objects.get(service=service, day=day).last
        TicketSequence.objects.bulk_create([TicketSequence(service=service, day=day, last=0)],
                                           ignore_conflicts=True)
    raise Conflict("sequence_busy", _("Không cấp được số thứ tự, vui lòng thử lại."))  # pragma: no cover


def _open_period(ticket: Ticket, state: str, at: dt.datetime, *, counter=None, officer=None):
    TicketPeriod.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=at)
    TicketPeriod.objects.create(ticket=ticket, state=state, started_at=at, counter=counter,
                                officer=officer)


def _close_periods(ticket: Ticket, at: dt.datetime) -> None:
    TicketPeriod.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=at)


def ticket_issue(*, actor, service: FloorService, booking: Booking | None = None,
                 now: dt.datetime | None = None) -> Ticket:
    """Lấy số: a numbered ticket for a walk-in (or a checked-in booking)."""
    now = now or timezone.now()
    if not service.is_open:
        raise Conflict("service_closed",
                       _("Dịch vụ “%(service)s” đang tạm ngừng, không cấp số thứ tự.")
                       % {"service": service.name})
    with transaction.atomic():
        day = timezone.localdate(now)
        ticket = Ticket.objects.create(
            service=service, day=day, number=_next_number(service, day), booking=booking,
            issued_at=now, priority=booking is not None)
        _open_period(ticket, TicketState.WAITING, now)
        audit_record(actor=actor, event_type="floor.ticket_issued", obj=ticket,
                     data={"number": ticket.number, "service": service.code})
    return ticket


def ticket_check_in(*, actor, unit, code: str, now: dt.datetime | None = None) -> Ticket:
    """Check-in by booking code (hoặc mã QR): the booking becomes a priority ticket."""
    now = now or timezone.now()
    code = (code or "").strip().upper()
    if code.startswith("HTTP"):  # a scanned QR: the code is the last path part
        code = code.rstrip("/").rsplit("/", 1)[-1]
    with transaction.atomic():
        booking = (Booking.objects.select_for_update().select_related("slot__service")
                   .filter(code=code, slot__service__unit=unit).first())
        if booking is None:
            raise InvalidInput("booking_not_found", _("Không tìm thấy lịch hẹn với mã này."),
                               field="code")
        if booking.status != BookingStatus.BOOKED:
            raise Conflict("booking_not_active", _("Lịch hẹn này đã được hủy hoặc đã sử dụng."),
                           field="code")
        start = local_start(booking.slot)
        if start.date() != timezone.localdate(now):
            raise Conflict("booking_other_day",
                           _("Lịch hẹn này vào ngày %(date)s, không phải hôm nay.")
                           % {"date": start.strftime("%d/%m/%Y")},
                           field="code")
        early = dt.timedelta(minutes=settings.MOTCUA_CHECKIN_EARLY_MINUTES)
        if now < booking.slot.start - early:
            raise Conflict("too_early",
                           _("Lịch hẹn lúc %(time)s: vui lòng quay lại từ %(earliest)s.")
                           % {"time": start.strftime("%H:%M"),
                              "earliest": (start - early).strftime("%H:%M")}, field="code")
        booking.status = BookingStatus.CHECKED_IN
        booking.save(update_fields=["status"])
        ticket = ticket_issue(actor=actor, service=booking.slot.service, booking=booking, now=now)
    return ticket


@dataclass(frozen=True)
class Wait:
    ahead: int
    minutes: int


def _queue_order(qs, now: dt.datetime):
    """Booked citizens first within the window around their slot, then by ticket time."""
    window = dt.timedelta(minutes=settings.MOTCUA_FLOOR_PRIORITY_MINUTES)
    due = Q(priority=True, booking__slot__start__lte=now + window) | Q(priority=True,
                                                                       booking__isnull=True)
    return [*qs.filter(due).order_by("booking__slot__start", "issued_at"),
            *qs.exclude(due).order_by("issued_at")]


def ticket_wait(ticket: Ticket, *, now: dt.datetime | None = None) -> Wait:
    """People ahead (số người đang chờ trước) and the estimated wait in minutes."""
    now = now or timezone.now()
    waiting = Ticket.objects.filter(service=ticket.service, day=ticket.day,
                                    state=TicketState.WAITING)
    order = [t.pk for t in _queue_order(waiting, now)]
    ahead = order.index(ticket.pk) if ticket.pk in order else len(order)
    counters = max(ticket.service.counters.filter(is_active=True).count(), 1)
    return Wait(ahead, math.ceil(ahead * ticket.service.service_minutes / counters))


def counter_services(counter: Counter):
    return FloorService.objects.filter(counters=counter, is_open=True)


def counter_current(counter: Counter) -> Ticket | None:
    return (Ticket.objects.select_related("service", "booking")
            .filter(counter=counter, state__in=(TicketState.CALLED, TicketState.SERVING),
                    day=timezone.localdate()).order_by("-issued_at").first())


def _call(ticket: Ticket, counter: Counter, officer, now: dt.datetime) -> Call:
    text = f"Mời công dân số {ticket.number} đến quầy số {counter.number}"
    call = Call.objects.create(unit=ticket.service.unit, ticket=ticket, counter=counter,
                               text=text, at=now)
    from motcua.floor import display  # publishes after commit; display imports models only

    transaction.on_commit(lambda: display.published(call.pk, call.unit_id, text))
    return call


def _lockable(qs):
    if connection.vendor == "postgresql":
        return qs.select_for_update(skip_locked=True, of=("self",))
    return qs


def _check_free(counter: Counter) -> None:
    current = counter_current(counter)
    if current is not None:
        raise Conflict("counter_busy",
                       _("Quầy đang phục vụ số %(number)s: hãy đánh dấu đã phục vụ hoặc vắng "
                         "mặt trước khi gọi số mới.") % {"number": current.number})


def _set_called(ticket: Ticket, counter: Counter, officer, now: dt.datetime) -> None:
    ticket.state = TicketState.CALLED
    ticket.counter = counter
    ticket.officer = officer
    ticket.save(update_fields=["state", "counter", "officer"])
    _open_period(ticket, TicketState.CALLED, now, counter=counter, officer=officer)
    _call(ticket, counter, officer, now)
    audit_record(actor=officer, event_type="floor.ticket_called", obj=ticket,
                 data={"number": ticket.number, "counter": counter.number})


def ticket_call_next(*, actor, counter: Counter, now: dt.datetime | None = None) -> Ticket | None:
    """Gọi số tiếp theo for the services of ``counter``; None when nobody is waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        _check_free(counter)
        waiting = _lockable(Ticket.objects.filter(
            service__in=counter_services(counter), day=timezone.localdate(now),
            state=TicketState.WAITING).filter(Q(counter__isnull=True) | Q(counter=counter)))
        order = _queue_order(waiting, now)
        if not order:
            return None
        ticket = order[0]
        _set_called(ticket, counter, actor, now)
    return ticket


def ticket_call(*, actor, ticket: Ticket, counter: Counter, now: dt.datetime | None = None,
                ) -> Ticket:
    """Gọi một số cụ thể: only from a counter that serves the ticket's service."""
    now = now or timezone.now()
    if not ticket.service.counters.filter(pk=counter.pk).exists():
        raise NotAllowed("counter_not_serving",
                         _("Quầy số %(number)s không phục vụ dịch vụ “%(service)s”.")
                         % {"number": counter.number, "service": ticket.service.name})
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.state != TicketState.WAITING:
            raise Conflict("ticket_not_waiting", _("Số %(number)s không còn đang chờ.")
                                                 % {"number": ticket.number})
        _check_free(counter)
        _set_called(ticket, counter, actor, now)
    return ticket


def _own(ticket: Ticket, counter: Counter, states) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.counter_id != counter.pk or ticket.state not in states:
        raise Conflict("ticket_not_at_counter",
                       _("Số %(number)s không đang được phục vụ tại quầy này.")
                       % {"number": ticket.number})
    return ticket


def ticket_recall(*, actor, ticket: Ticket, counter: Counter, now=None) -> Ticket:
    """Gọi lại."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _own(ticket, counter, (TicketState.CALLED,))
        _call(ticket, counter, actor, now)
        audit_record(actor=actor, event_type="floor.ticket_recalled", obj=ticket,
                     data={"number": ticket.number})
    return ticket


def ticket_start(*, actor, ticket: Ticket, counter: Counter, now=None) -> Ticket:
    """Bắt đầu phục vụ (the citizen is at the counter)."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _own(ticket, counter, (TicketState.CALLED, TicketState.SERVING))
        if ticket.state == TicketState.CALLED:
            ticket.state = TicketState.SERVING
            ticket.save(update_fields=["state"])
            _open_period(ticket, TicketState.SERVING, now, counter=counter, officer=actor)
    return ticket


def _finish(ticket: Ticket, counter: Counter, actor, state: str, now) -> Ticket:
    with transaction.atomic():
        ticket = _own(ticket, counter, (TicketState.CALLED, TicketState.SERVING))
        if state == TicketState.SERVED and ticket.state == TicketState.CALLED:
            _open_period(ticket, TicketState.SERVING, now, counter=counter, officer=actor)
        ticket.state = state
        ticket.save(update_fields=["state"])
        _close_periods(ticket, now)
        audit_record(actor=actor, event_type=f"floor.ticket_{state}", obj=ticket,
                     data={"number": ticket.number})
    return ticket


def ticket_served(*, actor, ticket: Ticket, counter: Counter, now=None) -> Ticket:
    """Đã phục vụ."""
    return _finish(ticket, counter, actor, TicketState.SERVED, now or timezone.now())


def ticket_absent(*, actor, ticket: Ticket, counter: Counter, now=None) -> Ticket:
    """Vắng mặt."""
    return _finish(ticket, counter, actor, TicketState.ABSENT, now or timezone.now())


def ticket_transfer(*, actor, ticket: Ticket, counter: Counter, to_counter: Counter | None = None,
                    to_service: FloorService | None = None, now=None) -> Ticket:
    """Chuyển quầy hoặc dịch vụ: the ticket waits again, keeping its number."""
    now = now or timezone.now()
    service = to_service
    if to_counter is None and to_service is None:
        raise InvalidInput("transfer_target", _("Chọn quầy hoặc dịch vụ để chuyển."), field="to")
    with transaction.atomic():
        ticket = _own(ticket, counter, (TicketState.CALLED, TicketState.SERVING))
        service = service or ticket.service
        if service.unit_id != ticket.service.unit_id:
            raise InvalidInput("transfer_target", _("Chỉ chuyển trong cùng trung tâm."), field="to")
        if to_counter is not None and not service.counters.filter(pk=to_counter.pk).exists():
            raise NotAllowed("counter_not_serving",
                             _("Quầy số %(number)s không phục vụ dịch vụ “%(service)s”.")
                             % {"number": to_counter.number, "service": service.name})
        ticket.service = service
        ticket.state = TicketState.WAITING
        ticket.counter = to_counter
        ticket.priority = True  # a transferred citizen has already waited once
        ticket.save(update_fields=["service", "state", "counter", "priority"])
        _open_period(ticket, TicketState.WAITING, now)
        audit_record(actor=actor, event_type="floor.ticket_transferred", obj=ticket,
                     data={"number": ticket.number, "service": service.code,
                           "counter": to_counter.number if to_counter else None})
    return ticket


def ticket_link_dossier(*, actor, ticket: Ticket, dossier) -> None:
    """Tie the ticket to the dossier received from it (for ratings and statistics)."""
    with transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(dossier=dossier)
        audit_record(actor=actor, event_type="floor.ticket_dossier", obj=ticket, dossier=dossier,
                     data={"number": ticket.number})


def open_tickets(unit, day: dt.date):
    return Ticket.objects.filter(service__unit=unit, day=day, state__in=OPEN_STATES)
