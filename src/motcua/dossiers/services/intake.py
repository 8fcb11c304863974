"""Tiếp nhận: a dossier arrives (at the counter, online, or refused at reception), and the
counter's completion slip (Mẫu 02) that creates no dossier.

Everything but the writes (checks, catalog reads, calendar, due times) happens before the
transaction (``_draft``), so concurrent intakes hold the write lock only for the writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import DatabaseError, router, transaction
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.catalog.fees import MAX_COPIES, assess, exemption_choices
from motcua.catalog.models import ProcedureVersion, VersionStatus
from motcua.core.errors import ErrorList, InvalidInput
from motcua.core.orm_speed import CompiledInsert, CompiledUpdate
from motcua.dossiers import deadlines, events, permissions
from motcua.dossiers.identity import normalise_phone
from motcua.dossiers.models import (
    CounterGuidance,
    Dossier,
    DossierDocument,
    DossierStep,
    ProvidedAs,
    StatusChange,
)
from motcua.dossiers.services.applicants import (
    applicant_fields,
    check_length,
    delivery_fields,
)
from motcua.dossiers.services.catalog_cache import loaded_version
from motcua.dossiers.services.codes import next_code
from motcua.dossiers.services.common import (
    applicant_choice,
    format_time,
    notify_applicant,
    record_history,
    resolve_now,
)
from motcua.dossiers.services.steps import insert_steps, start_clock, step_plan
from motcua.dossiers.states import Channel, Status
from motcua.dossiers.transitions import TRANSITIONS
from motcua.org.models import Unit, UnitKind


def _documents(version: ProcedureVersion, documents: list, *, check: bool) -> list[DossierDocument]:
    """The checklist as handed in; with ``check``, every mandatory document must be there."""
    required = {d.pk: d for d in version.documents.all()}
    by_name = {d.name.strip().casefold(): d for d in required.values()}
    rows: list[DossierDocument] = []
    for i, item in enumerate(documents or []):
        item = dict(item)
        req = item.get("required")
        req_id = getattr(req, "pk", req)
        doc = required.get(req_id) if req_id is not None else None
        if req_id is not None and doc is None:
            raise InvalidInput(
                "document_unknown", _('Giấy tờ không thuộc thủ tục này.'), field=f"documents.{i}"
            )
        name = (item.get("name") or (doc.name if doc else "")).strip()
        if doc is None and name:
            doc = by_name.get(name.casefold())
        if not name:
            raise InvalidInput(
                "document_name_required", _('Cần ghi tên giấy tờ.'), field=f"documents.{i}.name"
            )
        provided_as = item.get("provided_as") or ProvidedAs.ORIGINAL
        if provided_as not in ProvidedAs.values:
            raise InvalidInput(
                "document_form_invalid",
                _('Hình thức nộp phải là bản chính, bản sao, bản điện tử hoặc chưa nộp.'),
                field=f"documents.{i}.provided_as",
            )
        try:
            copies = int(item.get("copies") or 1)
        except (TypeError, ValueError):
            copies = 0
        if copies < 1:
            raise InvalidInput(
                "document_copies_invalid", _('Số lượng giấy tờ phải từ 1 trở lên.'),
                field=f"documents.{i}.copies",
            )
        rows.append(
            DossierDocument(required=doc, name=name, provided_as=provided_as, copies=copies)
        )
    if check:
        given = {r.required_id or (r.required.pk if r.required else None)
                 for r in rows if r.provided_as != ProvidedAs.NONE}
        missing = ErrorList()
        for doc in sorted(required.values(), key=lambda d: d.order):
            if doc.mandatory and not doc.condition and doc.pk not in given:
                missing.add(InvalidInput(
                    "document_missing", _("Thiếu giấy tờ bắt buộc: %(name)s.") % {"name": doc.name}, field="documents"
                ))
        missing.raise_if_any()  # every missing paper named, not the first one
    return rows


def competent_unit_for(version: ProcedureVersion, receiving_unit: Unit) -> Unit:
    """The unit that decides (cơ quan giải quyết): the version's agency, except a commune-level
    procedure received at a commune center, which the commune owning that center decides."""
    if (
        version.level == "xa"
        and receiving_unit.kind == UnitKind.COMMUNE_CENTER
        and receiving_unit.parent_id
        and receiving_unit.parent.kind == UnitKind.COMMUNE
    ):
        return receiving_unit.parent
    return version.agency


def _check_version(version: ProcedureVersion, receiving_unit: Unit) -> None:
    if version.status != VersionStatus.PUBLISHED:
        raise InvalidInput(
            "procedure_not_published", _('Thủ tục chưa công bố hoặc đã hết hiệu lực.'),
            field="procedure_version",
        )
    if not receiving_unit.is_receiving:
        raise InvalidInput(
            "unit_not_receiving", _('Đơn vị này không phải bộ phận một cửa tiếp nhận hồ sơ.'),
            field="receiving_unit",
        )
    limited = [u.pk for u in version.receiving_units.all()]  # prefetched by loaded_version
    if limited and receiving_unit.pk not in limited and not version.boundary_free:
        raise InvalidInput(
            "procedure_not_received_here",
            _('Thủ tục này không được tiếp nhận tại đơn vị này.'), field="receiving_unit",
        )


def _check_time_limit(version: ProcedureVersion) -> None:
    value, unit = version.effective_time
    if value is None or not unit or Decimal(value) <= 0:
        raise InvalidInput(
            "procedure_without_time_limit",
            _('Thủ tục chưa có thời hạn giải quyết nên không thể tiếp nhận và hẹn trả.'),
            field="procedure_version",
        )


@dataclass
class _Draft:
    """A dossier checked and computed outside the transaction, waiting for its code."""

    dossier: Dossier
    documents: list[DossierDocument]
    steps: list[DossierStep] = field(default_factory=list)


def _checked(version, *, applicant, documents, delivery, request_summary, notes, at,
             check_documents):
    """Every independent check of an intake, run together so the clerk (or the API client)
    sees all errors at once: (errors, applicant fields, documents, delivery fields)."""
    errors = ErrorList()
    fields = errors.check(applicant_fields, applicant, at=at)
    docs = errors.check(_documents, version, documents, check=check_documents)
    delivered = errors.check(delivery_fields, delivery)
    errors.check(check_length, request_summary or "", "request_summary")
    errors.check(check_length, notes or "", "notes")
    return errors, fields, docs, delivered


def intake_problems(
    *, procedure_version: ProcedureVersion, applicant: dict, documents: list,
    delivery: dict | None = None, request_summary: str = "", notes: str = "",
    check_documents: bool = True, at: dt.datetime | None = None,
) -> list[InvalidInput]:
    """The input errors an intake of these values would meet, without writing anything: a page
    whose own parsing failed (a malformed date) still shows the others at the same time."""
    errors, *_ = _checked(
        loaded_version(procedure_version), applicant=applicant, documents=documents,
        delivery=delivery, request_summary=request_summary, notes=notes, at=resolve_now(at),
        check_documents=check_documents,
    )
    return errors.errors


def _check_fee_choice(fees, copies, exemption) -> None:
    """The number of copies (số bản, per-copy fees) and the exemption category (đối tượng
    miễn) picked at intake: a category the procedure's fees do not record is refused."""
    if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= MAX_COPIES:
        raise InvalidInput("fee_copies_invalid",
                           _("Số bản phải là số nguyên từ 1 đến %(max)s.") % {"max": MAX_COPIES},
                           field="fee_copies")
    if exemption and exemption not in exemption_choices(fees):
        raise InvalidInput("fee_exemption_invalid",
                           _("Đối tượng miễn không có trong quy định phí của thủ tục."),
                           field="fee_exemption")


