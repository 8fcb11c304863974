"""Dossier writes (nghiệp vụ hồ sơ): intake, transitions, supplements, pauses, apologies.

Every service: keyword-only arguments, a required ``actor``, one ``transaction.atomic()``, the
audit event inside it, notifications after commit, and ``at=None`` (default now) so demo data
and imports can record the past. Transitions lock the dossier row (``select_for_update``) and
re-check the state after locking, so two officers acting at once never apply an action twice:
the second gets ``Conflict("transition_not_allowed")``.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, prefetch_related_objects
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.catalog.models import (
    Fee,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    StepRole,
    VersionStatus,
)
from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.dossiers import deadlines
from motcua.dossiers.identity import (
    normalise_phone,
    validate_identity,
    validate_tax_code,
)
from motcua.dossiers.models import (
    Apology,
    ApplicantKind,
    CodeSequence,
    CounterGuidance,
    DeadlineWarning,
    Dossier,
    DossierDocument,
    DossierPause,
    DossierStep,
    PauseKind,
    ProvidedAs,
    StatusChange,
)
from motcua.dossiers.states import PAUSED, PROCESSING_ENDED, Channel, DeliveryMethod, Status
from motcua.dossiers.transitions import (
    PROCESSING,
    TRANSITIONS,
    Transition,
    check_state,
    get_transition,
)
from motcua.notifications import Message, notify
from motcua.org import calendars, permissions
from motcua.org.calendars import UnitCalendar, calendar_for_unit
from motcua.org.models import Role, Unit, UnitKind
from motcua.reports import hooks as report_hooks
from motcua.signing import get_backend
from motcua.worktime import WorkCalendar, classify

S = Status


@dataclass
class ActionResult:
    """What a transition returns: the dossier (locked copy, up to date), the history row and
    any warnings (e.g. a second supplement request)."""

    dossier: Dossier
    change: StatusChange | None
    warnings: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    target: str | None = None
    step: DossierStep | None = None


# ----------------------------------------------------------------------------- helpers


def _now(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise InvalidInput("naive_datetime", "Thời điểm phải có múi giờ.", field="at")
    return at


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def _fmt(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime("%H:%M %d/%m/%Y") if at else ""


def next_code(unit: Unit, at: dt.datetime) -> str:
    """Mã hồ sơ ``<unit code>-YYMMDD-XXXX``: per unit and day, never reused (domain §5.1).

    The UPDATE … SET last = last + 1 takes the row lock (PostgreSQL) or the write lock (SQLite,
    IMMEDIATE transactions) until the caller's transaction ends, so concurrent intakes queue; a
    first intake of the day creates the row, and a concurrent creator that loses the race
    (IntegrityError on the unique row) retries the UPDATE.
    """
    day = _local_date(at)
    for _ in range(5):
        last = _increment_sequence(unit.code, day)
        if last is not None:
            break
        try:
            with transaction.atomic():
                CodeSequence.objects.create(unit_code=unit.code, day=day, last=1)
            last = 1
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - five lost races in a row
        raise Conflict("code_sequence_busy", "Không cấp được mã hồ sơ, vui lòng thử lại.")
    return f"{unit.code}-{day:%y%m%d}-{last:04d}"


def _increment_sequence(unit_code: str, day: dt.date) -> int | None:
    """``last + 1`` of the (unit, day) row, or None when the row does not exist yet.

    One ``UPDATE … RETURNING`` where the database has it (SQLite ≥ 3.35, PostgreSQL): it runs
    under the write lock, where every statement delays the other intakes.
    """
    connection = transaction.get_connection()
    rows = CodeSequence.objects.filter(unit_code=unit_code, day=day)
    if not connection.features.can_return_columns_from_insert:
        if not rows.update(last=F("last") + 1):
            return None
        return rows.values_list("last", flat=True).get()
    table = connection.ops.quote_name(CodeSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "last" = "last" + 1 WHERE "unit_code" = %s AND "day" = %s '
            'RETURNING "last"',
            [unit_code, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _parse_date(value, field_name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(
            "date_invalid", "Ngày không hợp lệ (dùng dạng YYYY-MM-DD).", field=field_name
        ) from None


def applicant_fields(applicant: dict, *, at: dt.datetime) -> dict:
    """Validated model fields of the applicant (người nộp hồ sơ); InvalidInput names the field."""
    applicant = dict(applicant or {})
    kind = applicant.get("kind") or ApplicantKind.PERSON
    if kind not in ApplicantKind.values:
        raise InvalidInput(
            "applicant_kind_invalid", "Loại người nộp không hợp lệ.", field="applicant.kind"
        )
    name = (applicant.get("name") or applicant.get("full_name") or "").strip()
    if not name:
        raise InvalidInput(
            "applicant_name_required", "Cần ghi họ và tên (hoặc tên tổ chức) người nộp.",
            field="applicant.name",
        )
    result = {
        "applicant_kind": kind,
        "applicant_name": name,
        "applicant_address": (applicant.get("address") or "").strip(),
        "representative_name": (applicant.get("representative_name") or "").strip(),
        "authorised_by": (applicant.get("authorised_by") or "").strip(),
    }
    phone = (applicant.get("phone") or "").strip()
    if phone:
        result["applicant_phone"] = normalise_phone(phone, field="applicant.phone")
    email = (applicant.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(
                "email_invalid", "Địa chỉ thư điện tử không hợp lệ.", field="applicant.email"
            ) from None
        result["applicant_email"] = email
    if kind == ApplicantKind.PERSON:
        birth = _parse_date(applicant.get("birth_date"), "applicant.birth_date")
        gender = applicant.get("gender") or ""
        if gender and gender not in ("male", "female"):
            raise InvalidInput(
                "gender_invalid", "Giới tính không hợp lệ.", field="applicant.gender"
            )
        number = (applicant.get("id_number") or "").strip()
        if not number:
            raise InvalidInput(
                "id_number_required", "Cần ghi số định danh cá nhân của người nộp.",
                field="applicant.id_number",
            )
        personal, legacy = validate_identity(
            number, birth_date=birth, gender=gender, on=_local_date(at),
            field="applicant.id_number",
        )
        result.update(
            applicant_id_number=personal, applicant_legacy_id=legacy,
            applicant_birth_date=birth, applicant_gender=gender,
        )
    else:
        result["organisation_tax_code"] = validate_tax_code(
            applicant.get("tax_code") or "", field="applicant.tax_code"
        )
        if not result["representative_name"]:
            raise InvalidInput(
                "representative_required", "Cần ghi người đại diện của tổ chức.",
                field="applicant.representative_name",
            )
    return result


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
                "document_unknown", "Giấy tờ không thuộc thủ tục này.", field=f"documents.{i}"
            )
        name = (item.get("name") or (doc.name if doc else "")).strip()
        if doc is None and name:
            doc = by_name.get(name.casefold())
        if not name:
            raise InvalidInput(
                "document_name_required", "Cần ghi tên giấy tờ.", field=f"documents.{i}.name"
            )
        provided_as = item.get("provided_as") or ProvidedAs.ORIGINAL
        if provided_as not in ProvidedAs.values:
            raise InvalidInput(
                "document_form_invalid",
                "Hình thức nộp phải là bản chính, bản sao, bản điện tử hoặc chưa nộp.",
                field=f"documents.{i}.provided_as",
            )
        try:
            copies = int(item.get("copies") or 1)
        except (TypeError, ValueError):
            copies = 0
        if copies < 1:
            raise InvalidInput(
                "document_copies_invalid", "Số lượng giấy tờ phải từ 1 trở lên.",
                field=f"documents.{i}.copies",
            )
        rows.append(
            DossierDocument(required=doc, name=name, provided_as=provided_as, copies=copies)
        )
    if check:
        given = {r.required_id or (r.required.pk if r.required else None)
                 for r in rows if r.provided_as != ProvidedAs.NONE}
        for doc in sorted(required.values(), key=lambda d: d.order):
            if doc.mandatory and not doc.condition and doc.pk not in given:
                raise InvalidInput(
                    "document_missing", f"Thiếu giấy tờ bắt buộc: {doc.name}.", field="documents"
                )
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
            "procedure_not_published", "Thủ tục chưa công bố hoặc đã hết hiệu lực.",
            field="procedure_version",
        )
    if not receiving_unit.is_receiving:
        raise InvalidInput(
            "unit_not_receiving", "Đơn vị này không phải bộ phận một cửa tiếp nhận hồ sơ.",
            field="receiving_unit",
        )
    limited = [u.pk for u in version.receiving_units.all()]  # prefetched by _loaded_version
    if limited and receiving_unit.pk not in limited and not version.boundary_free:
        raise InvalidInput(
            "procedure_not_received_here",
            "Thủ tục này không được tiếp nhận tại đơn vị này.", field="receiving_unit",
        )


def _check_time_limit(version: ProcedureVersion) -> None:
    value, unit = version.effective_time
    if value is None or not unit or Decimal(value) <= 0:
        raise InvalidInput(
            "procedure_without_time_limit",
            "Thủ tục chưa có thời hạn giải quyết nên không thể tiếp nhận và hẹn trả.",
            field="procedure_version",
        )


def _delivery_fields(delivery: dict | None) -> dict:
    delivery = dict(delivery or {})
    method = delivery.get("method") or DeliveryMethod.COUNTER
    if method not in DeliveryMethod.values:
        raise InvalidInput(
            "delivery_invalid", "Hình thức nhận kết quả không hợp lệ.", field="delivery.method"
        )
    address = (delivery.get("address") or "").strip()
    if method == DeliveryMethod.POST and not address:
        raise InvalidInput(
            "delivery_address_required", "Nhận qua bưu chính cần địa chỉ nhận kết quả.",
            field="delivery.address",
        )
    return {"delivery_method": method, "delivery_address": address}


def _history(dossier, *, action, from_status, actor, unit_id, at, reason="", step=None):
    change = StatusChange.objects.create(
        dossier=dossier, from_status=from_status, to_status=dossier.status, action=action,
        actor=actor if getattr(actor, "pk", None) else None, unit_id=unit_id, at=at,
        reason=reason, due_at=dossier.due_at, step=step or dossier.current_step,
    )
    report_hooks.on_status_change(dossier=dossier, change=change)
    written = getattr(dossier, "_written_rows", None)
    if written is not None:
        written.setdefault("status_changes", []).append(change)
    return change


def _notify_applicant(dossier, event: str, subject: str, body: str) -> None:
    if dossier.applicant_email or dossier.applicant_phone:
        notify(Message(
            event=event, subject=subject, body=body,
            recipients=(dossier.applicant_email,) if dossier.applicant_email else (),
            phones=(dossier.applicant_phone,) if dossier.applicant_phone else (),
            dossier_code=dossier.code,
        ))


def _start_clock(
    dossier: Dossier, version: ProcedureVersion, at: dt.datetime,
    unit_calendar: UnitCalendar | None = None,
) -> WorkCalendar:
    """Set the time inputs and the due time of a dossier accepted at ``at``; return the
    receiving unit's calendar used for them (the step plan uses the same one)."""
    unit_calendar = unit_calendar or calendars.unit_calendar(dossier.receiving_unit)
    value, unit = version.effective_time
    dossier.received_at = at
    dossier.clock_start = at
    dossier.time_value = Decimal(value)
    dossier.time_unit = unit
    dossier.cutoff = deadlines.intake_cutoff(
        version, dossier.receiving_unit, five_on_site=version.five_on_site,
        unit_cutoff=lambda: unit_calendar.cutoff,
    )
    dossier.due_at = deadlines.compute_due(dossier, unit_calendar.calendar)
    dossier.original_due_at = dossier.due_at
    return unit_calendar.calendar


