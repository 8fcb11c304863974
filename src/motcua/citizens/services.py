"""Writes of the citizen portal (nghiệp vụ cổng công dân): sign-in from verified claims, drafts,
uploads (streamed), online submission, supplements, counter digitization (số hóa).

Every service: keyword-only arguments, a required ``actor``, one ``transaction.atomic()`` with
its audit event inside, applicant notices through ``motcua.notifications.notify``. Dossier rows
are written only by the dossier services (``dossier_submit_online``)."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.catalog.models import OnlineMode, ProcedureVersion, RequiredDocument
from motcua.citizens.models import (
    CitizenFile,
    CitizenProfile,
    Draft,
    DraftStatus,
    ElectronicDocument,
    Source,
)
from motcua.citizens.selectors import SUPPLEMENT_STATES, WITHDRAW_ONLINE_STATES
from motcua.core.errors import Conflict, ErrorList, InvalidInput, NotAllowed
from motcua.core.uploads import Infected, RandomName, check_stream, record_infected
from motcua.dossiers import permissions
from motcua.dossiers.models import Dossier, DossierDocument, ProvidedAs
from motcua.dossiers.services.actions import (
    dossier_resubmit_online,
    dossier_withdraw_online,
)
from motcua.dossiers.services.intake import dossier_submit_online
from motcua.dossiers.states import DeliveryMethod, Status
from motcua.notifications import Message, notify
from motcua.org.models import Role, Unit

logger = logging.getLogger("motcua.security")

# Files one document may have (pages photographed one by one), and one draft in all.
MAX_FILES_PER_DOCUMENT = 10


def _parse_birth(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def citizen_sign_in(*, actor=None, claims: dict, issuer: str) -> CitizenProfile:
    """Đăng nhập công dân: the account and profile of the person the identity provider vouches
    for (``claims`` already verified: signature, issuer, audience, expiry, nonce), created on
    the first sign-in and refreshed from the claims on every later one."""
    number = str(claims.get("id_number") or "").strip()
    if len(number) != 12 or not number.isdigit():
        raise InvalidInput("id_number_claim_invalid",
                           _("Nhà cung cấp định danh không trả về số định danh cá nhân hợp lệ."))
    name = str(claims.get("name") or "").strip()
    if not name:
        raise InvalidInput("name_claim_missing", _("Nhà cung cấp định danh không trả về họ tên."))
    subject = str(claims.get("sub") or number)
    now = timezone.now()
    fields = {
        "full_name": name[:255], "birth_date": _parse_birth(claims.get("birth_date")),
        "gender": claims.get("gender") if claims.get("gender") in ("male", "female") else "",
        "address": str(claims.get("address") or "")[:500],
        "phone": str(claims.get("phone") or "")[:20], "email": str(claims.get("email") or ""),
        "organisation_tax_code": str(claims.get("tax_code") or "")[:14],
        "organisation_name": str(claims.get("organisation") or "")[:255],
        "issuer": issuer, "subject": subject, "verified_at": now,
    }
    with transaction.atomic():
        profile = (CitizenProfile.objects.select_for_update().select_related("user")
                   .filter(id_number=number).first())
        if profile is None:
            user = get_user_model().objects.create_user(username=f"cd-{number}")
            user.set_unusable_password()
            user.first_name = name[:150]
            user.save()
            profile = CitizenProfile.objects.create(user=user, id_number=number, **fields)
            event = "citizen.registered"
        else:
            for key, value in fields.items():
                setattr(profile, key, value)
            profile.save()
            event = "citizen.signed_in"
        audit_record(actor=profile.user, event_type=event, obj=profile,
                     chain=f"citizen:{number}", data={"issuer": issuer})
    return profile


def _owned_draft(citizen: CitizenProfile, draft: Draft) -> Draft:
    if draft.citizen_id != citizen.pk:
        raise NotAllowed("draft_not_yours", _("Hồ sơ đang soạn không thuộc tài khoản của bạn."))
    return draft


def draft_start(*, actor, citizen: CitizenProfile, procedure_version: ProcedureVersion,
                receiving_unit: Unit | None, as_organisation: bool = False) -> Draft:
    """Bắt đầu nộp hồ sơ trực tuyến: only for a procedure whose online mode allows it, at one
    of the units that receive its dossiers."""
    if procedure_version.online_mode == OnlineMode.NONE:
        raise InvalidInput("procedure_not_online",
                           _("Thủ tục này chưa cung cấp dịch vụ công trực tuyến; vui lòng nộp "
                             "hồ sơ tại bộ phận một cửa."), field="procedure")
    if receiving_unit is None or not receiving_unit.is_receiving or not (
            procedure_version.receiving_units.filter(pk=receiving_unit.pk).exists()):
        raise InvalidInput("receiving_unit_required", _("Cần chọn nơi nộp hồ sơ."),
                           field="receiving_unit")
    if as_organisation and not citizen.organisation_tax_code:
        raise NotAllowed("not_a_representative",
                         _("Tài khoản định danh của bạn không là người đại diện của tổ chức nào."))
    applicant = {
        "name": citizen.full_name, "id_number": citizen.id_number,
        "birth_date": citizen.birth_date.isoformat() if citizen.birth_date else "",
        "gender": citizen.gender, "address": citizen.address, "phone": citizen.phone,
        "email": citizen.email,
    }
    if as_organisation:
        applicant.update(kind="organisation", name=citizen.organisation_name,
                         tax_code=citizen.organisation_tax_code,
                         representative_name=citizen.full_name)
    with transaction.atomic():
        draft = Draft.objects.create(
            citizen=citizen, procedure_version=procedure_version, receiving_unit=receiving_unit,
            as_organisation=as_organisation, applicant=applicant,
            delivery={"method": "counter"},
        )
        audit_record(actor=actor, event_type="citizen.draft_started", obj=draft,
                     chain=f"citizen:{citizen.id_number}",
                     data={"procedure": procedure_version.procedure.code})
    return draft


# Fields of the applicant the citizen may edit: the identity (name, ID number, birth date,
# gender) comes from the verified claims and stays as the provider gave it.
EDITABLE_APPLICANT = ("address", "phone", "email")


# The longest request text kept (the page's text area, the API's field).
REQUEST_MAX_CHARS = 4000


def draft_update(*, actor, citizen: CitizenProfile, draft: Draft, applicant: dict | None = None,
                 request_summary: str | None = None, delivery: dict | None = None) -> Draft:
    """Lưu hồ sơ đang soạn: the editable applicant fields, the request, how the result is
    received (by post: an address is needed). Nothing is saved when one part is wrong."""
    errors = ErrorList()
    if request_summary is not None:
        request_summary = request_summary.strip()[:REQUEST_MAX_CHARS]
        if not request_summary:
            errors.add(InvalidInput("request_required", _("Cần ghi nội dung yêu cầu."),
                                    field="request_summary"))
    if delivery is not None:
        method = delivery.get("method") or ""
        address = str(delivery.get("address") or "").strip()[:500]
        if method not in DeliveryMethod.values:
            errors.add(InvalidInput("delivery_method_invalid", _("Chọn cách nhận kết quả."),
                                    field="delivery.method"))
        elif method == DeliveryMethod.POST and not address:
            errors.add(InvalidInput("delivery_address_required",
                                    _("Nhận qua bưu chính cần địa chỉ nhận kết quả."),
                                    field="delivery.address"))
        delivery = {"method": method, "address": address}
    errors.raise_if_any()
    with transaction.atomic():
        draft = _owned_draft(citizen, Draft.objects.select_for_update().get(pk=draft.pk))
        if draft.status != DraftStatus.OPEN:
            raise Conflict("draft_submitted", _("Hồ sơ này đã được nộp."))
        if applicant is not None:
            data = dict(draft.applicant)
            for key in EDITABLE_APPLICANT:
                if key in applicant:
                    data[key] = str(applicant[key] or "").strip()
            draft.applicant = data
        if request_summary is not None:
            draft.request_summary = request_summary
        if delivery is not None:
            draft.delivery = delivery
        draft.save()
        audit_record(actor=actor, event_type="citizen.draft_saved", obj=draft,
                     chain=f"citizen:{citizen.id_number}")
    return draft


def draft_delete(*, actor, citizen: CitizenProfile, draft: Draft) -> None:
    """Xóa hồ sơ đang soạn, with its files; a submitted draft stays (it names its dossier)."""
    with transaction.atomic():
        draft = _owned_draft(citizen, Draft.objects.select_for_update().get(pk=draft.pk))
        if draft.status != DraftStatus.OPEN:
            raise Conflict("draft_submitted", _("Hồ sơ này đã được nộp."))
        data = {"draft": draft.pk, "procedure": draft.procedure_version.procedure.code}
        draft.delete()
        audit_record(actor=actor, event_type="citizen.draft_deleted",
                     chain=f"citizen:{citizen.id_number}", data=data)


def _required_of(draft: Draft, required_id) -> RequiredDocument:
    doc = draft.procedure_version.documents.filter(pk=required_id).first()
    if doc is None:
        raise InvalidInput("document_unknown", _("Giấy tờ không thuộc thủ tục này."), field="file")
    return doc


def _store(upload, *, actor, field: str) -> tuple[str, str, int]:
    """Check the upload as a stream (type, size, active PDF, clamd in the same pass) and only
    then save it under a random name: (name, type, size). A virus leaves nothing stored, only
    the security event ``security.upload_infected`` (chain ``security``), committed on its own
    since the caller's work is refused."""
    try:
        checked = check_stream(upload, purpose="document", field=field)
    except Infected as virus:
        record_infected(virus, actor=actor)
        raise
    name = RandomName("citizens")(None, checked.storage_name)
    from django.core.files.storage import default_storage

    stored = default_storage.save(name, upload)  # streams the upload's chunks to storage
    return stored, checked.kind.content_type, checked.size