def _draft(
    *, actor, version, receiving_unit, applicant, documents, channel, counter, delivery,
    request_summary, notes, at, status, check_documents, reason="", fee_copies=1, fee_exemption="",
) -> _Draft:
    """Validate the input and build the dossier, its documents and (when received) its step
    plan, without writing anything: no lock is needed for any of it."""
    errors, fields, docs, delivered = _checked(
        version, applicant=applicant, documents=documents, delivery=delivery,
        request_summary=request_summary, notes=notes, at=at, check_documents=check_documents,
    )
    errors.raise_if_any()
    if channel not in Channel.values:
        raise InvalidInput("channel_invalid", _('Kênh nộp phải là 1, 2 hoặc 3.'), field="channel")
    if counter is not None and counter.center_id != receiving_unit.pk:
        raise InvalidInput(
            "counter_not_in_unit", _('Quầy không thuộc đơn vị tiếp nhận.'), field="counter"
        )
    fees = list(version.fees.all())
    _check_fee_choice(fees, fee_copies, fee_exemption)
    competent = competent_unit_for(version, receiving_unit)
    dossier = Dossier(
        procedure_version=version, field=version.field,
        receiving_unit=receiving_unit, competent_unit=competent, current_unit=receiving_unit,
        channel=channel, counter=counter,
        received_by=actor if getattr(actor, "pk", None) else None,
        submitted_at=at, request_summary=request_summary or "", notes=notes or "",
        refusal_reason=reason, digitised=any(d.provided_as == ProvidedAs.DIGITAL for d in docs),
        # What is owed: computed in one place (catalog.fees), online reduction by channel.
        fee_total=assess(fees, copies=fee_copies, online=channel == Channel.ONLINE,
                         exemption=fee_exemption).total,
        **fields, **delivered,
    )
    dossier.set_status(status)
    draft = _Draft(dossier, docs)
    if status == Status.RECEIVED:
        calendar = start_clock(dossier, version, at)
        draft.steps = step_plan(dossier, version, at, calendar)
    return draft


