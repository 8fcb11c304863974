"""The transition handlers (xử lý hồ sơ) other than the pauses (see ``pauses``).

A handler changes the locked dossier for one action of ``transitions.TRANSITIONS``; the
dispatcher (``actions``) checks the actor and the state before, and saves, writes the history
row and the audit event after. Each handler names the parameters it reads: the dispatcher
passes it only those.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import StepRole
from motcua.core.errors import Conflict, InvalidInput
from motcua.core.uploads import check_upload
from motcua.dossiers import deadlines, permissions
from motcua.dossiers.models import DossierStep
from motcua.dossiers.services.common import (
    ActionContext,
    format_time,
    notify_applicant,
    required_text,
)
from motcua.dossiers.services.pauses import close_pauses
from motcua.dossiers.services.steps import (
    advance,
    finish_step,
    insert_steps,
    lead_unit,
    start_clock,
    step_plan,
)
from motcua.dossiers.states import DeliveryMethod, Status
from motcua.org.calendars import calendar_for_unit
from motcua.org.models import Role, Unit
from motcua.signing import get_backend


def receive(ctx: ActionContext) -> None:
    """An online dossier is received: the clock and the step plan start now."""
    dossier, at = ctx.dossier, ctx.at
    calendar = start_clock(dossier, dossier.procedure_version, at)
    dossier.received_by = ctx.actor
    dossier.save()
    insert_steps(dossier, step_plan(dossier, dossier.procedure_version, at, calendar))
    notify_applicant(dossier, "dossier.received", f"Đã tiếp nhận hồ sơ {dossier.code}",
                     f"Hẹn trả kết quả lúc {format_time(dossier.due_at)}.")


def refuse_reception(ctx: ActionContext, *, reason=None) -> None:
    ctx.dossier.refusal_reason = required_text(reason, "reason", "Cần ghi lý do từ chối.")
    ctx.dossier.finished_at = ctx.at
    notify_applicant(ctx.dossier, "dossier.refused", f"Hồ sơ {ctx.dossier.code} không được tiếp nhận",
                     f"Lý do: {ctx.dossier.refusal_reason}")


def request_supplement_at_reception(ctx: ActionContext, *, reason=None, items=None,
                                    ground=None) -> None:
    """Yêu cầu bổ sung trước khi tiếp nhận (online dossier, not received): what is missing or
    wrong, asked once and completely (NĐ 297/2025). No pause is opened: no clock runs before
    receipt. The request is the history row's reason (the citizen's page shows it); the
    optional ``ground`` (lý do, printed as such on Mẫu 02) follows it on a last line
    ``Lý do: …`` (``RECEPTION_GROUND_PREFIX``)."""
    if permissions.reception_supplement_used(ctx.dossier):
        raise Conflict("supplement_at_reception_once",
                       _("Chỉ yêu cầu bổ sung trước khi tiếp nhận một lần, đầy đủ; hồ sơ đã được "
                         "bổ sung: tiếp nhận hoặc từ chối tiếp nhận."))
    text = required_text(reason or items, "reason", "Cần ghi nội dung yêu cầu bổ sung.")
    ground = " ".join(str(ground or "").split())
    if ground:
        text = f"{text}\n{RECEPTION_GROUND_PREFIX}{ground}"
        ctx.result.data["ground"] = ground
    ctx.result.data["reason"] = text
    ctx.result.history_reason = text
    notify_applicant(ctx.dossier, "dossier.supplement_requested",
                     f"Yêu cầu bổ sung hồ sơ {ctx.dossier.code} trước khi tiếp nhận",
                     f"Đề nghị bổ sung, chỉnh sửa: {text}. Ông/bà tải lên giấy tờ trên Cổng "
                     "dịch vụ công; hồ sơ được tiếp nhận sau khi bổ sung đủ.")


# The line of a pre-receipt request that carries its ground (printing.forms reads it back).
RECEPTION_GROUND_PREFIX = "Lý do: "


def resubmit_online(ctx: ActionContext) -> None:
    """The citizen sent what was asked: back to the receiving unit's online queue."""
    ctx.result.data["resubmitted"] = True