def _discard(names) -> None:
    """Remove files stored for a write that then failed: no file without its row."""
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("could not remove the stored file %s", name)


def draft_add_file(*, actor, citizen: CitizenProfile, draft: Draft, required_id,
                   upload) -> CitizenFile:
    """Tải lên một tệp của giấy tờ: PDF/JPEG/PNG by content, size limit, no active PDF."""
    draft = _owned_draft(citizen, draft)
    if draft.status != DraftStatus.OPEN:
        raise Conflict("draft_submitted", _("Hồ sơ này đã được nộp."))
    doc = _required_of(draft, required_id)
    if draft.files.filter(required=doc).count() >= MAX_FILES_PER_DOCUMENT:
        raise InvalidInput("too_many_files",
                           _("Mỗi giấy tờ tối đa %(max_files_per_document)s tệp.")
                           % {"max_files_per_document": MAX_FILES_PER_DOCUMENT}, field="file")
    stored, content_type, size = _store(upload, actor=actor, field="file")
    try:
        with transaction.atomic():
            row = CitizenFile.objects.create(
                draft=draft, required=doc, label=doc.name, file=stored,
                original_name=(getattr(upload, "name", "") or "")[:255],
                content_type=content_type, size=size, source=Source.CITIZEN,
                uploaded_by=citizen.user,
            )
            audit_record(actor=actor, event_type="citizen.file_uploaded", obj=row,
                         chain=f"citizen:{citizen.id_number}",
                         data={"document": doc.name, "size": size, "type": content_type})
    except BaseException:
        _discard([stored])
        raise
    return row


