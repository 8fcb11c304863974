"""Gọi số tại quầy: the officer's counter page (call next, recall, start, served, absent,
transfer) over ``motcua.floor.queue``. The counter is the one of the officer's membership."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core.errors import DomainError
from motcua.floor import queue
from motcua.floor.models import FloorService, Ticket, TicketState
from motcua.org.models import Counter, Membership
from motcua.workspace.views import staff_required


def _id(value) -> int:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 18 else 0


def officer_counter(user) -> Counter | None:
    m = (Membership.objects.filter(user=user, counter__isnull=False)
         .select_related("counter__center").first())
    return m.counter if m else None


@require_http_methods(["GET", "POST"])
@staff_required
def counter_page(request):
    counter = officer_counter(request.user)
    if counter is None:
        raise PermissionDenied(_("Bạn chưa được phân công ngồi quầy nào."))
    if request.method == "POST":
        action = request.POST.get("action", "")
        current = queue.counter_current(counter)
        try:
            if action == "next":
                ticket = queue.ticket_call_next(actor=request.user, counter=counter)
                if ticket is None:
                    messages.info(request, _("Không còn ai đang chờ."))
            elif action == "call":
                ticket = Ticket.objects.filter(pk=_id(request.POST.get("ticket"))).first()
                if ticket is None:
                    raise DomainError("not_found", _("Không tìm thấy số thứ tự."))
                queue.ticket_call(actor=request.user, ticket=ticket, counter=counter)
            elif current is None:
                raise DomainError("no_ticket", _("Quầy chưa gọi số nào."))
            elif action == "recall":
                queue.ticket_recall(actor=request.user, ticket=current, counter=counter)
            elif action == "start":
                queue.ticket_start(actor=request.user, ticket=current, counter=counter)
            elif action == "served":
                queue.ticket_served(actor=request.user, ticket=current, counter=counter)
            elif action == "absent":
                queue.ticket_absent(actor=request.user, ticket=current, counter=counter)
            elif action == "transfer":
                to_counter = Counter.objects.filter(
                    pk=_id(request.POST.get("to_counter")), center=counter.center).first()
                to_service = FloorService.objects.filter(
                    pk=_id(request.POST.get("to_service")), unit=counter.center).first()
                queue.ticket_transfer(actor=request.user, ticket=current, counter=counter,
                                      to_counter=to_counter, to_service=to_service)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("workspace:counter")
    current = queue.counter_current(counter)
    services = list(queue.counter_services(counter))
    waiting = Ticket.objects.filter(service__in=services, day=timezone.localdate(),
                                    state=TicketState.WAITING).select_related("service", "booking")
    intake_url = ""
    if current is not None:
        intake_url = reverse("workspace:intake") + f"?ticket={current.pk}"
    return render(request, "workspace/counter.html", {
        "counter": counter, "current": current, "services": services,
        "waiting": queue._queue_order(waiting, timezone.now()), "intake_url": intake_url,
        "counters": Counter.objects.filter(center=counter.center, is_active=True),
        "all_services": FloorService.objects.filter(unit=counter.center, is_open=True),
        "ws_section": "counter"})


def ticket_applicant(user, ticket_id: str) -> tuple[Ticket | None, dict]:
    """Intake prefill from a called ticket's booking (name, phone, ID number, e-mail)."""
    counter = officer_counter(user)
    if counter is None or not ticket_id.isdigit():
        return None, {}
    ticket = Ticket.objects.select_related("booking").filter(pk=int(ticket_id),
                                                             counter=counter).first()
    if ticket is None:
        return None, {}
    booking = ticket.booking
    if booking is None:
        return ticket, {}
    return ticket, {"name": booking.name, "phone": booking.phone,
                    "id_number": booking.id_number, "email": booking.email}