def _step_plan(
    dossier: Dossier, version: ProcedureVersion, at: dt.datetime, calendar: WorkCalendar
) -> list[DossierStep]:
    """One unsaved DossierStep per ProcessStep, deadlines chained by their working hours; the
    first is started at ``at`` and held by the officer who received the dossier.

    "5 tại chỗ": every step is held by the receiving center (its on-site officers act there).
    """
    start = calendar.effective_start(at, cutoff=dossier.cutoff)
    steps: list[DossierStep] = []
    # sorted() rather than order_by(): keeps a prefetched list (see _loaded_version).
    for ps in sorted(version.steps.all(), key=lambda ps: (ps.order, ps.pk)):
        if version.five_on_site:
            unit = dossier.receiving_unit
        elif ps.unit_id:
            unit = ps.unit
        elif ps.role == StepRole.RECEPTION:
            unit = dossier.receiving_unit
        else:
            unit = dossier.competent_unit
        due = deadlines.step_due(start, ps.hours, calendar)
        first = not steps
        steps.append(DossierStep(
            dossier=dossier, process_step=ps, order=ps.order, name=ps.name, role=ps.role,
            unit=unit, hours=ps.hours, due_at=due,
            started_at=at if first else None,
            assignee=dossier.received_by if first else None,
        ))
        start = due
    return steps


def _insert_steps(dossier: Dossier, steps: list[DossierStep]) -> None:
    """Write the planned steps in one statement and point the dossier at the first."""
    for step in steps:
        step.dossier = dossier
    DossierStep.objects.bulk_create(steps)
    first = steps[0] if steps else None
    if first is not None and first.pk is None:  # pragma: no cover - backends without RETURNING
        first = dossier.steps.order_by("order", "id").first()
    dossier.current_step = first
    dossier.save(update_fields=["current_step"])


