"""Kiểm soát quá hạn: the apology and new appointment (Mẫu 04), the late unit's explanation and
the report to the supervising People's Committee."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.dossiers import permissions
from motcua.dossiers.models import Apology, Dossier
from motcua.dossiers.services.common import (
    dossier_calendar,
    format_time,
    local_date,
    lock_dossier,
    notify_applicant,
    resolve_now,
)
from motcua.dossiers.states import Status
from motcua.dossiers.transitions import PROCESSING
from motcua.notifications import Message, notify
from motcua.org.models import Role, Unit, UnitKind


def _apology_lead_ok(dossier, at) -> bool:
    calendar = dossier_calendar(dossier)
    lead = settings.MOTCUA_APOLOGY_LEAD_WORKING_DAYS
    due_day = local_date(dossier.due_at)
    today = local_date(at)
    if due_day <= today:
        return False
    return calendar.working_days_between(today + dt.timedelta(days=1), due_day) >= lead


def dossier_apologise(*, actor, dossier: Dossier, reason: str, new_due_at: dt.datetime,
                      at: dt.datetime | None = None) -> Apology:
    """Văn bản xin lỗi và hẹn lại (Mẫu 04): once, by the responsible unit's leader, at least
    ``MOTCUA_APOLOGY_LEAD_WORKING_DAYS`` working days before the due time. ``original_due_at``
    is kept for statistics."""
    at = resolve_now(at)
    if not (reason or "").strip():
        raise InvalidInput("reason_required", _('Cần ghi lý do chậm trả kết quả.'), field="reason")
    if new_due_at is None or timezone.is_naive(new_due_at):
        raise InvalidInput("new_due_invalid", _('Ngày hẹn mới không hợp lệ.'), field="new_due_at")
    with transaction.atomic():
        locked = lock_dossier(dossier)
        if not permissions.may_apologise(actor, locked):
            if not permissions.memberships(actor) or not any(
                r == Role.LEADER for _, r in permissions.memberships(actor)
            ):
                raise NotAllowed("role_not_allowed",
                                 _('Chỉ lãnh đạo cơ quan giải quyết được xin lỗi, hẹn lại.'))
            raise NotAllowed("unit_not_allowed",
                             _('Bạn không thuộc cơ quan đang giải quyết hồ sơ này.'))
        if (
            locked.rescheduled_due_at is not None
            or Apology.objects.filter(dossier=locked).exists()
        ):
            raise Conflict("already_rescheduled",
                           _('Hồ sơ đã được hẹn lại một lần; không hẹn lại lần nữa.'))
        if locked.status not in PROCESSING:
            raise Conflict(
                "apology_not_allowed",
                _("Không thể xin lỗi, hẹn lại khi hồ sơ ở trạng thái “%(label)s”.") % {"label": Status(locked.status).label},
            )
        if not _apology_lead_ok(locked, at):
            raise Conflict(
                "apology_too_late",
                _("Phải xin lỗi và hẹn lại chậm nhất %(days)s ngày làm việc trước hạn trả (%(due)s).") % {"days": settings.MOTCUA_APOLOGY_LEAD_WORKING_DAYS, "due": format_time(locked.due_at)},
            )
        if new_due_at <= locked.due_at:
            raise InvalidInput("new_due_not_later", _('Ngày hẹn mới phải sau ngày hẹn cũ.'),
                               field="new_due_at")
        leads_current = permissions.has_role(actor, Role.LEADER, locked.current_unit_id)
        unit = locked.current_unit if leads_current else locked.competent_unit
        apology = Apology.objects.create(
            dossier=locked, unit=unit, reason=reason.strip(), previous_due_at=locked.due_at,
            new_due_at=new_due_at, issued_at=at, issued_by=actor,
        )
        locked.rescheduled_due_at = new_due_at
        locked.due_at = new_due_at
        locked.lock_version += 1
        locked.save(update_fields=["rescheduled_due_at", "due_at", "lock_version", "updated_at"])
        audit_record(actor=actor, event_type="dossier.apologised", dossier=locked, obj=apology,
                     at=at, data={"previous_due_at": apology.previous_due_at,
                                  "new_due_at": new_due_at, "reason": apology.reason})
        notify_applicant(locked, "dossier.apologised",
                         f"Xin lỗi và hẹn lại hồ sơ {locked.code}",
                         f"Lý do: {apology.reason}. Hẹn trả mới: {format_time(new_due_at)}.")
    dossier.refresh_from_db()
    return apology


def apology_record_explanation(*, actor, apology: Apology, explanation: str,
                               at: dt.datetime | None = None) -> Apology:
    """Văn bản giải trình of the late unit (its leader)."""
    at = resolve_now(at)
    if not (explanation or "").strip():
        raise InvalidInput("explanation_required", _('Cần nội dung giải trình.'),
                           field="explanation")
    if not permissions.may_explain(actor, apology):
        raise NotAllowed("unit_not_allowed", _('Chỉ lãnh đạo đơn vị trễ hạn được giải trình.'))
    with transaction.atomic():
        lock_dossier(apology.dossier)
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
    at = resolve_now(at)
    dossier = apology.dossier
    if not permissions.may_escalate(actor, dossier, apology):
        raise NotAllowed("role_not_allowed",
                         _('Chỉ quản lý trung tâm hoặc lãnh đạo đơn vị trễ hạn được báo cáo.'))
    target = escalation_target(apology.unit)
    if target is None:
        raise Conflict("no_supervisor", _('Chưa cấu hình UBND chủ quản của đơn vị.'))
    with transaction.atomic():
        lock_dossier(dossier)
        apology = Apology.objects.select_for_update().get(pk=apology.pk)
        if apology.escalated_at is not None:
            raise Conflict("already_escalated", _('Đã báo cáo UBND chủ quản.'))
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