def _insert(draft: _Draft, *, at: dt.datetime) -> Dossier:
    """Inside the transaction: take the next code and write the dossier with its documents and
    steps (one statement each)."""
    dossier = draft.dossier
    dossier.code = next_code(dossier.receiving_unit, at)
    dossier.save()
    for doc in draft.documents:
        doc.dossier = dossier
    DossierDocument.objects.bulk_create(draft.documents)
    if draft.steps:
        insert_steps(dossier, draft.steps)
    # What was just written, for a caller that shows it at once (the intake API answers with
    # the detail shape) without reading it back; see ``written_rows``.
    dossier._written_rows = {"documents": draft.documents, "steps": draft.steps}
    return dossier


# The intake's writes, compiled once per process (``core.orm_speed``): ``dossier_receive``
# prepares every row before its transaction and, under the lock, only puts in what is read or
# made there (the code, the new ids, the ``auto_now`` stamps) before one INSERT per table. The
# ORM built and compiled each of these statements under SQLite's write lock: most of the time
# the lock was held (docs/performance.md, "Intake, round three").
_DOSSIER_INSERT = CompiledInsert(Dossier)
_DOCUMENTS_INSERT = CompiledInsert(DossierDocument)
_STEPS_INSERT = CompiledInsert(DossierStep)
_HISTORY_INSERT = CompiledInsert(StatusChange)
_CURRENT_STEP_UPDATE = CompiledUpdate(Dossier, ["current_step_id"])


@dataclass
class _Prepared:
    """A draft's rows as the ORM would send them, waiting for the code and the ids."""

    alias: str
    dossier: list
    documents: list[list]
    steps: list[list]
    change: StatusChange
    history: list


def _prepare(draft: _Draft, *, action: str, actor, unit_id, at: dt.datetime) -> _Prepared | None:
    """Before the transaction: the rows of the dossier, its documents and steps and its first
    history row (what ``_insert`` and ``record_history`` write), or None when a compiled insert
    would not write what ``save()`` writes (a receiver connected; ``_insert`` is used then)."""
    if not all(w.usable() for w in (_DOSSIER_INSERT, _DOCUMENTS_INSERT, _STEPS_INSERT,
                                     _HISTORY_INSERT, _CURRENT_STEP_UPDATE)):
        return None
    alias = router.db_for_write(Dossier)
    dossier = draft.dossier
    dossier.fold_name()  # what Dossier.save() does first
    for doc in draft.documents:
        doc.dossier = dossier
    change = StatusChange(
        dossier=dossier, from_status="", to_status=dossier.status, action=action,
        actor=actor if getattr(actor, "pk", None) else None, unit_id=unit_id, at=at,
        reason="", due_at=dossier.due_at, stat_due_at=deadlines.statistical_due(dossier),
        step=draft.steps[0] if draft.steps else None,
    )
    # What the event's receivers (the statistics ledger) will write, computed now too.
    events.emit_first_change_planned(dossier=dossier, change=change)
    return _Prepared(
        alias=alias,
        dossier=_DOSSIER_INSERT.row(dossier, alias),
        documents=[_DOCUMENTS_INSERT.row(d, alias) for d in draft.documents],
        steps=[_STEPS_INSERT.row(s, alias) for s in draft.steps],
        change=change,
        history=_HISTORY_INSERT.row(change, alias),
    )