def _loaded_version(version: ProcedureVersion) -> ProcedureVersion:
    """A copy of ``version`` with everything intake reads from the catalog loaded in one go
    (procedure, agency, field, documents, steps with their units, fees, receiving units).

    Done before the transaction: on SQLite the transaction holds the database write lock, so
    reads inside it serialise every intake. A published version and its parts are frozen at the
    model level, so nothing read here can change under the transaction except the version's
    status, which intake checks here exactly as before; the parts of a published version are
    therefore kept per process (``_frozen_parts``). The receiving units are a many-to-many
    list that the model does not freeze, so they are read every time. The copy keeps the
    caller's object free of prefetched lists that could go stale.
    """
    loaded = copy.copy(version)
    loaded._prefetched_objects_cache = dict(getattr(version, "_prefetched_objects_cache", {}))
    for name in ("procedure", "agency", "field"):
        getattr(loaded, name)
    key = (
        (version.pk, version.published_at)
        if version.is_published and version.published_at and version.pk
        else None
    )
    parts = _frozen_parts.get(key) if key else None
    if parts is None:
        prefetch_related_objects(
            [loaded], "documents",
            Prefetch("steps", queryset=ProcessStep.objects.select_related("unit")), "fees",
        )
        parts = {name: list(loaded._prefetched_objects_cache[name]) for name in _PARTS}
        if key:
            if len(_frozen_parts) >= 1024:
                _frozen_parts.clear()
            _frozen_parts[key] = parts
    seed_related(loaded, parts)
    prefetch_related_objects([loaded], "receiving_units")
    return loaded


_PARTS = ("documents", "steps", "fees")
# (version id, published at) -> its documents, steps (with units) and fees, as read once.
_frozen_parts: dict[tuple, dict[str, list]] = {}


@receiver(post_save, sender=ProcedureVersion)
@receiver(post_delete, sender=ProcedureVersion)
@receiver(post_save, sender=RequiredDocument)
@receiver(post_delete, sender=RequiredDocument)
@receiver(post_save, sender=ProcessStep)
@receiver(post_delete, sender=ProcessStep)
@receiver(post_save, sender=Fee)
@receiver(post_delete, sender=Fee)
def _forget_frozen_parts(**kwargs) -> None:
    # Published parts never change; this covers ids reused after a delete or a rolled-back
    # transaction (tests), where a new version could meet an old cache entry.
    _frozen_parts.clear()


def seed_related(instance, rows: dict[str, list]) -> None:
    """Serve ``instance.<name>.all()`` from ``rows[name]``, as ``prefetch_related`` would have
    from the database."""
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objs in rows.items():
        queryset = getattr(instance, name).all()
        queryset._result_cache = list(objs)
        queryset._prefetch_done = True
        cache[name] = queryset


# ----------------------------------------------------------------------------- intake


@dataclass
class _Draft:
    """A dossier checked and computed outside the transaction, waiting for its code."""

    dossier: Dossier
    documents: list[DossierDocument]
    steps: list[DossierStep] = field(default_factory=list)


def _draft(
    *, actor, version, receiving_unit, applicant, documents, channel, counter, delivery,
    request_summary, notes, at, status, check_documents, reason="",
) -> _Draft:
    """Validate the input and build the dossier, its documents and (when received) its step
    plan, without writing anything: no lock is needed for any of it."""
    fields = applicant_fields(applicant, at=at)
    docs = _documents(version, documents, check=check_documents)
    if channel not in Channel.values:
        raise InvalidInput("channel_invalid", "Kênh nộp phải là 1, 2 hoặc 3.", field="channel")
    if counter is not None and counter.center_id != receiving_unit.pk:
        raise InvalidInput(
            "counter_not_in_unit", "Quầy không thuộc đơn vị tiếp nhận.", field="counter"
        )
    competent = competent_unit_for(version, receiving_unit)
    dossier = Dossier(
        procedure_version=version, field=version.field,
        receiving_unit=receiving_unit, competent_unit=competent, current_unit=receiving_unit,
        channel=channel, counter=counter,
        received_by=actor if getattr(actor, "pk", None) else None,
        submitted_at=at, request_summary=request_summary or "", notes=notes or "",
        refusal_reason=reason, digitised=any(d.provided_as == ProvidedAs.DIGITAL for d in docs),
        fee_total=sum(f.amount or 0 for f in version.fees.all()),
        **fields, **_delivery_fields(delivery),
    )
    dossier.set_status(status)
    draft = _Draft(dossier, docs)
    if status == S.RECEIVED:
        calendar = _start_clock(dossier, version, at)
        draft.steps = _step_plan(dossier, version, at, calendar)
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
        _insert_steps(dossier, draft.steps)
    # What was just written, for a caller that shows it at once (the intake API answers with
    # the detail shape) without reading it back; see ``written_rows``.
    dossier._written_rows = {"documents": draft.documents, "steps": draft.steps}
    return dossier


def written_rows(dossier: Dossier) -> dict[str, list]:
    """The documents, steps and history rows an intake service wrote for ``dossier``, by
    related name, as they were at commit (empty for a dossier read from the database)."""
    return getattr(dossier, "_written_rows", {})


def dossier_receive(
    *, actor, procedure_version: ProcedureVersion, receiving_unit: Unit, applicant: dict,
    documents: list, channel: int = Channel.COUNTER, counter=None, delivery: dict | None = None,
    request_summary: str = "", notes: str = "", at: dt.datetime | None = None,
) -> Dossier:
    """Tiếp nhận hồ sơ at the counter: checks, code, due time, step plan, status RECEIVED.

    The caller prints Mẫu 01 from the returned dossier. Nothing is written on any error.
    Everything but the writes (checks, catalog reads, calendar, due times) happens before the
    transaction, so concurrent intakes hold the write lock only for the writes themselves.
    """
    at = _now(at)
    transition = TRANSITIONS["receive"]
    unit_id = permissions.check_transition_actor(actor, transition, receiving_unit=receiving_unit)
    version = _loaded_version(procedure_version)
    _check_version(version, receiving_unit)
    _check_time_limit(version)
    draft = _draft(
        actor=actor, version=version, receiving_unit=receiving_unit,
        applicant=applicant, documents=documents, channel=channel, counter=counter,
        delivery=delivery, request_summary=request_summary, notes=notes, at=at,
        status=S.RECEIVED, check_documents=True,
    )
    with transaction.atomic():
        dossier = _insert(draft, at=at)
        _history(dossier, action="receive", from_status="", actor=actor, unit_id=unit_id, at=at)
        audit_record(
            actor=actor, event_type="dossier.received", dossier=dossier, obj=dossier, at=at,
            data={"code": dossier.code, "due_at": dossier.due_at, "channel": channel,
                  "procedure": version.procedure.code},
        )
        _notify_applicant(
            dossier, "dossier.received", f"Đã tiếp nhận hồ sơ {dossier.code}",
            f"Hồ sơ {dossier.code} đã được tiếp nhận lúc {_fmt(at)}; "
            f"hẹn trả kết quả lúc {_fmt(dossier.due_at)}.",
        )
    return dossier


