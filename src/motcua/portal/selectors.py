"""Reads for the public pages (cổng công khai) beyond the catalog's own selectors.

Nothing here returns personal data.
"""

from __future__ import annotations

from django.db import router
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Field
from motcua.core.orm_speed import CompiledLookup
from motcua.dossiers.models import Dossier, overdue
from motcua.dossiers.states import CLOSED_WITH_NOTICE, NATIONAL_NAME, Status
from motcua.org.calendars import unit_calendar
from motcua.org.models import Counter, Unit, UnitKind


def provincial_center() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.PROVINCIAL_CENTER, is_active=True).first()


_WEEKDAYS = (_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"),
             _("Chủ nhật"))


def _days_text(weekend) -> str:
    """"Thứ Hai – Thứ Sáu" for a Monday-to-Friday week, else the days listed."""
    days = [d for d in range(7) if d not in set(weekend)]
    if days and days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        return f"{_WEEKDAYS[days[0]]} – {_WEEKDAYS[days[-1]]}"
    return ", ".join(str(_WEEKDAYS[d]) for d in days)


def service_points() -> list[dict]:
    """Where a citizen goes (nơi tiếp nhận hồ sơ): the provincial center first, then each
    commune center, with address, contacts, opening hours from the unit's work schedule
    (giờ làm việc, ``org.calendars``), and its counters with the fields each serves."""
    units = list(
        Unit.objects.filter(is_active=True,
                            kind__in=[UnitKind.PROVINCIAL_CENTER, UnitKind.COMMUNE_CENTER])
        .order_by("kind", "code")
    )
    units.sort(key=lambda u: (u.kind != UnitKind.PROVINCIAL_CENTER, u.code))
    counters: dict[int, list[Counter]] = {}
    for c in (Counter.objects.filter(center__in=units, is_active=True)
              .select_related("agency").prefetch_related("fields").order_by("number")):
        counters.setdefault(c.center_id, []).append(c)
    points = []
    for unit in units:
        uc = unit_calendar(unit)
        sessions = [f"{a:%H:%M}–{b:%H:%M}" for a, b in uc.calendar.sessions]
        points.append({
            "unit": unit,
            "days": _days_text(uc.calendar.weekend),
            "sessions": sessions,
            "cutoff": uc.cutoff,
            "counters": [{"number": c.number, "name": c.name,
                          "agency": c.agency.name if c.agency else "",
                          "fields": [f.name for f in c.fields.all()]}
                         for c in counters.get(unit.pk, [])],
        })
    return points


def field_by_slug(slug: str) -> Field | None:
    return Field.objects.filter(slug=slug).first()


def unit_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first()


# Only these columns leave the database for the public lookup: no applicant data at all.
_PUBLIC_DOSSIER_FIELDS = (
    "code",
    "status",
    "national_status",
    "received_at",
    "due_at",
    "original_due_at",
    "rescheduled_due_at",
    "finished_at",
    "returned_at",
    "procedure_version__name",
    "procedure_version__procedure__code",
    "receiving_unit__name",
    "receiving_unit__address",
    "receiving_unit__phone",
    # Closed without a result: the reason written to the citizen (the refusal or stop notice
    # says it) and when the desk handed the notice over.
    "refusal_reason",
    "notice_delivery__handed_at",
)


# The query is the same for every code but the code: compiled once per process and database
# (``CompiledLookup``; building it cost more than running it, a quarter of the page).
_PUBLIC_LOOKUP = CompiledLookup(
    lambda alias: Dossier.objects.using(alias).filter(code="").values(*_PUBLIC_DOSSIER_FIELDS)
    .order_by()[:1],
    _PUBLIC_DOSSIER_FIELDS,
)


def _public_row(code: str) -> dict | None:
    return _PUBLIC_LOOKUP.first(router.db_for_read(Dossier), code)


def dossier_public_status(code: str, *, now=None) -> dict | None:
    """What the receipt's QR code shows (tra cứu hồ sơ): progress only, never the applicant.

    The code is trimmed and matched case-insensitively: codes are issued in upper case (the
    unit code's letters, "…H15-…"), so a miss as typed is retried upper-cased; both reads use
    the unique index, where ``iexact`` would scan every dossier.
    """
    code = code.strip()
    row = _public_row(code)
    if row is None and code.upper() != code:
        row = _public_row(code.upper())
    if row is None:
        return None
    # Dossier.is_overdue's rule on the two fields it reads (building a model instance to ask
    # it was a twentieth of the page).
    rescheduled = row["rescheduled_due_at"]
    original = row["original_due_at"]
    # After an apology (Mẫu 04) the citizen holds the new appointment.
    appointment = rescheduled or row["due_at"]
    closed = row["status"] in CLOSED_WITH_NOTICE
    if closed:
        # Refused, withdrawn or stopped: no result will come, so no date is promised; the
        # status says which (the national code 8 covers both a refusal and a stop).
        appointment = None
    return {
        "code": row["code"],
        "procedure_name": row["procedure_version__name"],
        "procedure_code": row["procedure_version__procedure__code"],
        "receiving_unit": row["receiving_unit__name"],
        "receiving_address": row["receiving_unit__address"],
        "receiving_phone": row["receiving_unit__phone"],
        "received_at": row["received_at"],
        "due_at": appointment,
        "rescheduled": not closed and bool(rescheduled and original and rescheduled != original),
        "original_due_at": original,
        "finished_at": row["finished_at"],
        "returned_at": row["returned_at"],
        "national_status": row["national_status"],
        "status_name": (
            Status(row["status"]).label
            if closed or row["status"] == Status.SUPPLEMENT_REQUESTED_AT_RECEPTION
            else NATIONAL_NAME.get(row["national_status"], "")
        ),
        "closed": closed,
        "public_reason": row["refusal_reason"] if closed else "",
        "notice_handed_at": row["notice_delivery__handed_at"],
        "overdue": not closed and overdue(row["status"], appointment, now),
    }