def _insert_prepared(draft: _Draft, rows: _Prepared, *, at: dt.datetime) -> Dossier:
    """Inside the transaction: what ``_insert`` and then ``record_history(first=True)`` do, with
    the rows ``_prepare`` made: the code, the dossier, its documents and steps, the current
    step, the history row and its event (the statistics ledger)."""
    alias, dossier = rows.alias, draft.dossier
    dossier.code = next_code(dossier.receiving_unit, at)
    _DOSSIER_INSERT.set(rows.dossier, dossier, alias, "code")
    _DOSSIER_INSERT.stamp(rows.dossier, dossier, alias)
    _DOSSIER_INSERT.insert(alias, [dossier], [rows.dossier])
    for doc, row in zip(draft.documents, rows.documents, strict=True):
        doc.dossier_id = dossier.pk
        _DOCUMENTS_INSERT.set(row, doc, alias, "dossier_id")
    _DOCUMENTS_INSERT.insert(alias, draft.documents, rows.documents)
    if draft.steps:
        for step, row in zip(draft.steps, rows.steps, strict=True):
            step.dossier_id = dossier.pk
            _STEPS_INSERT.set(row, step, alias, "dossier_id")
        _STEPS_INSERT.insert(alias, draft.steps, rows.steps)
        dossier.current_step = draft.steps[0]
        if _CURRENT_STEP_UPDATE.update(alias, dossier) != 1:  # as save(update_fields=…) says
            raise DatabaseError("Save with update_fields did not affect any rows.")
    change = rows.change
    change.dossier_id = dossier.pk
    change.step_id = dossier.current_step_id
    _HISTORY_INSERT.set(rows.history, change, alias, "dossier_id", "step_id")
    _HISTORY_INSERT.insert(alias, [change], [rows.history])
    events.emit_status_changed(dossier=dossier, change=change, first=True)
    dossier._written_rows = {  # type: ignore[attr-defined]  # see written_rows
        "documents": draft.documents, "steps": draft.steps, "status_changes": [change]}
    return dossier


def written_rows(dossier: Dossier) -> dict[str, list]:
    """The documents, steps and history rows an intake service wrote for ``dossier``, by
    related name, as they were at commit (empty for a dossier read from the database)."""
    return getattr(dossier, "_written_rows", {})


def dossier_receive(
    *, actor, procedure_version: ProcedureVersion, receiving_unit: Unit, applicant: dict,
    documents: list, channel: int = Channel.COUNTER, counter=None, delivery: dict | None = None,
    request_summary: str = "", notes: str = "", at: dt.datetime | None = None,
    fee_copies: int = 1, fee_exemption: str = "",
) -> Dossier:
    """Tiếp nhận hồ sơ at the counter: checks, code, due time, step plan, status RECEIVED.

    The caller prints Mẫu 01 from the returned dossier. Nothing is written on any error.
    Everything but the writes (checks, catalog reads, calendar, due times) happens before the
    transaction, so concurrent intakes hold the write lock only for the writes themselves.
    """
    at = resolve_now(at)
    transition = TRANSITIONS["receive"]
    unit_id = permissions.check_transition_actor(actor, transition, receiving_unit=receiving_unit)
    version = loaded_version(procedure_version)
    _check_version(version, receiving_unit)
    _check_time_limit(version)
    draft = _draft(
        actor=actor, version=version, receiving_unit=receiving_unit,
        applicant=applicant, documents=documents, channel=channel, counter=counter,
        delivery=delivery, request_summary=request_summary, notes=notes, at=at,
        status=Status.RECEIVED, check_documents=True, fee_copies=fee_copies,
        fee_exemption=fee_exemption,
    )
    # The applicant's channel choice is read now, not under the write lock; so are the rows.
    chosen = applicant_choice(draft.dossier)
    rows = _prepare(draft, action="receive", actor=actor, unit_id=unit_id, at=at)
    with transaction.atomic():
        if rows is not None:
            dossier = _insert_prepared(draft, rows, at=at)
        else:
            dossier = _insert(draft, at=at)
            record_history(dossier, action="receive", from_status="", actor=actor,
                           unit_id=unit_id, at=at, first=True)
        audit_record(
            actor=actor, event_type="dossier.received", dossier=dossier, obj=dossier, at=at,
            data={"code": dossier.code, "due_at": dossier.due_at, "channel": channel,
                  "procedure": version.procedure.code},
        )
        notify_applicant(
            dossier, "dossier.received", f"Đã tiếp nhận hồ sơ {dossier.code}",
            f"Hồ sơ {dossier.code} đã được tiếp nhận lúc {format_time(at)}; "
            f"hẹn trả kết quả lúc {format_time(dossier.due_at)}.", chosen=chosen,
        )
    return dossier


