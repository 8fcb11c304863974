"""Writes of the printing app: the audit trail of printed forms (nhật ký in biểu mẫu).

A printed form carries the applicant's personal data, and staff reads of personal data are
logged (design: audit), so every form shown or downloaded leaves one event.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.core.errors import Conflict
from motcua.core.sequences import sequence_next
from motcua.dossiers.models import Dossier
from motcua.printing.formatting import vietnam_time
from motcua.printing.models import IssuedNumber, NumberSequence

EVENT_FORM_PRINTED = "printing.form_printed"


def form_print_record(
    *, actor, form: str, fmt: str, dossier: Dossier | None = None, unit=None, obj=None,
    data: dict | None = None, numbering: list[dict] = (),
):
    """Log that ``actor`` printed ``form`` (``mau-01`` …) as ``fmt`` (``html``/``pdf``), and
    give the form its number (and a receipt its register entry) when first issued.

    Forms of a dossier go to the dossier's chain; the register and counter slips, which have
    no dossier, to a per-unit printing chain (``printing:<unit code>``) so they never contend
    with the system chain. Returns the numbers newly issued or found.
    """
    payload = {"form": form, "format": fmt, **(data or {})}
    with transaction.atomic():
        if dossier is not None:
            # The dossier's row lock keeps its chain in order with the dossier services, and
            # numbers its forms once.
            locked = Dossier.objects.select_for_update().only("pk", "code").get(pk=dossier.pk)
            issued = numbers_issue(list(numbering))
            if issued:
                payload["numbers"] = [f"{n.series}:{n.number}/{n.year}" for n in issued]
            audit_record(
                actor=actor, event_type=EVENT_FORM_PRINTED, dossier=locked, obj=obj, data=payload
            )
            return issued
        if obj is not None and numbering:
            type(obj).objects.select_for_update().filter(pk=obj.pk).first()
        issued = numbers_issue(list(numbering))
        if issued:
            payload["numbers"] = [f"{n.series}:{n.number}/{n.year}" for n in issued]
        audit_record(
            actor=actor, event_type=EVENT_FORM_PRINTED,
            chain=f"printing:{unit.code}" if unit is not None else None,
            obj=obj, data=payload,
        )
        return issued


# --- form numbers and register entries (số văn bản, số thứ tự trong sổ) ----------------------


def _next_number(unit_id: int, year: int, series: str) -> int:
    """``last + 1`` of the (unit, year, series) sequence, as dossier codes are numbered, so two
    clerks printing at once never get the same number."""
    busy = Conflict("number_sequence_busy", _('Không cấp được số văn bản, vui lòng thử lại.'))
    return sequence_next(NumberSequence, busy=busy, unit_id=unit_id, year=year, series=series)


def numbers_issue(numbering: list[dict]) -> list[IssuedNumber]:
    """Give each document of ``numbering`` (what a form builder lists under ``"numbering"``:
    subject, series, unit_id, at) its number, unless it already has one.

    Runs inside the caller's transaction, after it locked the subject (the dossier or the
    guidance slip), so a first print is numbered once even when two clerks print it together.
    """
    issued = []
    for item in numbering:
        existing = IssuedNumber.objects.filter(
            subject=item["subject"], series=item["series"]
        ).first()
        if existing is None:
            year = vietnam_time(item["at"]).year
            existing = IssuedNumber.objects.create(
                subject=item["subject"], series=item["series"], unit_id=item["unit_id"],
                year=year, number=_next_number(item["unit_id"], year, item["series"]),
                issued_at=item["at"],
            )
        issued.append(existing)
    return issued
