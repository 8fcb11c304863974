"""Tạm dừng: the actions that open and close a pause of the clock (bổ sung hồ sơ, nghĩa vụ tài
chính), each a transition handler (see ``actions.HANDLERS``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import Conflict, InvalidInput
from motcua.dossiers import deadlines
from motcua.dossiers.models import Dossier, DossierPause, PauseKind
from motcua.dossiers.services.common import (
    ActionContext,
    dossier_calendar,
    format_time,
    local_date,
    notify_applicant,
    required_text,
)
from motcua.org.calendars import calendar_for_unit

# confirm_payment keeps the dossier's flag when the caller says nothing about it.
_UNSET = object()


def open_pause(dossier: Dossier, kind: str) -> DossierPause:
    pause = dossier.pauses.filter(kind=kind, ended_at__isnull=True).order_by("-started_at").first()
    if pause is None:  # pragma: no cover - the state table makes this unreachable
        raise Conflict("no_open_pause", _('Hồ sơ không có lượt tạm dừng đang mở.'))
    return pause


def close_pauses(dossier: Dossier, at: dt.datetime) -> None:
    dossier.pauses.filter(ended_at__isnull=True).update(ended_at=at)


def _resume(pause: DossierPause, at: dt.datetime) -> str:
    """End ``pause``; the status the dossier goes back to."""
    pause.ended_at = at
    pause.save(update_fields=["ended_at"])
    return pause.resume_status


def request_supplement(ctx: ActionContext, *, items=None, reason=None) -> None:
    dossier, at, result = ctx.dossier, ctx.at, ctx.result
    items = required_text(items, "items", "Cần ghi nội dung yêu cầu bổ sung.")
    calendar = dossier_calendar(dossier)
    window = settings.MOTCUA_SUPPLEMENT_WINDOW_WORKING_DAYS
    start_day = deadlines.supplement_window_start(
        dossier, calendar, settings.MOTCUA_SUPPLEMENT_WINDOW_FROM
    )
    elapsed = calendar.working_days_between(start_day + dt.timedelta(days=1), local_date(at))
    if elapsed > window:
        raise Conflict(
            "supplement_window_closed",
            _("Đã quá %(window)s ngày làm việc kể từ khi tiếp nhận; không được yêu cầu bổ sung.") % {"window": window},
        )
    if dossier.supplement_count >= 1:
        result.warnings.append(
            f"Đây là lần yêu cầu bổ sung thứ {dossier.supplement_count + 1}: quy định chỉ yêu cầu "
            "bổ sung một lần, đầy đủ, chính xác; hồ sơ bị tính là quá hạn theo QĐ 766."
        )
    DossierPause.objects.create(
        dossier=dossier, kind=PauseKind.SUPPLEMENT, started_at=at, resume_status=dossier.status,
        requested_by=ctx.actor, items=items, reason=reason or "",
    )
    dossier.supplement_count += 1
    result.data.update(items=items, supplement_count=dossier.supplement_count)
    notify_applicant(dossier, "dossier.supplement_requested",
                     f"Yêu cầu bổ sung hồ sơ {dossier.code}", f"Đề nghị bổ sung: {items}")


def complete_supplement(ctx: ActionContext) -> None:
    dossier, at = ctx.dossier, ctx.at
    pause = open_pause(dossier, PauseKind.SUPPLEMENT)
    ctx.result.target = _resume(pause, at)
    # NĐ 61 Art. 19(4): the limit restarts from zero once the dossier is complete; this is a new
    # legal appointment (a new Mẫu 01), not an apology, so the original due moves with it.
    dossier.clock_start = at
    dossier.due_at = deadlines.compute_due(dossier, dossier_calendar(dossier))
    dossier.original_due_at = dossier.due_at
    dossier.rescheduled_due_at = None
    step = dossier.current_step
    if step is not None:
        step.due_at = deadlines.step_due(at, step.hours, calendar_for_unit(step.unit))
        step.save(update_fields=["due_at"])
    ctx.result.data["due_at"] = dossier.due_at
    notify_applicant(dossier, "dossier.supplement_completed",
                     f"Đã nhận hồ sơ bổ sung {dossier.code}",
                     f"Hẹn trả kết quả mới lúc {format_time(dossier.due_at)}.")


def close_supplement(ctx: ActionContext, *, reason=None) -> None:
    close_pauses(ctx.dossier, ctx.at)
    ctx.dossier.finished_at = ctx.at
    ctx.dossier.refusal_reason = reason or "Quá thời hạn bổ sung hồ sơ."


def request_payment(ctx: ActionContext, *, amount=None, reason=None) -> None:
    dossier = ctx.dossier
    if amount not in (None, ""):
        try:
            amount = int(amount)
        except (TypeError, ValueError):
            amount = -1
        if amount < 0:
            raise InvalidInput("amount_invalid", _('Số tiền phải là số nguyên không âm.'),
                               field="amount")
        dossier.fee_total = amount
    DossierPause.objects.create(
        dossier=dossier, kind=PauseKind.PAYMENT, started_at=ctx.at, resume_status=dossier.status,
        requested_by=ctx.actor, reason=reason or "",
    )
    ctx.result.data["amount"] = amount


def confirm_payment(ctx: ActionContext, *, paid_online=_UNSET) -> None:
    dossier, at = ctx.dossier, ctx.at
    pause = open_pause(dossier, PauseKind.PAYMENT)
    ctx.result.target = _resume(pause, at)
    calendar = dossier_calendar(dossier)
    legal = deadlines.compute_due(dossier, calendar)
    if dossier.rescheduled_due_at is not None:
        span = calendar.working_time_between(pause.started_at, at)
        if pause.started_at < dossier.rescheduled_due_at:
            dossier.rescheduled_due_at = deadlines.shift_by_working_time(
                dossier.rescheduled_due_at, span, calendar
            )
        dossier.due_at = dossier.rescheduled_due_at
    else:
        dossier.due_at = legal
    dossier.original_due_at = legal
    dossier.paid_online = bool(dossier.paid_online if paid_online is _UNSET else paid_online)
    ctx.result.data["due_at"] = dossier.due_at
