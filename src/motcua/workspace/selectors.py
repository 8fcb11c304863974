"""Page-specific reads of the staff workspace (không gian làm việc của cán bộ).

Everything about who sees which dossier comes from ``motcua.dossiers.selectors`` (unit scoping)
and ``motcua.dossiers.permissions``; this module only shapes those reads for the pages: the
worklists (danh sách việc), the dossier timeline, the procedures a center receives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from motcua.catalog.selectors import procedures_search
from motcua.core.orm_speed import ShapedSQL
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import Apology, Dossier, DossierPause, StatusChange
from motcua.dossiers.states import CLOSED_WITH_NOTICE, PAUSED, Status
from motcua.dossiers.transitions import TRANSITIONS
from motcua.org import permissions
from motcua.org.calendars import calendar_for_unit
from motcua.org.models import Membership, Role, Unit
from motcua.worktime import Duration

NOT_RUNNING = dossier_selectors.NOT_RUNNING


@dataclass(frozen=True)
class Worklist:
    key: str
    label: str
    help: str


WORKLISTS: list[Worklist] = [
    Worklist("mine", _("Hồ sơ tôi đang giữ"), _("Hồ sơ đang được giao cho tôi xử lý.")),
    Worklist("unit", _("Hồ sơ của đơn vị"), _("Hồ sơ đang ở đơn vị tôi (chưa kết thúc).")),
    Worklist("due_soon", _("Sắp đến hạn"), _("Còn trong thời gian cảnh báo trước hạn trả.")),
    Worklist("overdue", _("Quá hạn"), _("Đã qua hạn trả mà chưa xử lý xong.")),
    Worklist("paused", _("Tạm dừng"), _("Chờ bổ sung hồ sơ hoặc chờ thực hiện nghĩa vụ tài chính.")),
    Worklist("to_return", _("Chờ trả kết quả"), _("Kết quả đã về trung tâm, chờ trả công dân.")),
    Worklist("submitted", _("Hồ sơ trực tuyến chờ tiếp nhận"),
             _("Hồ sơ nộp trực tuyến chờ tiếp nhận tại đơn vị tôi.")),
    Worklist("notices", _("Chờ trao thông báo"),
             _("Hồ sơ bị từ chối giải quyết, rút hoặc dừng: trao thông báo cho công dân.")),
    Worklist("all", _("Tất cả hồ sơ"), _("Mọi hồ sơ tôi được xem.")),
]
WORKLIST_KEYS = {w.key for w in WORKLISTS}


def warning_horizon(now: dt.datetime) -> dt.datetime:
    """The end of the warning window: ``max(MOTCUA_WARNING_WORKING_DAYS)`` working days of
    working time from ``now``, the same measure the deadline warnings use.

    The installation calendar is used for the whole list (one SQL bound); a unit with its own
    extra days off differs by at most those days.
    """
    days = max((int(n) for n in settings.MOTCUA_WARNING_WORKING_DAYS), default=0)
    if days <= 0:
        return now
    return calendar_for_unit(None).deadline(now, Duration.working_days(days), cutoff=None)


def _worklist_where(key: str, *, user, now: dt.datetime,
                    horizon: dt.datetime | None = None) -> tuple[Q | None, bool, list[Q]]:
    """One worklist as (candidates, candidates all visible, further conditions), see
    ``dossiers.selectors.dossier_list``; ``horizon``: ``warning_horizon(now)``, computed when
    not given."""
    units = sorted(permissions.staff_units(user))
    if key == "mine":
        return Q(holder=user), False, [Q(status__in=dossier_selectors.OPEN)]
    if key == "unit":
        # Held by one of my units: visible by definition.
        return Q(current_unit_id__in=units), True, [Q(status__in=dossier_selectors.OPEN)]
    if key == "due_soon":
        if horizon is None:
            horizon = warning_horizon(now)
        return None, False, [Q(status__in=dossier_selectors.RUNNING),
                             Q(due_at__gte=now, due_at__lte=horizon)]
    if key == "overdue":
        return None, False, [dossier_selectors.overdue_q(now)]
    if key == "paused":
        return None, False, [Q(status__in=sorted(PAUSED))]
    if key == "to_return":
        # Received by one of my units: visible by definition.
        return (Q(receiving_unit_id__in=units), True,
                [Q(status__in=[Status.ISSUED, Status.RESULT_READY])])
    if key == "submitted":
        # Online arrivals waiting for a receptionist of my units to accept (or refuse) them.
        return Q(receiving_unit_id__in=units), True, [Q(status=Status.SUBMITTED)]
    if key == "notices":
        # Closed without a result; the desk that received them has not handed the notice yet.
        return (Q(receiving_unit_id__in=units), True,
                [Q(status__in=sorted(CLOSED_WITH_NOTICE)), Q(notice_delivery__isnull=True)])
    return None, False, []


# Columns a worklist can be sorted by (?sort=<key> or -<key>): the dossier's own columns (names
# by their folded form, so "Đặng" sorts with "Dang", not after "Z"), so
# the index-served union of a narrowed list can carry them (dossiers.selectors.IndexIds).
SORTS = {
    "code": "code", "applicant": "applicant_name_folded", "status": "status",
    "received": "received_at", "due": "due_at",
}


def sort_order(sort: str) -> tuple[str, str] | None:
    """``"-due"`` -> ``("-due_at", "-id")``; None for an unknown key."""
    descending = sort.startswith("-")
    column = SORTS.get(sort.lstrip("-"))
    if column is None:
        return None
    return (f"-{column}", "-id") if descending else (column, "id")


def worklist(*, user, key: str, filters: dict | None = None,
             now: dt.datetime | None = None, sort: str = "") -> QuerySet[Dossier]:
    """The dossiers of one worklist, filtered; urgent first except for "all", or by the
    column ``sort`` names (``SORTS``, "-" first for descending).

    The worklist's conditions go into ``dossier_list`` rather than onto its result, so they
    narrow each index-served part of the query (and the result keeps its ``index_ids``).
    """
    now = now or timezone.now()
    order = sort_order(sort) or (("-received_at", "-id") if key == "all" else ("due_at", "id"))
    candidates, visible, where = _worklist_where(key, user=user, now=now)
    return dossier_selectors.dossier_list(
        user=user, filters=filters, now=now, where=where, order=order,
        candidates=candidates, candidates_visible=visible,
    )


# The home page tiles say "1.000+" past this: nobody needs 157,342 to know the pile is big,
# and counting it exactly was most of the page's time at a million dossiers.
TILE_COUNT_CAP = 1000


def worklist_counts(*, user, now: dt.datetime | None = None) -> dict[str, int]:
    """Dossiers in each worklist, up to ``TILE_COUNT_CAP + 1`` (more than the cap), counted in
    one statement.

    Each list's count query is built once per process for its shape (the list, the user's
    units, superuser or not, the user for "mine": ``orm_speed.ShapedSQL``) and given
    the time of day and the warning horizon: building and compiling the nine lists' querysets
    on every request was two thirds of the home page (docs/performance.md, round three)."""
    now = now or timezone.now()
    horizon = warning_horizon(now)
    cap = TILE_COUNT_CAP
    alias = Dossier.objects.db
    queries = [_TILE_SQL.sql(alias, _tile_shape(user, w.key), _tile_build(user, w.key), now,
                             horizon)
               for w in WORKLISTS]
    counts = dossier_selectors.capped_counts(queries, cap, alias)
    return {w.key: n for w, n in zip(WORKLISTS, counts, strict=True)}


# The count query of a tile, by its two moments (now, the warning horizon).
_TILE_SQL = ShapedSQL((dt.datetime, dt.datetime))


def _tile_shape(user, key: str) -> tuple:
    """Everything a tile's count query is built from besides the two moments: what
    ``_worklist_where`` and ``dossier_list`` read of the user (units, superuser, the user
    for "mine") and the list."""
    return ("worklist_count", key, tuple(sorted(permissions.staff_units(user))),
            bool(getattr(user, "is_superuser", False)), user.pk if key == "mine" else None)


def _tile_build(user, key: str):
    def build(now: dt.datetime, horizon: dt.datetime) -> QuerySet:
        candidates, visible, where = _worklist_where(key, user=user, now=now, horizon=horizon)
        return dossier_selectors.count_source(
            user=user, now=now, where=where, candidates=candidates, candidates_visible=visible)
    return build


def worklist_count(*, user, key: str, now: dt.datetime, cap: int) -> int:
    """``capped_count(worklist(...), cap)``, counted without building the list's page query
    (``dossiers.selectors.dossier_count``)."""
    candidates, visible, where = _worklist_where(key, user=user, now=now)
    return dossier_selectors.dossier_count(
        cap=cap, user=user, now=now, where=where, candidates=candidates,
        candidates_visible=visible)


def mark_rows(dossiers, *, now: dt.datetime) -> list[Dossier]:
    """Set ``row_overdue`` / ``row_due_soon`` on each dossier of a page (no queries)."""
    horizon = warning_horizon(now)
    rows = list(dossiers)
    for d in rows:
        running = d.due_at is not None and d.status not in NOT_RUNNING
        d.row_overdue = running and d.due_at < now
        d.row_due_soon = running and not d.row_overdue and d.due_at <= horizon
    return rows


# ----------------------------------------------------------------------------- dossier page


def person_name(user) -> str:
    """Family name first, as Vietnamese names are written (họ, tên đệm, tên)."""
    if user is None:
        return ""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()


_full_name = person_name


def timeline(*, dossier: Dossier) -> list[dict]:
    """Status changes and the apology, oldest first, ready for the page."""
    events: list[dict] = []
    changes: QuerySet[StatusChange] = dossier_selectors.dossier_history(dossier=dossier)
    for c in changes:
        t = TRANSITIONS.get(c.action)
        events.append({
            "at": c.at,
            # Same words as the action buttons (views.transition_text).
            "title": pgettext("thao tác", t.label) if t else c.action,
            "from": Status(c.from_status).label if c.from_status else "",
            "to": Status(c.to_status).label if c.to_status else "",
            "actor": _full_name(c.actor),
            "unit": c.unit.name if c.unit else "",
            "reason": c.reason,
            "due_at": c.due_at,
            "kind": "status",
        })
    apology = apology_of(dossier)
    if apology is not None:
        events.append({
            "at": apology.issued_at, "title": _("Xin lỗi và hẹn lại ngày trả kết quả"),
            "actor": _full_name(apology.issued_by), "unit": apology.unit.name,
            "reason": apology.reason, "due_at": apology.new_due_at, "kind": "apology",
        })
        if apology.explanation_at:
            events.append({
                "at": apology.explanation_at, "title": _("Giải trình trễ hạn"),
                "actor": "", "unit": apology.unit.name, "reason": apology.explanation,
                "kind": "apology",
            })
        if apology.escalated_at:
            events.append({
                "at": apology.escalated_at, "title": _("Báo cáo UBND chủ quản"),
                "actor": "", "unit": apology.escalated_to.name if apology.escalated_to else "",
                "reason": "", "kind": "apology",
            })
    events.sort(key=lambda e: e["at"])
    return events


def apology_of(dossier: Dossier) -> Apology | None:
    return (
        Apology.objects.filter(dossier=dossier)
        .select_related("unit", "issued_by", "escalated_to").first()
    )


def pauses(*, dossier: Dossier) -> QuerySet[DossierPause]:
    return dossier.pauses.select_related("requested_by").order_by("started_at", "id")


def documents(*, dossier: Dossier):
    return dossier.documents.select_related("required").order_by("id")


def specialists_of(unit_id: int) -> list:
    """Specialists (chuyên viên) of a unit with a membership valid today, for assignment."""
    today = timezone.localdate()
    rows = (
        Membership.objects.filter(unit_id=unit_id, role=Role.SPECIALIST)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("user").order_by("user__last_name", "user__first_name", "user__username")
    )
    return [m.user for m in rows if m.user.is_active]


def partner_units(*, exclude_id: int) -> QuerySet[Unit]:
    """Units a dossier may be sent to for liên thông (any active unit but the holder)."""
    return Unit.objects.filter(is_active=True).exclude(pk=exclude_id).order_by("name")


# ----------------------------------------------------------------------------- intake


def reception_units(user) -> list[Unit]:
    """Receiving units (one-stop centers, receiving points) where the user is a receptionist."""
    ids = [u for u, r in permissions.memberships(user) if r == Role.RECEPTIONIST]
    if not ids:
        # No query to build (every staff page's menu asks this).
        return []
    return [u for u in Unit.objects.filter(pk__in=ids).order_by("name") if u.is_receiving]


def receivable_procedures(*, unit: Unit, q: str = ""):
    """Procedures in force that ``unit`` may receive (limited to it, unlimited, or boundary
    free), searched accent-insensitively through the catalog selector."""
    return (
        procedures_search(q=q)
        .filter(Q(receiving_units=unit) | Q(receiving_units__isnull=True) | Q(boundary_free=True))
        .distinct()
    )


def membership_counter(user, unit: Unit):
    m = (
        Membership.objects.filter(user=user, unit=unit, role=Role.RECEPTIONIST)
        .select_related("counter").first()
    )
    return m.counter if m and m.counter and m.counter.center_id == unit.pk else None


# ----------------------------------------------------------------------------- registers


def apology_units(user) -> list[Unit]:
    """Units whose apology register the user may open: every unit they belong to."""
    if getattr(user, "is_superuser", False) and not permissions.staff_units(user):
        return list(Unit.objects.filter(apologies__isnull=False).distinct().order_by("name"))
    return list(Unit.objects.filter(pk__in=permissions.staff_units(user)).order_by("name"))


def apologies_received_at(*, unit: Unit) -> QuerySet[Apology]:
    """Apologies issued by any agency for dossiers received at this center (for its manager)."""
    return (
        Apology.objects.filter(dossier__receiving_unit=unit)
        .select_related("dossier", "dossier__procedure_version", "issued_by", "unit",
                        "escalated_to")
        .order_by("-issued_at")
    )
