"""Dossier reads (truy vấn hồ sơ): unit-scoped, overdue in SQL, no N+1."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core.errors import InvalidInput, NotAllowed
from motcua.dossiers import deadlines
from motcua.dossiers.models import Apology, Dossier, DossierStep, StatusChange
from motcua.dossiers.states import FINAL, PAUSED, PROCESSING_ENDED, Status
from motcua.org import permissions
from motcua.worktime import Timeliness, classify

# Not overdue whatever the due time: finished, processing ended, or clock stopped.
NOT_RUNNING = sorted(set(FINAL) | set(PROCESSING_ENDED) | set(PAUSED) | {Status.SUBMITTED})
# The same sets written positively: an IN list lets the (status, due_at) and
# (status, received_at) indexes serve worklists, where NOT IN makes the database scan every
# dossier (measured: overdue count at 1M dossiers on SQLite, 1.0 s -> 0.09 s).
RUNNING = sorted(set(Status.values) - set(NOT_RUNNING))
OPEN = sorted(set(Status.values) - set(FINAL))


def overdue_q(now: dt.datetime | None = None) -> Q:
    """SQL condition of ``Dossier.is_overdue``: due passed, clock running."""
    now = now or timezone.now()
    return Q(status__in=RUNNING, due_at__lt=now)


def _base() -> QuerySet[Dossier]:
    return Dossier.objects.select_related(
        "procedure_version", "procedure_version__procedure", "field", "receiving_unit",
        "competent_unit", "current_unit", "holder", "current_step",
    )


def visible_to(user) -> QuerySet[Dossier]:
    """Dossiers a staff member may see (receiving, competent, current or a step's unit)."""
    qs = _base()
    if getattr(user, "is_superuser", False):
        return qs
    units = permissions.staff_units(user)
    if not units:
        return qs.none()
    step_dossiers = DossierStep.objects.filter(unit_id__in=units).values("dossier_id")
    return qs.filter(
        Q(receiving_unit_id__in=units) | Q(competent_unit_id__in=units)
        | Q(current_unit_id__in=units) | Q(pk__in=step_dossiers)
    )


def _dt(value, name: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        try:
            parsed = dt.datetime.combine(dt.date.fromisoformat(str(value)), dt.time())
        except ValueError:
            raise InvalidInput("filter_invalid", f"Giá trị lọc “{name}” không hợp lệ.",
                               field=name) from None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def dossier_list(*, user, filters: dict | None = None, now: dt.datetime | None = None
                 ) -> QuerySet[Dossier]:
    """Dossiers visible to ``user``, filtered.

    Filters: unit (id: receiving, competent or current), status (internal, comma list),
    national_status, overdue (bool), due_before, procedure (code), field (code),
    received_from / received_to (dates, inclusive), holder (user id), q (code prefix or name).
    """
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    qs = visible_to(user)
    if "unit" in filters:
        u = filters["unit"]
        qs = qs.filter(Q(receiving_unit_id=u) | Q(competent_unit_id=u) | Q(current_unit_id=u))
    if "status" in filters:
        statuses = [s.strip() for s in str(filters["status"]).split(",") if s.strip()]
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise InvalidInput("filter_invalid", "Trạng thái lọc không hợp lệ.", field="status")
        qs = qs.filter(status__in=statuses)
    if "national_status" in filters:
        qs = qs.filter(national_status=filters["national_status"])
    if "overdue" in filters:
        flag = str(filters["overdue"]).lower() in ("1", "true", "yes", "on")
        qs = qs.filter(overdue_q(now)) if flag else qs.exclude(overdue_q(now))
    if "due_before" in filters:
        qs = qs.filter(due_at__lt=_dt(filters["due_before"], "due_before"))
    if "procedure" in filters:
        qs = qs.filter(procedure_version__procedure__code=filters["procedure"])
    if "field" in filters:
        qs = qs.filter(field__code=filters["field"])
    if "received_from" in filters:
        qs = qs.filter(received_at__gte=_dt(filters["received_from"], "received_from"))
    if "received_to" in filters:
        end = _dt(filters["received_to"], "received_to")
        if end.time() == dt.time():
            end += dt.timedelta(days=1)
            qs = qs.filter(received_at__lt=end)
        else:
            qs = qs.filter(received_at__lte=end)
    if "holder" in filters:
        qs = qs.filter(holder_id=filters["holder"])
    if "q" in filters:
        q = str(filters["q"]).strip()
        qs = qs.filter(Q(code__istartswith=q) | Q(applicant_name__icontains=q))
    return qs.order_by("-received_at", "-id")


def dossier_get(*, user, code: str) -> Dossier:
    """One dossier by code; Dossier.DoesNotExist if absent, NotAllowed if not visible."""
    dossier = _base().get(code=code)
    if not permissions.can_view_dossier(user, dossier):
        raise NotAllowed("unit_not_allowed", "Bạn không có quyền xem hồ sơ này.")
    return dossier


def dossier_worklist(*, user) -> QuerySet[Dossier]:
    """Open dossiers currently held by the user's units (việc cần xử lý)."""
    units = permissions.staff_units(user)
    return (
        _base().filter(current_unit_id__in=units, status__in=OPEN)
        .order_by("due_at", "id")
    )


def dossier_overdue(*, now: dt.datetime | None = None) -> QuerySet[Dossier]:
    return _base().filter(overdue_q(now)).order_by("due_at")


def dossier_history(*, dossier: Dossier) -> QuerySet[StatusChange]:
    return dossier.status_changes.select_related("actor", "unit", "step").order_by("at", "id")


def dossier_steps(*, dossier: Dossier) -> QuerySet[DossierStep]:
    return dossier.steps.select_related("unit", "assignee", "finished_by").order_by("order", "id")


def dossier_timeliness(dossier: Dossier, *, now: dt.datetime | None = None) -> Timeliness | None:
    """Early / on time / late against the ORIGINAL due time (an apology does not make a late
    dossier on time). For an unfinished dossier: LATE once the original due has passed, else
    None."""
    due = dossier.original_due_at or dossier.due_at
    if due is None:
        return None
    calendar = deadlines.calendar_for_dossier(dossier)
    if dossier.finished_at is not None:
        return classify(dossier.finished_at, due, calendar)
    if (now or timezone.now()) > due:
        return Timeliness.LATE
    return None


def apology_register(*, unit, date_from: dt.date | None = None, date_to: dt.date | None = None
                     ) -> QuerySet[Apology]:
    """Sổ xin lỗi of a unit (apologies it issued), newest first."""
    qs = Apology.objects.filter(unit=unit).select_related(
        "dossier", "dossier__procedure_version", "issued_by", "escalated_to"
    )
    if date_from:
        qs = qs.filter(issued_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(issued_at__date__lte=date_to)
    return qs.order_by("-issued_at")
