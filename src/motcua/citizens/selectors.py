"""Reads of the citizen portal: a citizen's dossiers (by the verified ID number, or the tax code
of the organisation they represent), drafts, files and the document store."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.citizens.models import (
    CitizenFile,
    CitizenProfile,
    Draft,
    DraftStatus,
    ElectronicDocument,
)
from motcua.dossiers.models import Dossier


def citizen_of(user) -> CitizenProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.citizen
    except CitizenProfile.DoesNotExist:
        return None


def _owner_q(citizen: CitizenProfile) -> Q:
    q = Q(applicant_id_number=citizen.id_number)
    if citizen.organisation_tax_code:
        q |= Q(organisation_tax_code=citizen.organisation_tax_code)
    return q


def citizen_dossiers(*, citizen: CitizenProfile) -> QuerySet[Dossier]:
    return (Dossier.objects.filter(_owner_q(citizen))
            .select_related("procedure_version", "receiving_unit")
            .order_by("-submitted_at", "-id"))


def citizen_dossier(*, citizen: CitizenProfile, code: str) -> Dossier | None:
    """The dossier, or None when it is not this citizen's (the page answers 404 either way, so
    a guessed code tells nothing)."""
    return citizen_dossiers(citizen=citizen).filter(code=code).first()


def citizen_draft(*, citizen: CitizenProfile, pk) -> Draft | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (Draft.objects.select_related("procedure_version__procedure", "receiving_unit")
            .filter(citizen=citizen, pk=pk).first())


def open_drafts(*, citizen: CitizenProfile) -> QuerySet[Draft]:
    return (Draft.objects.filter(citizen=citizen, status=DraftStatus.OPEN)
            .select_related("procedure_version"))


def draft_files(*, draft: Draft) -> dict[int, list[CitizenFile]]:
    by_doc: dict[int, list[CitizenFile]] = {}
    for f in draft.files.order_by("id"):
        by_doc.setdefault(f.required_id or 0, []).append(f)
    return by_doc


def dossier_files(*, dossier: Dossier) -> QuerySet[CitizenFile]:
    return (CitizenFile.objects.filter(dossier=dossier)
            .select_related("reused_from", "reused_from__source_dossier").order_by("id"))


def store_documents(*, id_number: str) -> QuerySet[ElectronicDocument]:
    return (ElectronicDocument.objects.filter(id_number=id_number)
            .select_related("source_dossier").order_by("-created_at"))


def reusable_for(*, id_number: str, required_ids, names=()) -> dict[int, list[ElectronicDocument]]:
    """Documents the state already holds that fit a required document: the same required
    document of an earlier dossier, or one of the same name (a digitized ID card, a previous
    result). With one required id and names given, everything matching goes under that id."""
    required_ids = list(required_ids)
    out: dict[int, list[ElectronicDocument]] = {}
    q = Q(required_id__in=required_ids)
    for name in names:
        q |= Q(name__iexact=name.strip())
    for doc in store_documents(id_number=id_number).filter(q):
        key = required_ids[0] if len(required_ids) == 1 else (doc.required_id or 0)
        out.setdefault(key, []).append(doc)
    return out