def dossier_submit_online(
    *, actor=None, procedure_version: ProcedureVersion, receiving_unit: Unit, applicant: dict,
    documents: list, delivery: dict | None = None, request_summary: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """System: an online dossier arrives (Mới đăng ký, status 1); no clock runs until an officer
    receives it (action ``receive``)."""
    at = _now(at)
    version = _loaded_version(procedure_version)
    _check_version(version, receiving_unit)
    draft = _draft(
        actor=None, version=version, receiving_unit=receiving_unit,
        applicant=applicant, documents=documents, channel=Channel.ONLINE, counter=None,
        delivery=delivery, request_summary=request_summary, notes="", at=at,
        status=S.SUBMITTED, check_documents=False,
    )
    with transaction.atomic():
        dossier = _insert(draft, at=at)
        _history(dossier, action="submit", from_status="", actor=None, unit_id=None, at=at)
        audit_record(actor=actor, event_type="dossier.submitted", dossier=dossier, at=at,
                     channel="online", data={"code": dossier.code})
    return dossier


def counter_guidance_issue(
    *, actor, procedure_version: ProcedureVersion, receiving_unit: Unit, applicant: dict,
    items: str, reason: str = "", at: dt.datetime | None = None,
) -> CounterGuidance:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) at the counter: no dossier, no clock."""
    at = _now(at)
    permissions.check_transition_actor(
        actor, TRANSITIONS["receive"], receiving_unit=receiving_unit
    )
    if not (items or "").strip():
        raise InvalidInput("items_required", "Cần ghi nội dung yêu cầu hoàn thiện.", field="items")
    name = (applicant.get("name") or applicant.get("full_name") or "").strip()
    if not name:
        raise InvalidInput(
            "applicant_name_required", "Cần ghi họ và tên người nộp.", field="applicant.name"
        )
    phone = applicant.get("phone") or ""
    phone = normalise_phone(phone, field="applicant.phone") if phone else ""
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
    at = _now(at)
    unit_id = permissions.check_transition_actor(
        actor, TRANSITIONS["refuse_reception"], receiving_unit=receiving_unit
    )
    if not (reason or "").strip():
        raise InvalidInput("reason_required", "Cần ghi lý do từ chối.", field="reason")
    version = _loaded_version(procedure_version)
    _check_version(version, receiving_unit)
    draft = _draft(
        actor=actor, version=version, receiving_unit=receiving_unit,
        applicant=applicant, documents=documents or [], channel=channel, counter=None,
        delivery=None, request_summary="", notes="", at=at,
        status=S.REFUSED_AT_RECEPTION, check_documents=False, reason=reason.strip(),
    )
    draft.dossier.finished_at = at
    with transaction.atomic():
        dossier = _insert(draft, at=at)
        _history(dossier, action="refuse_reception", from_status="", actor=actor,
                 unit_id=unit_id, at=at, reason=reason)
        audit_record(actor=actor, event_type="dossier.refused_at_reception", dossier=dossier,
                     at=at, data={"reason": reason})
    return dossier


# ----------------------------------------------------------------------------- transitions


def _calendar(dossier):
    return deadlines.calendar_for_dossier(dossier)


def _finish_step(dossier, step, *, actor, at, note="") -> None:
    if step is None or step.finished_at is not None:
        return
    step.finished_at = at
    step.finished_by = actor if getattr(actor, "pk", None) else None
    if step.due_at is not None:
        step.outcome = classify(at, step.due_at, calendar_for_unit(step.unit)).name.lower()
    if note:
        step.note = note
    step.save(update_fields=["finished_at", "finished_by", "outcome", "note"])


def _advance(dossier, *, actor, at, assignee=None) -> None:
    """Finish the current step and start the next planned one (its deadline from now).

    One action covers consecutive planned steps of the same role (a leader's "review" and
    "sign" are one approval): those are finished with it, each against its deadline chained
    from the previous one's, so the control slip (Mẫu 06) still says who was late.
    """
    current = dossier.current_step
    _finish_step(dossier, current, actor=actor, at=at)
    after = current.order if current else 0
    planned = list(
        dossier.steps.filter(order__gt=after, started_at__isnull=True, process_step__isnull=False)
        .order_by("order", "id")
    )
    previous_due = current.due_at if current is not None else None
    while planned and current is not None and planned[0].role == current.role:
        same = planned.pop(0)
        same.started_at = previous_due or at
        same.due_at = deadlines.step_due(same.started_at, same.hours, calendar_for_unit(same.unit))
        same.save(update_fields=["started_at", "due_at"])
        _finish_step(dossier, same, actor=actor, at=at)
        previous_due = same.due_at
    nxt = planned[0] if planned else None
    if nxt is not None:
        nxt.started_at = at
        nxt.due_at = deadlines.step_due(at, nxt.hours, calendar_for_unit(nxt.unit))
        nxt.assignee = assignee
        nxt.save(update_fields=["started_at", "due_at", "assignee"])
    dossier.current_step = nxt


def _lead_unit(dossier) -> Unit:
    return dossier.receiving_unit if dossier.procedure_version.five_on_site else dossier.competent_unit


def _open_pause(dossier, kind) -> DossierPause:
    pause = dossier.pauses.filter(kind=kind, ended_at__isnull=True).order_by("-started_at").first()
    if pause is None:  # pragma: no cover - the state table makes this unreachable
        raise Conflict("no_open_pause", "Hồ sơ không có lượt tạm dừng đang mở.")
    return pause


def _close_pauses(dossier, at) -> None:
    dossier.pauses.filter(ended_at__isnull=True).update(ended_at=at)


def _require(params: dict, key: str, message: str, code: str | None = None) -> str:
    value = params.get(key)
    if isinstance(value, str):
        value = value.strip()
    if not value:
        raise InvalidInput(code or f"{key}_required", message, field=key)
    return value


def _h_receive(d, actor, at, p, res):
    calendar = _start_clock(d, d.procedure_version, at)
    d.received_by = actor
    d.save()
    _insert_steps(d, _step_plan(d, d.procedure_version, at, calendar))
    _notify_applicant(d, "dossier.received", f"Đã tiếp nhận hồ sơ {d.code}",
                      f"Hẹn trả kết quả lúc {_fmt(d.due_at)}.")


def _h_refuse_reception(d, actor, at, p, res):
    d.refusal_reason = _require(p, "reason", "Cần ghi lý do từ chối.")
    d.finished_at = at


def _h_transfer(d, actor, at, p, res):
    d.current_unit = _lead_unit(d)
    d.holder = None


def _h_assign(d, actor, at, p, res):
    assignee = p.get("assignee")
    if assignee is None:
        raise InvalidInput("assignee_required", "Cần chọn chuyên viên thụ lý.", field="assignee")
    if not permissions.has_role(assignee, Role.SPECIALIST, d.current_unit_id):
        raise InvalidInput(
            "assignee_not_specialist", "Người được phân công không phải chuyên viên của đơn vị.",
            field="assignee",
        )
    if d.status == S.TRANSFERRED:
        _advance(d, actor=actor, at=at, assignee=assignee)
    elif d.current_step is not None:
        d.current_step.assignee = assignee
        d.current_step.save(update_fields=["assignee"])
    d.holder = assignee
    res.data["assignee"] = assignee.pk


def _h_request_supplement(d, actor, at, p, res):
    items = _require(p, "items", "Cần ghi nội dung yêu cầu bổ sung.")
    calendar = _calendar(d)
    window = settings.MOTCUA_SUPPLEMENT_WINDOW_WORKING_DAYS
    start_day = _local_date(d.clock_start or d.received_at)
    elapsed = calendar.working_days_between(start_day + dt.timedelta(days=1), _local_date(at))
    if elapsed > window:
        raise Conflict(
            "supplement_window_closed",
            f"Đã quá {window} ngày làm việc kể từ khi tiếp nhận; không được yêu cầu bổ sung.",
        )
    if d.supplement_count >= 1:
        res.warnings.append(
            f"Đây là lần yêu cầu bổ sung thứ {d.supplement_count + 1}: quy định chỉ yêu cầu "
            "bổ sung một lần, đầy đủ, chính xác; hồ sơ bị tính là quá hạn theo QĐ 766."
        )
    DossierPause.objects.create(
        dossier=d, kind=PauseKind.SUPPLEMENT, started_at=at, resume_status=d.status,
        requested_by=actor, items=items, reason=p.get("reason") or "",
    )
    d.supplement_count += 1
    res.data.update(items=items, supplement_count=d.supplement_count)
    _notify_applicant(d, "dossier.supplement_requested", f"Yêu cầu bổ sung hồ sơ {d.code}",
                      f"Đề nghị bổ sung: {items}")


def _resume(d, pause, at) -> str:
    pause.ended_at = at
    pause.save(update_fields=["ended_at"])
    return pause.resume_status


def _h_complete_supplement(d, actor, at, p, res):
    pause = _open_pause(d, PauseKind.SUPPLEMENT)
    res.target = _resume(d, pause, at)
    # NĐ 61 Art. 19(4): the limit restarts from zero once the dossier is complete; this is a new
    # legal appointment (a new Mẫu 01), not an apology, so the original due moves with it.
    d.clock_start = at
    d.due_at = deadlines.compute_due(d, _calendar(d))
    d.original_due_at = d.due_at
    d.rescheduled_due_at = None
    if d.current_step is not None:
        d.current_step.due_at = deadlines.step_due(
            at, d.current_step.hours, calendar_for_unit(d.current_step.unit)
        )
        d.current_step.save(update_fields=["due_at"])
    res.data["due_at"] = d.due_at
    _notify_applicant(d, "dossier.supplement_completed", f"Đã nhận hồ sơ bổ sung {d.code}",
                      f"Hẹn trả kết quả mới lúc {_fmt(d.due_at)}.")


def _h_close_supplement(d, actor, at, p, res):
    _close_pauses(d, at)
    d.finished_at = at
    d.refusal_reason = p.get("reason") or "Quá thời hạn bổ sung hồ sơ."


def _h_consult(d, actor, at, p, res):
    res.data["note"] = p.get("note") or ""


def _h_send_interagency(d, actor, at, p, res):
    partner = p.get("partner_unit")
    if isinstance(partner, int | str) and partner:
        partner = Unit.objects.filter(pk=partner).first()
    if partner is None:
        raise InvalidInput("partner_unit_required", "Cần chọn cơ quan phối hợp.",
                           field="partner_unit")
    if partner.pk == d.current_unit_id:
        raise InvalidInput("partner_unit_same", "Cơ quan phối hợp phải khác đơn vị đang giữ.",
                           field="partner_unit")
    try:
        hours = Decimal(str(p.get("hours")))
    except (InvalidOperation, TypeError):
        hours = Decimal(0)
    if not hours.is_finite() or hours <= 0:
        raise InvalidInput("hours_invalid", "Thời gian liên thông (giờ làm việc) phải lớn hơn 0.",
                           field="hours")
    step = DossierStep.objects.create(
        dossier=d, order=d.current_step.order if d.current_step else 0,
        name=f"Liên thông: {partner.name}", role=StepRole.PARTNER, unit=partner, hours=hours,
        started_at=at, due_at=deadlines.step_due(at, hours, calendar_for_unit(partner)),
        note=p.get("note") or "",
    )
    d.current_step = step
    d.current_unit = partner
    d.holder = None
    res.data.update(partner_unit=partner.pk, hours=str(hours), step_due=step.due_at)
    res.step = step


def _h_interagency_done(d, actor, at, p, res):
    step = d.current_step
    _finish_step(d, step, actor=actor, at=at, note=p.get("note") or "")
    lead = (
        d.steps.filter(finished_at__isnull=True, started_at__isnull=False,
                       process_step__isnull=False)
        .order_by("-order", "-id").first()
    )
    d.current_step = lead
    d.current_unit = _lead_unit(d)
    d.holder = lead.assignee if lead else None
    if step is not None:
        res.data["outcome"] = step.outcome


def _h_submit_for_approval(d, actor, at, p, res):
    _advance(d, actor=actor, at=at)
    d.holder = None


def _h_return_for_rework(d, actor, at, p, res):
    _require(p, "reason", "Cần ghi lý do trả lại.")
    spec = d.steps.filter(role=StepRole.SPECIALIST).order_by("-order").first()
    d.holder = spec.assignee if spec else None


def _h_approve(d, actor, at, p, res):
    content = p.get("result_content")
    upload = p.get("result_file")
    if upload is not None and content is None:
        content = upload.read()
    if not content:
        raise InvalidInput("result_file_required", "Cần tải lên văn bản kết quả.",
                           field="result_file")
    signed = get_backend().sign(content, signer=actor)
    filename = p.get("result_filename") or getattr(upload, "name", "") or f"{d.code}.pdf"
    d.result_file.save(filename.rsplit("/", 1)[-1], ContentFile(signed.content), save=False)
    d.result_signed = signed.signed
    d.result_number = (p.get("result_number") or "").strip()
    res.data.update(signature_backend=signed.backend, signed=signed.signed, note=signed.note)
    _advance(d, actor=actor, at=at)


def _h_refuse(d, actor, at, p, res):
    reason = _require(p, "reason", "Cần ghi lý do từ chối giải quyết.")
    if d.due_at is not None and at > d.due_at:
        raise Conflict(
            "refusal_after_deadline",
            "Đã quá thời hạn giải quyết: phải thông báo từ chối trong thời hạn (hoặc xin lỗi, "
            "hẹn lại trước).",
        )
    d.refusal_reason = reason
    d.finished_at = at
    _finish_step(d, d.current_step, actor=actor, at=at)
    _notify_applicant(d, "dossier.refused", f"Hồ sơ {d.code} không được giải quyết",
                      f"Lý do: {reason}")


def _h_issue(d, actor, at, p, res):
    d.finished_at = at
    d.current_unit = d.receiving_unit
    d.holder = None
    _advance(d, actor=actor, at=at)


def _h_receive_result(d, actor, at, p, res):
    _notify_applicant(d, "dossier.result_ready", f"Đã có kết quả hồ sơ {d.code}",
                      "Mời ông/bà đến nhận kết quả." if d.delivery_method == "counter"
                      else "Kết quả sẽ được gửi theo hình thức đã đăng ký.")


def _h_request_payment(d, actor, at, p, res):
    amount = p.get("amount")
    if amount not in (None, ""):
        try:
            amount = int(amount)
        except (TypeError, ValueError):
            amount = -1
        if amount < 0:
            raise InvalidInput("amount_invalid", "Số tiền phải là số nguyên không âm.",
                               field="amount")
        d.fee_total = amount
    DossierPause.objects.create(
        dossier=d, kind=PauseKind.PAYMENT, started_at=at, resume_status=d.status,
        requested_by=actor, reason=p.get("reason") or "",
    )
    res.data["amount"] = amount


def _h_confirm_payment(d, actor, at, p, res):
    pause = _open_pause(d, PauseKind.PAYMENT)
    res.target = _resume(d, pause, at)
    calendar = _calendar(d)
    legal = deadlines.compute_due(d, calendar)
    if d.rescheduled_due_at is not None:
        span = calendar.working_time_between(pause.started_at, at)
        if pause.started_at < d.rescheduled_due_at:
            d.rescheduled_due_at = deadlines.shift_by_working_time(
                d.rescheduled_due_at, span, calendar
            )
        d.due_at = d.rescheduled_due_at
    else:
        d.due_at = legal
    d.original_due_at = legal
    d.paid_online = bool(p.get("paid_online", d.paid_online))
    res.data["due_at"] = d.due_at


def _h_return_result(d, actor, at, p, res):
    d.returned_to = _require(p, "returned_to", "Cần ghi người nhận kết quả.")
    how = p.get("how") or d.delivery_method
    if how not in DeliveryMethod.values:
        raise InvalidInput("delivery_invalid", "Hình thức trả kết quả không hợp lệ.", field="how")
    d.returned_how = how
    d.returned_at = at
    _advance(d, actor=actor, at=at)


def _h_withdraw(d, actor, at, p, res):
    d.refusal_reason = (p.get("reason") or "").strip() or "Theo đề nghị của người nộp hồ sơ."
    d.finished_at = at
    _close_pauses(d, at)
    _finish_step(d, d.current_step, actor=actor, at=at)


def _h_stop(d, actor, at, p, res):
    d.refusal_reason = _require(p, "reason", "Cần ghi lý do dừng xử lý.")
    d.finished_at = at
    _close_pauses(d, at)
    _finish_step(d, d.current_step, actor=actor, at=at)


def _noop(d, actor, at, p, res):
    if p.get("note"):
        res.data["note"] = p["note"]


HANDLERS = {
    "receive": _h_receive,
    "refuse_reception": _h_refuse_reception,
    "transfer": _h_transfer,
    "assign": _h_assign,
    "start_appraisal": _noop,
    "request_supplement": _h_request_supplement,
    "complete_supplement": _h_complete_supplement,
    "close_supplement": _h_close_supplement,
    "consult": _h_consult,
    "consult_done": _noop,
    "send_interagency": _h_send_interagency,
    "interagency_done": _h_interagency_done,
    "submit_for_approval": _h_submit_for_approval,
    "return_for_rework": _h_return_for_rework,
    "approve": _h_approve,
    "refuse": _h_refuse,
    "issue": _h_issue,
    "receive_result": _h_receive_result,
    "request_payment": _h_request_payment,
    "confirm_payment": _h_confirm_payment,
    "return_result": _h_return_result,
    "withdraw": _h_withdraw,
    "stop": _h_stop,
}
_ADVANCED_BY_HANDLER = {"transfer"}  # the rest advance inside their handler


def _lock(dossier) -> Dossier:
    """Lock the dossier row, then read it fresh (with its relations) under the lock.

    The lock is taken on the bare row: PostgreSQL re-checks a FOR UPDATE row with joins against
    the old join partners after waiting and may drop it, so the joined read comes after.
    """
    Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk", flat=True).get()
    return (
        Dossier.objects.select_related(
            "procedure_version", "receiving_unit", "competent_unit", "current_unit",
            "current_step",
        ).get(pk=dossier.pk)
    )


def _run(*, actor, dossier, transition: Transition, at, params, system=False) -> ActionResult:
    with transaction.atomic():
        d = _lock(dossier)
        if system:
            unit_id = None
        else:
            unit_id = permissions.check_transition_actor(actor, transition, d)
        check_state(transition, d.status)
        from_status = d.status
        res = ActionResult(dossier=d, change=None, target=transition.target)
        HANDLERS[transition.name](d, actor, at, params, res)
        if transition.name in _ADVANCED_BY_HANDLER:
            _advance(d, actor=actor, at=at)
        d.set_status(res.target)
        d.lock_version += 1
        d.save()
        reason = params.get("reason") or params.get("items") or params.get("note") or ""
        res.change = _history(
            d, action=transition.name, from_status=from_status, actor=actor, unit_id=unit_id,
            at=at, reason=str(reason), step=res.step,
        )
        data = {"from": from_status, "to": d.status, **res.data}
        if res.warnings:
            data["warnings"] = res.warnings
        audit_record(actor=actor, event_type=f"dossier.{transition.name}", dossier=d,
                     obj=res.change, at=at, data=data)
    if isinstance(dossier, Dossier) and dossier is not d:
        dossier.refresh_from_db()
    return res


def dossier_act(*, actor, dossier: Dossier, action: str, at: dt.datetime | None = None,
                **params) -> ActionResult:
    """Take one action of the transitions table (see ``transitions.TRANSITIONS``).

    Parameters by action: assign(assignee); request_supplement(items, reason);
    send_interagency(partner_unit, hours, note); interagency_done(note);
    return_for_rework(reason); approve(result_content | result_file, result_filename,
    result_number); refuse(reason); request_payment(amount, reason);
    confirm_payment(paid_online); return_result(returned_to, how); withdraw(reason);
    stop(reason); refuse_reception(reason); others take an optional note.
    """
    transition = get_transition(action)
    return _run(actor=actor, dossier=dossier, transition=transition, at=_now(at), params=params)


def _system_act(*, dossier, action, at, **params) -> ActionResult:
    return _run(actor=None, dossier=dossier, transition=TRANSITIONS[action], at=at,
                params=params, system=True)


def _wrapper(action: str, doc: str):
    def service(*, actor, dossier, at=None, **params) -> ActionResult:
        return dossier_act(actor=actor, dossier=dossier, action=action, at=at, **params)

    service.__name__ = f"dossier_{action}"
    service.__doc__ = doc
    return service


dossier_accept = _wrapper("receive", "Receive an online (submitted) dossier: starts the clock.")
dossier_transfer = _wrapper("transfer", "Chuyển hồ sơ đến cơ quan giải quyết.")
dossier_assign = _wrapper("assign", "Phân công thụ lý (assignee=User).")
dossier_start_appraisal = _wrapper("start_appraisal", "Bắt đầu thẩm định.")
dossier_request_supplement = _wrapper("request_supplement", "Yêu cầu bổ sung (items, reason).")
dossier_complete_supplement = _wrapper("complete_supplement", "Nhận bổ sung; tính lại thời hạn.")
dossier_consult = _wrapper("consult", "Lấy ý kiến (note).")
dossier_consult_done = _wrapper("consult_done", "Đã có ý kiến.")
dossier_send_interagency = _wrapper("send_interagency", "Liên thông (partner_unit, hours).")
dossier_interagency_done = _wrapper("interagency_done", "Cơ quan phối hợp hoàn thành.")
dossier_submit_for_approval = _wrapper("submit_for_approval", "Trình phê duyệt.")
dossier_return_for_rework = _wrapper("return_for_rework", "Trả lại xử lý lại (reason).")
dossier_approve = _wrapper("approve", "Phê duyệt, ký (result_content/result_file).")
dossier_refuse = _wrapper("refuse", "Từ chối giải quyết (reason), trong thời hạn.")
dossier_issue = _wrapper("issue", "Ban hành, chuyển kết quả về một cửa.")
dossier_receive_result = _wrapper("receive_result", "Một cửa nhận kết quả.")
dossier_request_payment = _wrapper("request_payment", "Yêu cầu nghĩa vụ tài chính (amount).")
dossier_confirm_payment = _wrapper("confirm_payment", "Xác nhận đã nộp; dời hạn theo thời gian chờ.")
dossier_return_result = _wrapper("return_result", "Trả kết quả (returned_to, how).")
dossier_withdraw = _wrapper("withdraw", "Công dân rút hồ sơ (Mẫu 05).")
dossier_stop = _wrapper("stop", "Dừng xử lý (reason).")


# ----------------------------------------------------------------------------- overdue control


def _apology_lead_ok(dossier, at) -> bool:
    calendar = _calendar(dossier)
    lead = settings.MOTCUA_APOLOGY_LEAD_WORKING_DAYS
    due_day = _local_date(dossier.due_at)
    today = _local_date(at)
    if due_day <= today:
        return False
    return calendar.working_days_between(today + dt.timedelta(days=1), due_day) >= lead


def dossier_apologise(*, actor, dossier: Dossier, reason: str, new_due_at: dt.datetime,
                      at: dt.datetime | None = None) -> Apology:
    """Văn bản xin lỗi và hẹn lại (Mẫu 04): once, by the responsible unit's leader, at least
    ``MOTCUA_APOLOGY_LEAD_WORKING_DAYS`` working days before the due time. ``original_due_at``
    is kept for statistics."""
    at = _now(at)
    if not (reason or "").strip():
        raise InvalidInput("reason_required", "Cần ghi lý do chậm trả kết quả.", field="reason")
    if new_due_at is None or timezone.is_naive(new_due_at):
        raise InvalidInput("new_due_invalid", "Ngày hẹn mới không hợp lệ.", field="new_due_at")
    with transaction.atomic():
        d = _lock(dossier)
        if not permissions.can_apologise(actor, d):
            if not permissions.memberships(actor) or not any(
                r == Role.LEADER for _, r in permissions.memberships(actor)
            ):
                raise NotAllowed("role_not_allowed",
                                 "Chỉ lãnh đạo cơ quan giải quyết được xin lỗi, hẹn lại.")
            raise NotAllowed("unit_not_allowed",
                             "Bạn không thuộc cơ quan đang giải quyết hồ sơ này.")
        if d.rescheduled_due_at is not None or Apology.objects.filter(dossier=d).exists():
            raise Conflict("already_rescheduled", "Hồ sơ đã được hẹn lại một lần; không hẹn lại lần nữa.")
        if d.status not in PROCESSING:
            raise Conflict(
                "apology_not_allowed",
                f"Không thể xin lỗi, hẹn lại khi hồ sơ ở trạng thái “{Status(d.status).label}”.",
            )
        if not _apology_lead_ok(d, at):
            raise Conflict(
                "apology_too_late",
                "Phải xin lỗi và hẹn lại chậm nhất "
                f"{settings.MOTCUA_APOLOGY_LEAD_WORKING_DAYS} ngày làm việc trước hạn trả "
                f"({_fmt(d.due_at)}).",
            )
        if new_due_at <= d.due_at:
            raise InvalidInput("new_due_not_later", "Ngày hẹn mới phải sau ngày hẹn cũ.",
                               field="new_due_at")
        unit = d.current_unit if permissions.has_role(actor, Role.LEADER, d.current_unit_id) \
            else d.competent_unit
        apology = Apology.objects.create(
            dossier=d, unit=unit, reason=reason.strip(), previous_due_at=d.due_at,
            new_due_at=new_due_at, issued_at=at, issued_by=actor,
        )
        d.rescheduled_due_at = new_due_at
        d.due_at = new_due_at
        d.lock_version += 1
        d.save(update_fields=["rescheduled_due_at", "due_at", "lock_version", "updated_at"])
        audit_record(actor=actor, event_type="dossier.apologised", dossier=d, obj=apology, at=at,
                     data={"previous_due_at": apology.previous_due_at, "new_due_at": new_due_at,
                           "reason": apology.reason})
        _notify_applicant(d, "dossier.apologised", f"Xin lỗi và hẹn lại hồ sơ {d.code}",
                          f"Lý do: {apology.reason}. Hẹn trả mới: {_fmt(new_due_at)}.")
    dossier.refresh_from_db()
    return apology


def apology_record_explanation(*, actor, apology: Apology, explanation: str,
                               at: dt.datetime | None = None) -> Apology:
    """Văn bản giải trình of the late unit (its leader)."""
    at = _now(at)
    if not (explanation or "").strip():
        raise InvalidInput("explanation_required", "Cần nội dung giải trình.",
                           field="explanation")
    if not permissions.has_role(actor, Role.LEADER, apology.unit_id):
        raise NotAllowed("unit_not_allowed", "Chỉ lãnh đạo đơn vị trễ hạn được giải trình.")
    with transaction.atomic():
        _lock(apology.dossier)
        apology = Apology.objects.select_for_update().get(pk=apology.pk)
        apology.explanation = explanation.strip()
        apology.explanation_at = at
        apology.save(update_fields=["explanation", "explanation_at"])
        audit_record(actor=actor, event_type="apology.explained", dossier=apology.dossier,
                     obj=apology, at=at, data={"explanation": apology.explanation})
    return apology


def escalation_target(unit: Unit) -> Unit | None:
    """The supervising People's Committee: ``unit.supervisor``, else the province above it."""
    if unit.supervisor_id:
        return unit.supervisor
    for ancestor in unit.ancestors():
        if ancestor.kind == UnitKind.PROVINCE:
            return ancestor
    return Unit.objects.filter(kind=UnitKind.PROVINCE, is_active=True).order_by("pk").first()