def transfer(ctx: ActionContext) -> None:
    """To the deciding unit; the dispatcher advances the step plan (``ADVANCED_AFTER``)."""
    ctx.dossier.current_unit = lead_unit(ctx.dossier)
    ctx.dossier.holder = None


def assign(ctx: ActionContext, *, assignee=None) -> None:
    dossier = ctx.dossier
    if assignee is None:
        raise InvalidInput("assignee_required", _('Cần chọn chuyên viên thụ lý.'), field="assignee")
    if not permissions.has_role(assignee, Role.SPECIALIST, dossier.current_unit_id):
        raise InvalidInput(
            "assignee_not_specialist", _('Người được phân công không phải chuyên viên của đơn vị.'),
            field="assignee",
        )
    if dossier.status == Status.TRANSFERRED:
        advance(dossier, actor=ctx.actor, at=ctx.at, assignee=assignee)
    elif dossier.current_step is not None:
        dossier.current_step.assignee = assignee
        dossier.current_step.save(update_fields=["assignee"])
    dossier.holder = assignee
    ctx.result.data["assignee"] = assignee.pk


def consult(ctx: ActionContext, *, note=None) -> None:
    ctx.result.data["note"] = note or ""


def send_interagency(ctx: ActionContext, *, partner_unit=None, hours=None, note=None) -> None:
    dossier, at = ctx.dossier, ctx.at
    partner = partner_unit
    if isinstance(partner, int | str) and partner:
        partner = Unit.objects.filter(pk=partner).first()
    if partner is None:
        raise InvalidInput("partner_unit_required", _('Cần chọn cơ quan phối hợp.'),
                           field="partner_unit")
    if partner.pk == dossier.current_unit_id:
        raise InvalidInput("partner_unit_same", _('Cơ quan phối hợp phải khác đơn vị đang giữ.'),
                           field="partner_unit")
    try:
        hours = Decimal(str(hours))
    except (InvalidOperation, TypeError):
        hours = Decimal(0)
    if not hours.is_finite() or hours <= 0:
        raise InvalidInput("hours_invalid", _('Thời gian liên thông (giờ làm việc) phải lớn hơn 0.'),
                           field="hours")
    step = DossierStep.objects.create(
        dossier=dossier, order=dossier.current_step.order if dossier.current_step else 0,
        name=f"Liên thông: {partner.name}", role=StepRole.PARTNER, unit=partner, hours=hours,
        started_at=at, due_at=deadlines.step_due(at, hours, calendar_for_unit(partner)),
        note=note or "",
    )
    dossier.current_step = step
    dossier.current_unit = partner
    dossier.holder = None
    ctx.result.data.update(partner_unit=partner.pk, hours=str(hours), step_due=step.due_at)
    ctx.result.step = step


def interagency_done(ctx: ActionContext, *, note=None) -> None:
    dossier = ctx.dossier
    step = dossier.current_step
    finish_step(dossier, step, actor=ctx.actor, at=ctx.at, note=note or "")
    lead = (
        dossier.steps.filter(finished_at__isnull=True, started_at__isnull=False,
                             process_step__isnull=False)
        .order_by("-order", "-id").first()
    )
    dossier.current_step = lead
    dossier.current_unit = lead_unit(dossier)
    dossier.holder = lead.assignee if lead else None
    if step is not None:
        ctx.result.data["outcome"] = step.outcome


def submit_for_approval(ctx: ActionContext) -> None:
    advance(ctx.dossier, actor=ctx.actor, at=ctx.at)
    ctx.dossier.holder = None


def return_for_rework(ctx: ActionContext, *, reason=None) -> None:
    required_text(reason, "reason", "Cần ghi lý do trả lại.")
    specialist = ctx.dossier.steps.filter(role=StepRole.SPECIALIST).order_by("-order").first()
    ctx.dossier.holder = specialist.assignee if specialist else None