def draft_reuse_document(*, actor, citizen: CitizenProfile, draft: Draft, required_id,
                         document: ElectronicDocument) -> CitizenFile:
    """Dùng giấy tờ đã có trong kho dữ liệu: the state holds it, the citizen does not upload it
    again; the file is shared, its provenance kept."""
    draft = _owned_draft(citizen, draft)
    if draft.status != DraftStatus.OPEN:
        raise Conflict("draft_submitted", _("Hồ sơ này đã được nộp."))
    if document.id_number != citizen.id_number:
        raise NotAllowed("document_not_yours", _("Giấy tờ không thuộc kho dữ liệu của bạn."))
    doc = _required_of(draft, required_id)
    with transaction.atomic():
        row = CitizenFile.objects.create(
            draft=draft, required=doc, label=doc.name, file=document.file.name,
            original_name=document.name[:255], content_type=_type_of(document.file.name or ""),
            size=document.size, source=Source.REUSED, reused_from=document,
            uploaded_by=citizen.user,
        )
        audit_record(actor=actor, event_type="citizen.document_reused", obj=row,
                     chain=f"citizen:{citizen.id_number}",
                     data={"document": doc.name, "from": document.pk})
    return row


def _type_of(name: str) -> str:
    from motcua.core.uploads import content_type_for

    return content_type_for(name)


