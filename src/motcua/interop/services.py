"""Dossiers that arrive from the national portal (tiếp nhận hồ sơ từ Cổng DVC quốc gia)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import InvalidInput
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_submit_online
from motcua.interop.models import NationalPortalDossier
from motcua.org.models import Unit


def national_portal_submit(
    *, actor, external_id: str, procedure_version: ProcedureVersion, receiving_unit: Unit,
    applicant: dict, documents: list, delivery: dict | None = None, request_summary: str = "",
) -> tuple[Dossier, bool]:
    """An online dossier (channel 2, status "Mới đăng ký") submitted on the national portal.
    Returns (dossier, created); the same ``external_id`` again returns the first dossier, so a
    portal that retries after a lost answer does not file it twice."""
    external_id = (external_id or "").strip()
    if not external_id or len(external_id) > 64:
        raise InvalidInput("external_id_required",
                           _("Cần mã hồ sơ trên Cổng DVC quốc gia (tối đa 64 ký tự)."),
                           field="external_id")
    existing = NationalPortalDossier.objects.filter(external_id=external_id).select_related(
        "dossier").first()
    if existing is not None:
        return existing.dossier, False
    try:
        with transaction.atomic():
            dossier = dossier_submit_online(
                actor=actor, procedure_version=procedure_version, receiving_unit=receiving_unit,
                applicant=applicant, documents=documents, delivery=delivery,
                request_summary=request_summary)
            NationalPortalDossier.objects.create(dossier=dossier, external_id=external_id)
            audit_record(actor=actor, event_type="interop.dossier_received", dossier=dossier,
                         obj=dossier, channel="national_portal",
                         data={"external_id": external_id, "code": dossier.code})
    except IntegrityError:  # the same id submitted twice at once: the other one won
        existing = NationalPortalDossier.objects.filter(external_id=external_id).select_related(
            "dossier").first()
        if existing is None:
            raise
        return existing.dossier, False
    return dossier, True