def dossier_submit_online(
    *, actor=None, procedure_version: ProcedureVersion, receiving_unit: Unit, applicant: dict,
    documents: list, delivery: dict | None = None, request_summary: str = "",
    at: dt.datetime | None = None, vneid_verified: bool = False,
) -> Dossier:
    """System: an online dossier arrives (Mới đăng ký, status 1); no clock runs until an officer
    receives it (action ``receive``). ``vneid_verified``: the applicant's identity came from the
    identity provider's verified claims (the portal's sign-in), not from a form."""
    at = resolve_now(at)
    version = loaded_version(procedure_version)
    _check_version(version, receiving_unit)
    draft = _draft(
        actor=None, version=version, receiving_unit=receiving_unit,
        applicant=applicant, documents=documents, channel=Channel.ONLINE, counter=None,
        delivery=delivery, request_summary=request_summary, notes="", at=at,
        status=Status.SUBMITTED, check_documents=False,
    )
    draft.dossier.vneid_verified = bool(vneid_verified)
    with transaction.atomic():
        dossier = _insert(draft, at=at)
        record_history(dossier, action="submit", from_status="", actor=None, unit_id=None, at=at,
                       first=True)
        audit_record(actor=actor, event_type="dossier.submitted", dossier=dossier, at=at,
                     channel="online", data={"code": dossier.code})
    return dossier


def counter_guidance_issue(
    *, actor, procedure_version: ProcedureVersion, receiving_unit: Unit, applicant: dict,
    items: str, reason: str = "", at: dt.datetime | None = None,
) -> CounterGuidance:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) at the counter: no dossier, no clock."""
    at = resolve_now(at)
    permissions.check_transition_actor(
        actor, TRANSITIONS["receive"], receiving_unit=receiving_unit
    )
    if not (items or "").strip():
        raise InvalidInput("items_required", _('Cần ghi nội dung yêu cầu hoàn thiện.'), field="items")
    name = (applicant.get("name") or applicant.get("full_name") or "").strip()
    if not name:
        raise InvalidInput(
            "applicant_name_required", _('Cần ghi họ và tên người nộp.'), field="applicant.name"
        )
    phone = applicant.get("phone") or ""
    phone = normalise_phone(phone, field="applicant.phone") if phone else ""
    check_length(name, "applicant.name")
    check_length(applicant.get("address") or "", "applicant.address")
    with transaction.atomic():
        guidance = CounterGuidance.objects.create(
            procedure_version=procedure_version, unit=receiving_unit, applicant_name=name,
            applicant_id_number=(applicant.get("id_number") or "")[:12],
            applicant_address=applicant.get("address") or "",
            applicant_phone=phone,
            applicant_email=applicant.get("email") or "",
            items=items.strip(), reason=reason or "", issued_by=actor, issued_at=at,
        )
        audit_record(actor=actor, event_type="counter.guidance_issued", obj=guidance, at=at,
                     chain=f"unit:{receiving_unit.code}",
                     data={"procedure": procedure_version.procedure.code, "items": items})
    return guidance


def dossier_refuse_at_reception(
    *, actor, procedure_version: ProcedureVersion, receiving_unit: Unit, applicant: dict,
    reason: str, channel: int = Channel.COUNTER, documents: list | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Từ chối tiếp nhận (Mẫu 03): a coded dossier in REFUSED_AT_RECEPTION, for the slip and the
    statistics. ``received_at`` stays empty (it was never received); ``finished_at`` is set."""
    at = resolve_now(at)
    unit_id = permissions.check_transition_actor(
        actor, TRANSITIONS["refuse_reception"], receiving_unit=receiving_unit
    )
    if not (reason or "").strip():
        raise InvalidInput("reason_required", _('Cần ghi lý do từ chối.'), field="reason")
    version = loaded_version(procedure_version)
    _check_version(version, receiving_unit)
    draft = _draft(
        actor=actor, version=version, receiving_unit=receiving_unit,
        applicant=applicant, documents=documents or [], channel=channel, counter=None,
        delivery=None, request_summary="", notes="", at=at,
        status=Status.REFUSED_AT_RECEPTION, check_documents=False, reason=reason.strip(),
    )
    draft.dossier.finished_at = at
    with transaction.atomic():
        dossier = _insert(draft, at=at)
        record_history(dossier, action="refuse_reception", from_status="", actor=actor,
                       unit_id=unit_id, at=at, reason=reason, first=True)
        audit_record(actor=actor, event_type="dossier.refused_at_reception", dossier=dossier,
                     at=at, data={"reason": reason})
    return dossier