def approve(ctx: ActionContext, *, result_content=None, result_file=None, result_filename=None,
            result_number=None) -> None:
    """Phê duyệt: the result document is signed (``signing`` backend) and stored.

    The upload policy (``motcua.core.uploads``) decides first: a PDF by its content, within the
    size limit, scanned when clamd is configured. The stored name is random; the uploader's
    name (and ``result_filename``, kept for callers) is not used.
    """
    dossier = ctx.dossier
    if result_file is None and not result_content:
        raise InvalidInput("result_file_required", _('Cần tải lên văn bản kết quả.'),
                           field="result_file")
    checked = check_upload(result_file if result_content is None else None,
                           content=result_content, purpose="result", field="result_file")
    signed = get_backend().sign(checked.content, signer=ctx.actor, unit=dossier.competent_unit)
    dossier.result_file.save(checked.storage_name, ContentFile(signed.content), save=False)
    dossier.result_signed = signed.signed
    dossier.result_number = (result_number or "").strip()
    ctx.result.data.update(signature_backend=signed.backend, signed=signed.signed,
                           note=signed.note)
    advance(dossier, actor=ctx.actor, at=ctx.at)


def refuse(ctx: ActionContext, *, reason=None) -> None:
    dossier, at = ctx.dossier, ctx.at
    reason = required_text(reason, "reason", "Cần ghi lý do từ chối giải quyết.")
    if dossier.due_at is not None and at > dossier.due_at:
        raise Conflict(
            "refusal_after_deadline",
            _('Đã quá thời hạn giải quyết: phải thông báo từ chối trong thời hạn (hoặc xin lỗi, hẹn lại trước).'),
        )
    dossier.refusal_reason = reason
    dossier.finished_at = at
    finish_step(dossier, dossier.current_step, actor=ctx.actor, at=at)
    back_to_the_desk(dossier)
    notify_applicant(dossier, "dossier.refused", f"Hồ sơ {dossier.code} không được giải quyết",
                     f"Lý do: {reason}")


def issue(ctx: ActionContext) -> None:
    dossier = ctx.dossier
    dossier.finished_at = ctx.at
    dossier.current_unit = dossier.receiving_unit
    dossier.holder = None
    advance(dossier, actor=ctx.actor, at=ctx.at)


def receive_result(ctx: ActionContext) -> None:
    dossier = ctx.dossier
    notify_applicant(dossier, "dossier.result_ready", f"Đã có kết quả hồ sơ {dossier.code}",
                     "Mời ông/bà đến nhận kết quả." if dossier.delivery_method == "counter"
                     else "Kết quả sẽ được gửi theo hình thức đã đăng ký.")


def return_result(ctx: ActionContext, *, returned_to=None, how=None) -> None:
    dossier = ctx.dossier
    dossier.returned_to = required_text(returned_to, "returned_to", "Cần ghi người nhận kết quả.")
    how = how or dossier.delivery_method
    if how not in DeliveryMethod.values:
        raise InvalidInput("delivery_invalid", _('Hình thức trả kết quả không hợp lệ.'), field="how")
    dossier.returned_how = how
    dossier.returned_at = ctx.at
    advance(dossier, actor=ctx.actor, at=ctx.at)
    notify_applicant(dossier, "dossier.result_delivered", f"Đã trả kết quả hồ sơ {dossier.code}",
                     f"Kết quả đã được trao cho {dossier.returned_to}.")


def back_to_the_desk(dossier) -> None:
    """A dossier closed without a result goes back to the one-stop desk that received it: the
    refusal (or stop) notice reaches the citizen through the desk (NoticeDelivery)."""
    dossier.current_unit = dossier.receiving_unit
    dossier.holder = None


def withdraw(ctx: ActionContext, *, reason=None) -> None:
    dossier = ctx.dossier
    dossier.refusal_reason = (reason or "").strip() or "Theo đề nghị của người nộp hồ sơ."
    dossier.finished_at = ctx.at
    close_pauses(dossier, ctx.at)
    finish_step(dossier, dossier.current_step, actor=ctx.actor, at=ctx.at)
    back_to_the_desk(dossier)


def stop(ctx: ActionContext, *, reason=None) -> None:
    dossier = ctx.dossier
    dossier.refusal_reason = required_text(reason, "reason", "Cần ghi lý do dừng xử lý.")
    dossier.finished_at = ctx.at
    close_pauses(dossier, ctx.at)
    finish_step(dossier, dossier.current_step, actor=ctx.actor, at=ctx.at)
    back_to_the_desk(dossier)


def note_only(ctx: ActionContext, *, note=None) -> None:
    """Actions that only change the status (start_appraisal, consult_done)."""
    if note:
        ctx.result.data["note"] = note