def apology_escalate(*, actor, apology: Apology, at: dt.datetime | None = None) -> Apology:
    """Report the late dossier to the supervising People's Committee (center manager of the
    receiving center, or the late unit's leader)."""
    at = _now(at)
    dossier = apology.dossier
    if not (
        permissions.has_role(actor, Role.CENTER_MANAGER, dossier.receiving_unit_id)
        or permissions.has_role(actor, Role.LEADER, apology.unit_id)
    ):
        raise NotAllowed("role_not_allowed",
                         "Chỉ quản lý trung tâm hoặc lãnh đạo đơn vị trễ hạn được báo cáo.")
    target = escalation_target(apology.unit)
    if target is None:
        raise Conflict("no_supervisor", "Chưa cấu hình UBND chủ quản của đơn vị.")
    with transaction.atomic():
        _lock(dossier)
        apology = Apology.objects.select_for_update().get(pk=apology.pk)
        if apology.escalated_at is not None:
            raise Conflict("already_escalated", "Đã báo cáo UBND chủ quản.")
        apology.escalated_to = target
        apology.escalated_at = at
        apology.save(update_fields=["escalated_to", "escalated_at"])
        audit_record(actor=actor, event_type="apology.escalated", dossier=dossier, obj=apology,
                     at=at, data={"to": target.code})
        if target.email:
            notify(Message(event="apology.escalated", subject=f"Hồ sơ trễ hạn {dossier.code}",
                           body=f"{apology.unit.name}: {apology.reason}",
                           recipients=(target.email,), dossier_code=dossier.code))
    return apology


