"""Reads of the citizen portal: a citizen's dossiers (by the verified ID number, or the tax code
of the organisation they represent), drafts, files and the document store; and what a
citizen is shown of their dossier (``dossier_summary``: status, dates, what is awaited, the
timeline in plain Vietnamese, the actions open to them), one owner for the portal's page and
the mobile app's API."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureVersion
from motcua.citizens.models import (
    CitizenFile,
    CitizenProfile,
    Draft,
    DraftStatus,
    ElectronicDocument,
)
from motcua.dossiers.models import Apology, Dossier
from motcua.dossiers.states import Status
from motcua.dossiers.transitions import WITHDRAWABLE
from motcua.org.models import Unit

# What the citizen may do, by the dossier's status (the services check the same sets).
# Bổ sung: asked before receipt (online), or after receipt (the clock is paused).
SUPPLEMENT_STATES = (Status.SUPPLEMENT_REQUESTED_AT_RECEPTION, Status.SUPPLEMENT_REQUESTED)
# Rút hồ sơ trực tuyến: only before the desk receives it; afterwards at the desk (Mẫu 05).
WITHDRAW_ONLINE_STATES = (Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED_AT_RECEPTION)
# The electronic result can be downloaded once issued.
RESULT_STATES = frozenset({Status.ISSUED, Status.RESULT_READY, Status.RETURNED})


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


def published_version(*, code: str) -> ProcedureVersion | None:
    """The procedure's version in force, where an online application starts."""
    return (ProcedureVersion.objects.filter(procedure__code=code, status="published")
            .select_related("procedure", "agency").order_by("-number").first())


def receiving_units(version: ProcedureVersion) -> list[Unit]:
    """Where the procedure's dossiers may be sent (nơi nộp hồ sơ)."""
    return [u for u in version.receiving_units.order_by("name") if u.is_receiving]


def citizen_dossiers(*, citizen: CitizenProfile) -> QuerySet[Dossier]:
    return (Dossier.objects.filter(_owner_q(citizen))
            .select_related("procedure_version__procedure", "receiving_unit")
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


def supplement_request(dossier: Dossier) -> dict | None:
    """What the agency asked for, while the dossier waits for it: after receipt the open pause's
    items; before receipt the reason of the request (the last history row)."""
    if dossier.status == Status.SUPPLEMENT_REQUESTED_AT_RECEPTION:
        change = (dossier.status_changes.filter(action="request_supplement_at_reception")
                  .order_by("-at", "-id").first())
        return {"items": change.reason if change else "", "before_receipt": True}
    pause = (dossier.pauses.filter(kind="supplement", ended_at__isnull=True)
             .order_by("-started_at").first())
    if pause is None or dossier.status != Status.SUPPLEMENT_REQUESTED:
        return None
    return {"items": pause.items, "before_receipt": False}


_PROCESSING = {Status.RECEIVED, Status.TRANSFERRED, Status.ASSIGNED, Status.APPRAISING,
               Status.CONSULTING, Status.INTERAGENCY, Status.AWAITING_APPROVAL, Status.SIGNED}


def awaiting(dossier: Dossier) -> dict | None:
    """Việc đang chờ, in plain words: who the dossier waits for ("applicant" or "agency") and
    what; None once it is closed."""
    status = dossier.status
    if status == Status.SUBMITTED:
        return {"by": "agency", "text": str(_(
            "Cán bộ một cửa kiểm tra và tiếp nhận hồ sơ; thời hạn giải quyết tính từ khi "
            "tiếp nhận."))}
    if status == Status.SUPPLEMENT_REQUESTED_AT_RECEPTION:
        return {"by": "applicant", "text": str(_(
            "Ông/bà bổ sung giấy tờ theo yêu cầu; hồ sơ chưa được tiếp nhận và chưa tính "
            "thời hạn."))}
    if status == Status.SUPPLEMENT_REQUESTED:
        return {"by": "applicant", "text": str(_(
            "Ông/bà bổ sung hồ sơ theo yêu cầu; thời hạn giải quyết tạm dừng đến khi cơ quan "
            "nhận đủ."))}
    if status == Status.AWAITING_PAYMENT:
        return {"by": "applicant", "text": str(_(
            "Ông/bà thực hiện nghĩa vụ tài chính (nộp phí, lệ phí, thuế) theo thông báo."))}
    if status == Status.ISSUED:
        return {"by": "agency", "text": str(_(
            "Kết quả đã ban hành và đang được chuyển về bộ phận một cửa."))}
    if status == Status.RESULT_READY:
        return {"by": "applicant", "text": str(_(
            "Kết quả đã có: ông/bà nhận kết quả theo cách đã chọn."))}
    if status in _PROCESSING:
        return {"by": "agency", "text": str(_("Cơ quan có thẩm quyền đang giải quyết hồ sơ."))}
    return None


def timeline(dossier: Dossier) -> list[dict]:
    """Quá trình giải quyết: each change of status, oldest first, as the citizen reads it."""
    return [{"at": change.at, "status": change.to_status,
             "label": str(change.get_to_status_display()), "note": change.reason or "",
             "due_at": change.due_at}
            for change in dossier.status_changes.order_by("at", "id")]


def has_result(dossier: Dossier) -> bool:
    """An electronic result the citizen can download (kết quả điện tử)."""
    return bool(dossier.result_file) and dossier.status in RESULT_STATES


def dossier_summary(dossier: Dossier) -> dict:
    """What the citizen is shown of their own dossier (the page and the API)."""
    apology = Apology.objects.filter(dossier=dossier).first()
    status = dossier.status
    return {
        "supplement": supplement_request(dossier),
        "awaiting": awaiting(dossier),
        "timeline": timeline(dossier),
        "files": dossier_files(dossier=dossier),
        "apology": ({"reason": apology.reason, "previous_due_at": apology.previous_due_at,
                     "new_due_at": dossier.rescheduled_due_at or apology.new_due_at}
                    if apology else None),
        "actions": {
            "supplement": status in SUPPLEMENT_STATES,
            "withdraw": status in WITHDRAW_ONLINE_STATES,
            # After receipt the desk records a withdrawal (Thông báo dừng, Mẫu 05).
            "withdraw_at_desk": status in WITHDRAWABLE and status not in WITHDRAW_ONLINE_STATES,
            "result": has_result(dossier),
        },
    }
