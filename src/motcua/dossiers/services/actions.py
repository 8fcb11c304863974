"""The dispatcher of the transitions table: ``dossier_act`` and one named service per action.

Transitions lock the dossier row (``select_for_update``) and re-check the state after locking,
so two officers acting at once never apply an action twice: the second gets
``Conflict("transition_not_allowed")``.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.core.errors import NotAllowed
from motcua.core.uploads import Infected, record_infected
from motcua.dossiers import permissions
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import handlers, pauses
from motcua.dossiers.services.common import (
    ActionContext,
    ActionResult,
    lock_dossier,
    record_history,
    resolve_now,
)
from motcua.dossiers.services.steps import advance
from motcua.dossiers.transitions import TRANSITIONS, Transition, check_state, get_transition

Handler = Callable[..., None]

HANDLERS: dict[str, Handler] = {
    "receive": handlers.receive,
    "refuse_reception": handlers.refuse_reception,
    "request_supplement_at_reception": handlers.request_supplement_at_reception,
    "resubmit_online": handlers.resubmit_online,
    "transfer": handlers.transfer,
    "assign": handlers.assign,
    "start_appraisal": handlers.note_only,
    "request_supplement": pauses.request_supplement,
    "complete_supplement": pauses.complete_supplement,
    "close_supplement": pauses.close_supplement,
    "consult": handlers.consult,
    "consult_done": handlers.note_only,
    "send_interagency": handlers.send_interagency,
    "interagency_done": handlers.interagency_done,
    "submit_for_approval": handlers.submit_for_approval,
    "return_for_rework": handlers.return_for_rework,
    "approve": handlers.approve,
    "refuse": handlers.refuse,
    "issue": handlers.issue,
    "receive_result": handlers.receive_result,
    "request_payment": pauses.request_payment,
    "confirm_payment": pauses.confirm_payment,
    "return_result": handlers.return_result,
    "withdraw": handlers.withdraw,
    "withdraw_online": handlers.withdraw,
    "stop": handlers.stop,
}
ADVANCED_AFTER = {"transfer"}  # the rest advance inside their handler

# The keyword parameters each handler reads: callers (API, forms) pass every field they have,
# and a handler only sees its own.
_ACCEPTS = {
    name: frozenset(
        p.name for p in inspect.signature(fn).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    )
    for name, fn in HANDLERS.items()
}


def _run(*, actor, dossier, transition: Transition, at, params, system=False) -> ActionResult:
    try:
        return _run_atomic(actor=actor, dossier=dossier, transition=transition, at=at,
                           params=params, system=system)
    except Infected as virus:  # approve's result file: the event outlives the refused action
        record_infected(virus, actor=actor)
        raise


def _run_atomic(*, actor, dossier, transition: Transition, at, params, system) -> ActionResult:
    with transaction.atomic():
        locked = lock_dossier(dossier)
        if system:
            unit_id = None
        else:
            unit_id = permissions.check_transition_actor(actor, transition, locked)
        check_state(transition, locked.status)
        from_status = locked.status
        result = ActionResult(dossier=locked, change=None, target=transition.target)
        context = ActionContext(dossier=locked, actor=actor, at=at, result=result)
        accepted = _ACCEPTS[transition.name]
        HANDLERS[transition.name](
            context, **{k: v for k, v in params.items() if k in accepted}
        )
        if transition.name in ADVANCED_AFTER:
            advance(locked, actor=actor, at=at)
        locked.set_status(result.target)
        locked.lock_version += 1
        locked.save()
        reason = result.history_reason
        if reason is None:
            reason = params.get("reason") or params.get("items") or params.get("note") or ""
        result.change = record_history(
            locked, action=transition.name, from_status=from_status, actor=actor,
            unit_id=unit_id, at=at, reason=str(reason), step=result.step,
        )
        data = {"from": from_status, "to": locked.status, **result.data}
        if result.warnings:
            data["warnings"] = result.warnings
        audit_record(actor=actor, event_type=f"dossier.{transition.name}", dossier=locked,
                     obj=result.change, at=at, data=data)
    if isinstance(dossier, Dossier) and dossier is not locked:
        dossier.refresh_from_db()
    return result


def dossier_act(*, actor, dossier: Dossier, action: str, at: dt.datetime | None = None,
                **params) -> ActionResult:
    """Take one action of the transitions table (see ``transitions.TRANSITIONS``).

    Parameters by action: assign(assignee); request_supplement(items, reason);
    send_interagency(partner_unit, hours, note); interagency_done(note);
    return_for_rework(reason); approve(result_content | result_file,
    result_number); refuse(reason); request_payment(amount, reason);
    confirm_payment(paid_online); return_result(returned_to, how); withdraw(reason);
    stop(reason); refuse_reception(reason); others take an optional note.
    """
    transition = get_transition(action)
    return _run(actor=actor, dossier=dossier, transition=transition, at=resolve_now(at),
                params=params)


def system_act(*, dossier, action, at, **params) -> ActionResult:
    """An action the system takes (periodic jobs): no actor, no role check."""
    return _run(actor=None, dossier=dossier, transition=TRANSITIONS[action], at=at,
                params=params, system=True)


def applicant_act(*, actor, dossier, action, at=None, **params) -> ActionResult:
    """An action the applicant takes through the portal (``Transition.by_applicant``): the
    caller (the citizen portal) has checked that ``dossier`` is ``actor``'s own; no staff role
    is needed or accepted here."""
    transition = get_transition(action)
    if not transition.by_applicant:
        raise NotAllowed("not_an_applicant_action",
                                     _("Công dân không thực hiện được thao tác này."))
    return _run(actor=actor, dossier=dossier, transition=transition, at=resolve_now(at),
                params=params, system=True)


def dossier_resubmit_online(*, actor, dossier, at=None) -> ActionResult:
    """Công dân nộp bổ sung trước khi tiếp nhận: back to "Mới đăng ký" in the online queue
    (actor: the citizen's user)."""
    return applicant_act(actor=actor, dossier=dossier, action="resubmit_online", at=at)


def dossier_withdraw_online(*, actor, dossier, reason="", at=None) -> ActionResult:
    """Công dân rút hồ sơ trực tuyến before receipt (actor: the citizen's user); after receipt
    the desk records the withdrawal (``withdraw``, Mẫu 05)."""
    return applicant_act(actor=actor, dossier=dossier, action="withdraw_online", at=at,
                         reason=reason)


def _wrapper(action: str, doc: str):
    def service(*, actor, dossier, at=None, **params) -> ActionResult:
        return dossier_act(actor=actor, dossier=dossier, action=action, at=at, **params)

    service.__name__ = f"dossier_{action}"
    service.__doc__ = doc
    return service


dossier_request_supplement_at_reception = _wrapper(
    "request_supplement_at_reception", "Yêu cầu bổ sung trước khi tiếp nhận (reason).")
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