def draft_remove_file(*, actor, citizen: CitizenProfile, draft: Draft, file_id) -> bool:
    """Bỏ một tệp khỏi hồ sơ đang soạn; False when the draft has no such file."""
    draft = _owned_draft(citizen, draft)
    if draft.status != DraftStatus.OPEN:
        raise Conflict("draft_submitted", _("Hồ sơ này đã được nộp."))
    try:
        file_id = int(file_id)
    except (TypeError, ValueError):
        return False
    with transaction.atomic():
        row = draft.files.filter(pk=file_id).first()
        if row is None:
            return False
        row.delete()
        audit_record(actor=actor, event_type="citizen.file_removed", obj=draft,
                     chain=f"citizen:{citizen.id_number}", data={"file": file_id})
    return True


def missing_documents(draft: Draft) -> list[RequiredDocument]:
    have = set(draft.files.values_list("required_id", flat=True))
    return [d for d in draft.procedure_version.documents.order_by("order", "pk")
            if d.mandatory and not d.condition and d.pk not in have]


def draft_submit(*, actor, citizen: CitizenProfile, draft: Draft,
                 at: dt.datetime | None = None) -> Dossier:
    """Nộp hồ sơ: the dossier arrives as "Mới đăng ký" (national code 1) in the receiving unit's
    online queue. Idempotent: the draft's row is locked, so a second submit of the same draft
    (a double click, a resent form) gets the dossier of the first."""
    with transaction.atomic():
        draft = _owned_draft(citizen, Draft.objects.select_for_update().get(pk=draft.pk))
        if draft.status == DraftStatus.SUBMITTED and draft.dossier is not None:
            return draft.dossier
        errors = ErrorList()
        for doc in missing_documents(draft):
            errors.add(InvalidInput("document_missing", _("Thiếu giấy tờ bắt buộc: %(doc)s.")
                                                        % {"doc": doc.name},
                                    field=f"document-{doc.pk}"))
        if not draft.request_summary.strip():
            errors.add(InvalidInput("request_required", _("Cần ghi nội dung yêu cầu."),
                                    field="request_summary"))
        errors.raise_if_any()
        files = list(draft.files.select_related("required"))
        given = sorted({f.required_id for f in files if f.required_id})
        dossier = dossier_submit_online(
            actor=actor, procedure_version=draft.procedure_version,
            receiving_unit=draft.receiving_unit, applicant=draft.applicant,
            documents=[{"required": pk, "provided_as": ProvidedAs.DIGITAL} for pk in given],
            delivery=draft.delivery, request_summary=draft.request_summary, at=at,
            vneid_verified=True,
        )
        by_required = {d.required_id: d for d in dossier.documents.all()}
        for f in files:
            f.dossier = dossier
            f.document = by_required.get(f.required_id)
        CitizenFile.objects.bulk_update(files, ["dossier", "document"])
        draft.status = DraftStatus.SUBMITTED
        draft.dossier = dossier
        draft.save(update_fields=["status", "dossier", "updated_at"])
        audit_record(actor=actor, event_type="citizen.submitted", dossier=dossier, obj=draft,
                     channel="online", data={"code": dossier.code, "files": len(files)})
        if dossier.applicant_email or dossier.applicant_phone:
            notify(Message(
                event="dossier.submitted", subject=f"Đã nộp hồ sơ {dossier.code}",
                body=f"Hồ sơ {dossier.code} đã được gửi đến {dossier.receiving_unit.name} và "
                     "đang chờ cán bộ tiếp nhận.",
                recipients=(dossier.applicant_email,) if dossier.applicant_email else (),
                phones=(dossier.applicant_phone,) if dossier.applicant_phone else (),
                dossier_code=dossier.code,
            ))
    return dossier