def deadline_warnings_send(*, now: dt.datetime | None = None) -> list[DeadlineWarning]:
    """Warn holders and leaders N working days before due (``MOTCUA_WARNING_WORKING_DAYS``);
    a ``DeadlineWarning`` row per (dossier, N, due) so nothing is sent twice."""
    now = _now(now)
    levels = sorted({int(n) for n in settings.MOTCUA_WARNING_WORKING_DAYS}, reverse=True)
    if not levels:
        return []
    # Calendar slack for weekends and Tết: 2 weeks beyond the largest level.
    horizon = now + dt.timedelta(days=levels[0] * 3 + 14)
    candidates = (
        Dossier.objects.filter(due_at__gt=now, due_at__lte=horizon)
        .exclude(status__in=list(PROCESSING_ENDED | PAUSED))
        .exclude(status__in=[S.SUBMITTED, S.REFUSED_AT_RECEPTION])
        .select_related("receiving_unit", "holder")
    )
    created: list[DeadlineWarning] = []
    for d in candidates:
        calendar = _calendar(d)
        left = calendar.working_time_between(now, d.due_at)
        due_levels = [n for n in levels if left <= n * calendar.day_length]
        if not due_levels:
            continue
        sent = set(DeadlineWarning.objects.filter(dossier=d, due_at=d.due_at)
                   .values_list("days_before", flat=True))
        new = [n for n in due_levels if n not in sent]
        if not new:
            continue
        with transaction.atomic():
            for n in new:
                try:
                    with transaction.atomic():
                        created.append(DeadlineWarning.objects.create(
                            dossier=d, days_before=n, due_at=d.due_at, sent_at=now))
                except IntegrityError:  # another worker got there first
                    new = [m for m in new if m != n]
            if not new:
                continue
            n = min(new)
            audit_record(actor=None, event_type="dossier.deadline_warning", dossier=d, at=now,
                         data={"days_before": n, "due_at": d.due_at})
            recipients = tuple(e for e in [getattr(d.holder, "email", "")] if e)
            notify(Message(
                event="dossier.deadline_warning",
                subject=f"Hồ sơ {d.code} còn {n} ngày làm việc đến hạn",
                body=f"Hạn trả kết quả: {_fmt(d.due_at)}.", recipients=recipients,
                dossier_code=d.code, data={"days_before": n},
            ))
    return created


