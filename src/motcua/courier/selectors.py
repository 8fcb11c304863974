"""Courier reads (tra cứu): runs and batches of a day, a dossier's custody, dossiers in transit
too long, time in transit against the deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from motcua.courier import permissions
from motcua.courier.models import (
    Batch,
    CustodyEvent,
    HomeDelivery,
    Manifest,
    PaperTrail,
    Run,
    TrailState,
)

TRANSIT_STATES = (TrailState.IN_TRANSIT, TrailState.OUT_FOR_DELIVERY, TrailState.MISSING)


def batches_for_courier(user, day: dt.date) -> QuerySet[Batch]:
    """The batches of ``day``'s runs of the centers ``user`` is the courier of."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return (Batch.objects.filter(run__center_id__in=permissions.courier_center_ids(user),
                                 run__scheduled_at__gte=start,
                                 run__scheduled_at__lt=start + dt.timedelta(days=1))
            .select_related("run", "origin", "destination")
            .annotate(size=Count("lines"))
            .order_by("run__scheduled_at", "direction", "destination__name"))


def runs_of_day(center_ids, day: dt.date) -> QuerySet[Run]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return (Run.objects.filter(center_id__in=center_ids, scheduled_at__gte=start,
                               scheduled_at__lt=start + dt.timedelta(days=1))
            .order_by("scheduled_at"))


def batches_to_receive(user) -> QuerySet[Batch]:
    """Batches on their way to a unit where ``user`` is an officer."""
    from motcua.org.permissions import memberships

    units = {u for u, r in memberships(user) if r in permissions.STAFF_ROLES}
    return (Batch.objects.filter(destination_id__in=units, status="collected")
            .select_related("run", "origin", "destination").annotate(size=Count("lines"))
            .order_by("collected_at"))


def batch_lines(batch: Batch) -> QuerySet[Manifest]:
    return (batch.lines.select_related("dossier", "dossier__procedure_version")
            .order_by("dossier__code"))


def custody_timeline(dossier) -> QuerySet[CustodyEvent]:
    return (CustodyEvent.objects.filter(dossier=dossier)
            .select_related("place", "holder", "batch", "actor").order_by("at", "pk"))


def paper_trail(dossier) -> PaperTrail | None:
    return (PaperTrail.objects.filter(dossier=dossier)
            .select_related("place", "holder", "destination").first())


def deliveries(dossier) -> QuerySet[HomeDelivery]:
    return HomeDelivery.objects.filter(dossier=dossier).select_related("courier")


def deliveries_for_courier(user) -> QuerySet[HomeDelivery]:
    return (HomeDelivery.objects.filter(courier=user, status="handed_off")
            .select_related("dossier").order_by("handed_off_at"))


def transit_time(dossier, *, now: dt.datetime | None = None) -> dt.timedelta:
    """Total time the paper spent with the courier (in transit or out for delivery)."""
    now = now or timezone.now()
    total = dt.timedelta(0)
    started = None
    for event in CustodyEvent.objects.filter(dossier=dossier).order_by("at", "pk"):
        if started is not None:
            total += event.at - started
            started = None
        if event.state in (TrailState.IN_TRANSIT, TrailState.OUT_FOR_DELIVERY):
            started = event.at
    if started is not None:
        total += now - started
    return total


@dataclass
class TransitSummary:
    in_transit: dt.timedelta
    allowed: dt.timedelta | None

    @property
    def share(self) -> float | None:
        if not self.allowed or self.allowed.total_seconds() <= 0:
            return None
        return self.in_transit / self.allowed


def transit_against_deadline(dossier, *, now: dt.datetime | None = None) -> TransitSummary:
    """Time in transit and the time allowed from receipt to the due time (thời hạn)."""
    allowed = None
    if dossier.received_at and dossier.due_at:
        allowed = dossier.due_at - dossier.received_at
    return TransitSummary(in_transit=transit_time(dossier, now=now), allowed=allowed)


def alert_hours() -> float:
    return float(getattr(settings, "MOTCUA_COURIER_TRANSIT_ALERT_HOURS", 4))


def overdue_in_transit(*, center_ids=None, hours: float | None = None,
                       now: dt.datetime | None = None) -> QuerySet[PaperTrail]:
    """Paper dossiers with the courier (or missing) for longer than ``hours``
    (``settings.MOTCUA_COURIER_TRANSIT_ALERT_HOURS``)."""
    now = now or timezone.now()
    if hours is None:
        hours = alert_hours()
    qs = PaperTrail.objects.filter(state__in=TRANSIT_STATES,
                                   since__lte=now - dt.timedelta(hours=hours))
    if center_ids is not None:
        qs = qs.filter(Q(dossier__receiving_unit_id__in=center_ids))
    return (qs.select_related("dossier", "holder", "destination", "place")
            .order_by("since"))