def _owned_dossier(citizen: CitizenProfile, dossier: Dossier) -> Dossier:
    from motcua.citizens.selectors import citizen_dossiers

    if not citizen_dossiers(citizen=citizen).filter(pk=dossier.pk).exists():
        raise NotAllowed("dossier_not_yours", _("Hồ sơ không thuộc tài khoản của bạn."))
    return dossier


def supplement_upload(*, actor, citizen: CitizenProfile, dossier: Dossier, uploads,
                      label: str = "", at: dt.datetime | None = None) -> list[CitizenFile]:
    """Bổ sung hồ sơ trên cổng: while the dossier waits for a supplement, its applicant uploads
    what was asked. Every file is checked before anything is written. After receipt the desk
    then receives it (``complete_supplement``, the clock restarts); before receipt the dossier
    goes back to the online queue at once (``resubmit_online``), and the receptionist accepts
    it with the normal ``receive`` (the clock starts then, by the online rules)."""
    _owned_dossier(citizen, dossier)
    if dossier.status not in SUPPLEMENT_STATES:
        raise Conflict("no_supplement_requested", _("Hồ sơ không ở trạng thái chờ bổ sung."))
    uploads = list(uploads)
    if not uploads:
        raise InvalidInput("files_required", _("Chọn ít nhất một tệp để tải lên."), field="files")
    # All or nothing: a refused second file removes the first one already stored.
    stored: list[tuple[tuple[str, str, int], object]] = []
    rows = []
    try:
        for upload in uploads:
            stored.append((_store(upload, actor=actor, field="files"), upload))
        with transaction.atomic():
            for (name, content_type, size), upload in stored:
                row = CitizenFile.objects.create(
                    dossier=dossier, label=(label or "Hồ sơ bổ sung").strip()[:500], file=name,
                    original_name=(getattr(upload, "name", "") or "")[:255],
                    content_type=content_type, size=size, source=Source.SUPPLEMENT,
                    uploaded_by=citizen.user,
                )
                audit_record(actor=actor, event_type="citizen.supplement_uploaded",
                             dossier=dossier, obj=row, channel="online",
                             data={"size": size, "type": content_type})
                rows.append(row)
            if dossier.status == Status.SUPPLEMENT_REQUESTED_AT_RECEPTION:
                dossier_resubmit_online(actor=actor, dossier=dossier, at=at)
    except BaseException:
        _discard([name for (name, _type, _size), _upload in stored])
        raise
    return rows


