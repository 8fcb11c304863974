"""Writes of the printing app: the audit trail of printed forms (nhật ký in biểu mẫu).

A printed form carries the applicant's personal data, and staff reads of personal data are
logged (design: audit), so every form shown or downloaded leaves one event.
"""

from __future__ import annotations

from django.db import transaction

from motcua.audit.services import audit_record
from motcua.dossiers.models import Dossier

EVENT_FORM_PRINTED = "printing.form_printed"


def form_print_record(
    *, actor, form: str, fmt: str, dossier: Dossier | None = None, unit=None, obj=None,
    data: dict | None = None,
):
    """Log that ``actor`` printed ``form`` (``mau-01`` …) as ``fmt`` (``html``/``pdf``).

    Forms of a dossier go to the dossier's chain; the register and counter slips, which have
    no dossier, to a per-unit printing chain (``printing:<unit code>``) so they never contend
    with the system chain.
    """
    payload = {"form": form, "format": fmt, **(data or {})}
    with transaction.atomic():
        if dossier is not None:
            # The dossier's row lock keeps its chain in order with the dossier services.
            locked = Dossier.objects.select_for_update().only("pk", "code").get(pk=dossier.pk)
            return audit_record(
                actor=actor, event_type=EVENT_FORM_PRINTED, dossier=locked, obj=obj, data=payload
            )
        return audit_record(
            actor=actor, event_type=EVENT_FORM_PRINTED,
            chain=f"printing:{unit.code}" if unit is not None else None,
            obj=obj, data=payload,
        )
