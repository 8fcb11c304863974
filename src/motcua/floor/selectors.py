"""Reads of the floor: bookable services, booking lookups, the display's state, statistics."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q
from django.utils import timezone

from motcua.floor.models import Booking, Call, FloorService, Rating, Ticket, TicketState
from motcua.org.models import Unit


def unit_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code, is_active=True).first()


def bookable_services(unit: Unit):
    return FloorService.objects.filter(unit=unit, bookable=True, is_open=True).order_by(
        "number_base", "code")


def service_by_ref(unit: Unit, ref: str) -> FloorService | None:
    qs = FloorService.objects.filter(unit=unit)
    if ref.isdigit():
        found = qs.filter(pk=int(ref)).first()
        if found is not None:
            return found
    return qs.filter(code=ref).first()


def booking_by_code(code: str) -> Booking | None:
    return Booking.objects.select_related("slot__service__unit").filter(
        code=(code or "").strip().upper()).first()


def display_state(unit: Unit, *, last: int = 8) -> dict:
    """What the display shows on load: the ticket at each counter and the last calls."""
    today = timezone.localdate()
    current = (Ticket.objects.filter(service__unit=unit, day=today,
                                     state__in=(TicketState.CALLED, TicketState.SERVING))
               .select_related("counter").order_by("counter__number"))
    calls = list(Call.objects.filter(unit=unit, at__date=today).select_related("ticket", "counter")
                 .order_by("-id")[:last])
    return {"current": current, "calls": calls,
            "last_id": calls[0].pk if calls else
            (Call.objects.filter(unit=unit).order_by("-id").values_list("id", flat=True).first()
             or 0)}


def rating_summary(*, unit: Unit | None = None, date_from: dt.date | None = None,
                   date_to: dt.date | None = None) -> dict:
    """Counts per level and the satisfied share (Rất hài lòng + Hài lòng)."""
    qs = Rating.objects.all()
    if unit is not None:
        qs = qs.filter(unit=unit)
    if date_from is not None:
        qs = qs.filter(at__date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(at__date__lte=date_to)
    agg = qs.aggregate(total=Count("id"), very=Count("id", filter=Q(level=2)),
                       ok=Count("id", filter=Q(level=1)), bad=Count("id", filter=Q(level=0)),
                       score=Avg("level"))
    total = agg["total"] or 0
    agg["satisfied_pct"] = round(100 * (agg["very"] + agg["ok"]) / total, 1) if total else None
    return agg


# Complaints (phản ánh, kiến nghị) ----------------------------------------------------------

def complaints_for_officer(user, *, status: str = ""):
    """Complaints of the units whose complaints ``user`` handles (``floor.permissions``),
    unanswered first, each by deadline."""
    from motcua.floor.models import Complaint, ComplaintStatus
    from motcua.floor.permissions import complaint_unit_ids

    qs = Complaint.objects.filter(unit_id__in=complaint_unit_ids(user)).select_related(
        "unit", "answered_by")
    if status in ComplaintStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-status", "due_at", "-submitted_at")  # "received" > "answered"


def complaint_for_officer(user, code: str):
    """The complaint ``code`` if ``user`` handles its unit, else None (a 404: no leak)."""
    return complaints_for_officer(user).filter(code=code).first()


def published_complaints(limit: int = 20):
    """Answers the unit chose to publish (only possible where the citizen allowed it)."""
    from motcua.floor.models import Complaint

    return (Complaint.objects.filter(published=True).select_related("unit")
            .order_by("-answered_at")[:limit])