def dossier_withdraw(*, actor, citizen: CitizenProfile, dossier: Dossier, reason: str = "",
                     at: dt.datetime | None = None) -> Dossier:
    """Rút hồ sơ trên cổng: before the desk receives it, the citizen withdraws the dossier at
    once (nothing has been processed, no notice is due). Once received, a withdrawal is
    recorded by the desk with its notice (Mẫu 05): this refuses with a message that says so."""
    _owned_dossier(citizen, dossier)
    if dossier.status not in WITHDRAW_ONLINE_STATES:
        raise Conflict("withdraw_at_the_desk",
                       _("Hồ sơ đã được tiếp nhận: để rút hồ sơ, ông/bà liên hệ bộ phận một cửa "
                         "nơi nộp hồ sơ (Thông báo dừng giải quyết, Mẫu 05)."))
    dossier_withdraw_online(actor=actor, dossier=dossier,
                            reason=(reason or "").strip()[:1000], at=at)
    dossier.refresh_from_db()
    return dossier


def supplement_add_file(*, actor, citizen: CitizenProfile, dossier: Dossier, upload,
                        label: str = "") -> CitizenFile:
    """One file of a supplement (``supplement_upload`` with one file)."""
    return supplement_upload(actor=actor, citizen=citizen, dossier=dossier, uploads=[upload],
                             label=label)[0]


def counter_scan_attach(*, actor, dossier: Dossier, document: DossierDocument | None,
                        upload) -> CitizenFile:
    """Số hóa tại quầy: the receptionist of the receiving unit attaches the scan of a paper
    document to the dossier; it becomes the citizen's electronic document once accepted."""
    if not permissions.has_role(actor, Role.RECEPTIONIST, dossier.receiving_unit_id):
        raise NotAllowed("not_receptionist",
                         _("Chỉ cán bộ tiếp nhận của đơn vị tiếp nhận được số hóa hồ sơ."))
    if document is not None and document.dossier_id != dossier.pk:
        raise InvalidInput("document_unknown", _("Giấy tờ không thuộc hồ sơ này."), field="document")
    stored, content_type, size = _store(upload, actor=actor, field="file")
    try:
        with transaction.atomic():
            row = CitizenFile.objects.create(
                dossier=dossier, document=document,
                required_id=document.required_id if document else None,
                label=(document.name if document else "Giấy tờ số hóa")[:500], file=stored,
                original_name=(getattr(upload, "name", "") or "")[:255],
                content_type=content_type, size=size, source=Source.COUNTER_SCAN,
                uploaded_by=actor,
            )
            if not dossier.digitised:
                Dossier.objects.filter(pk=dossier.pk).update(digitised=True)
            audit_record(actor=actor, event_type="dossier.document_digitised", dossier=dossier,
                         obj=row, data={"document": row.label, "size": size})
            if dossier.status not in (Status.SUBMITTED,) and dossier.applicant_id_number:
                keep_files(dossier, [row])
    except BaseException:
        _discard([stored])
        raise
    return row


def keep_files(dossier: Dossier, files) -> list[ElectronicDocument]:
    """Every accepted document becomes the citizen's electronic document (same stored file,
    provenance kept); called in the caller's transaction."""
    number = dossier.applicant_id_number
    if not (number and len(number) == 12 and number.isdigit()):
        return []
    rows = []
    for f in files:
        if f.source == Source.REUSED:
            continue  # already in the store
        rows.append(ElectronicDocument(
            id_number=number, name=f.label or f.original_name, required_id=f.required_id,
            file=f.file.name, size=f.size, source=f.source, source_dossier=dossier,
        ))
    return ElectronicDocument.objects.bulk_create(rows)


def keep_result(dossier: Dossier) -> ElectronicDocument | None:
    number = dossier.applicant_id_number
    if not (dossier.result_file and number and len(number) == 12 and number.isdigit()):
        return None
    if ElectronicDocument.objects.filter(source_dossier=dossier, source=Source.RESULT).exists():
        return None
    label = dossier.procedure_version.result_type or "Kết quả giải quyết"
    return ElectronicDocument.objects.create(
        id_number=number, name=f"{label} (hồ sơ {dossier.code})"[:500],
        file=dossier.result_file.name, size=dossier.result_file.size or 0,
        source=Source.RESULT, source_dossier=dossier,
    )