def supplements_close_expired(*, now: dt.datetime | None = None,
                              working_days: int | None = None) -> list[str]:
    """System: close dossiers waiting for a supplement longer than ``working_days`` (NĐ
    297/2025-type procedures: 15). Disabled unless given or set in
    ``settings.MOTCUA_SUPPLEMENT_CLOSE_WORKING_DAYS``."""
    now = _now(now)
    working_days = working_days or getattr(settings, "MOTCUA_SUPPLEMENT_CLOSE_WORKING_DAYS", None)
    if not working_days:
        return []
    closed = []
    waiting = DossierPause.objects.filter(
        kind=PauseKind.SUPPLEMENT, ended_at__isnull=True,
        dossier__status=S.SUPPLEMENT_REQUESTED,
    ).select_related("dossier", "dossier__receiving_unit")
    for pause in waiting:
        calendar = _calendar(pause.dossier)
        waited = calendar.working_days_between(
            _local_date(pause.started_at) + dt.timedelta(days=1), _local_date(now)
        )
        if waited > working_days:
            try:
                _system_act(dossier=pause.dossier, action="close_supplement", at=now,
                            reason=f"Quá {working_days} ngày làm việc không bổ sung hồ sơ.")
            except Conflict:
                continue
            closed.append(pause.dossier.code)
    return closed


def dossier_recompute_due(*, dossier: Dossier, dry_run: bool = False, actor=None):
    """Recompute the legal due time under today's calendar; returns (old, new) or None.

    Re-appointed (apologised) dues are never touched."""
    with transaction.atomic():
        d = _lock(dossier)
        if d.rescheduled_due_at is not None or d.clock_start is None or not d.time_unit:
            return None
        new = deadlines.compute_due(d)
        old = d.due_at
        if new == old:
            return None
        if not dry_run:
            d.due_at = new
            d.original_due_at = new
            d.save(update_fields=["due_at", "original_due_at", "updated_at"])
            audit_record(actor=actor, event_type="dossier.due_recomputed", dossier=d,
                         data={"old": old, "new": new})
        return old, new
