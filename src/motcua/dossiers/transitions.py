"""The one table of allowed transitions (bảng chuyển trạng thái), domain §2.2–2.5.

Each ``Transition`` says from which states an action may be taken, the state it leads to, and
who may take it: a list of (role, scope) pairs, where the scope names the unit of the dossier in
which the actor must hold the role:

* ``receiving``: the receiving unit (nơi tiếp nhận, the one-stop center);
* ``current``: the unit holding the dossier now (đơn vị đang giữ: the competent agency while it
  is processed, the partner agency during liên thông, the center once the result is back);
* ``competent``: the competent unit (cơ quan giải quyết).

``system_only`` actions are done by the system (online arrival, automatic closing of a
supplement not provided in time); no user may take them. ``target=None`` means "back to the
state the dossier was in before the pause" (``DossierPause.resume_status``).

Non-transition actions (apologise, record_explanation, escalate) do not change the status and
are checked in their own services.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from motcua.core.errors import Conflict, InvalidInput
from motcua.dossiers.states import Status
from motcua.org.models import Role

RECEIVING = "receiving"
CURRENT = "current"
COMPETENT = "competent"

R = Role
S = Status

# States in which the agency is still working (đang xử lý), so an apology, a stop or a
# withdrawal is possible.
PROCESSING = frozenset(
    {S.RECEIVED, S.TRANSFERRED, S.ASSIGNED, S.APPRAISING, S.CONSULTING, S.INTERAGENCY,
     S.AWAITING_APPROVAL, S.SIGNED}
)
# Before the result is issued the applicant may still withdraw (NĐ 118 Art. 21).
WITHDRAWABLE = PROCESSING | {S.SUBMITTED, S.SUPPLEMENT_REQUESTED_AT_RECEPTION,
                             S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str | None
    who: tuple[tuple[str, str], ...] = ()
    system_only: bool = False
    # Taken by the applicant through the portal (``actions.applicant_act``), never by staff;
    # the caller has checked that the dossier is the applicant's own.
    by_applicant: bool = False
    # Finishes the current step of the processing control slip and starts the next one.
    advances_step: bool = False
    description: str = ""

    @property
    def shown_label(self) -> str:
        """The label in the active language, for messages (the table keeps the Vietnamese)."""
        return pgettext("thao tác", self.label)

    def allowed_from(self, status: str) -> bool:
        return status in self.sources


def _t(name, label, sources, target, who=(), **kw) -> Transition:
    return Transition(name, label, frozenset(sources), target, tuple(who), **kw)


_STAFF_CURRENT = ((R.SPECIALIST, CURRENT), (R.LEADER, CURRENT))

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("submit", "Nộp hồ sơ trực tuyến", {""}, S.SUBMITTED, system_only=True,
           description="Hồ sơ trực tuyến đến từ cổng dịch vụ công."),
        _t("receive", "Tiếp nhận hồ sơ", {"", S.SUBMITTED}, S.RECEIVED,
           [(R.RECEPTIONIST, RECEIVING)],
           description="Cấp Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)."),
        _t("refuse_reception", "Từ chối tiếp nhận",
           {"", S.SUBMITTED, S.SUPPLEMENT_REQUESTED_AT_RECEPTION}, S.REFUSED_AT_RECEPTION,
           [(R.RECEPTIONIST, RECEIVING)], description="Phiếu từ chối tiếp nhận (Mẫu 03)."),
        _t("request_supplement_at_reception", "Yêu cầu bổ sung trước khi tiếp nhận",
           {S.SUBMITTED}, S.SUPPLEMENT_REQUESTED_AT_RECEPTION, [(R.RECEPTIONIST, RECEIVING)],
           description="Hồ sơ trực tuyến chưa tiếp nhận: yêu cầu một lần, đầy đủ (NĐ 297/2025); "
                       "chưa tính thời hạn."),
        _t("resubmit_online", "Công dân nộp bổ sung trực tuyến",
           {S.SUPPLEMENT_REQUESTED_AT_RECEPTION}, S.SUBMITTED, by_applicant=True,
           description="Trở lại hàng chờ tiếp nhận trực tuyến."),
        _t("transfer", "Chuyển cơ quan giải quyết", {S.RECEIVED}, S.TRANSFERRED,
           [(R.RECEPTIONIST, RECEIVING)], advances_step=True),
        _t("assign", "Phân công thụ lý", {S.TRANSFERRED, S.ASSIGNED}, S.ASSIGNED,
           [(R.LEADER, CURRENT)], advances_step=True),
        _t("start_appraisal", "Bắt đầu thẩm định", {S.ASSIGNED}, S.APPRAISING,
           [(R.SPECIALIST, CURRENT)]),
        _t("request_supplement", "Yêu cầu bổ sung hồ sơ",
           {S.RECEIVED, S.TRANSFERRED, S.ASSIGNED, S.APPRAISING}, S.SUPPLEMENT_REQUESTED,
           [(R.SPECIALIST, CURRENT), (R.LEADER, CURRENT), (R.RECEPTIONIST, RECEIVING)],
           description="Trong 3 ngày làm việc kể từ khi tiếp nhận (Mẫu 02); dừng tính thời hạn."),
        _t("complete_supplement", "Nhận hồ sơ bổ sung", {S.SUPPLEMENT_REQUESTED}, None,
           [(R.RECEPTIONIST, RECEIVING), (R.SPECIALIST, CURRENT)],
           description="Thời hạn tính lại từ đầu."),
        _t("close_supplement", "Đóng hồ sơ quá hạn bổ sung", {S.SUPPLEMENT_REQUESTED},
           S.STOPPED, system_only=True),
        _t("consult", "Lấy ý kiến", {S.APPRAISING}, S.CONSULTING, [(R.SPECIALIST, CURRENT)]),
        _t("consult_done", "Đã có ý kiến", {S.CONSULTING}, S.APPRAISING,
           [(R.SPECIALIST, CURRENT)]),
        _t("send_interagency", "Chuyển liên thông", {S.APPRAISING}, S.INTERAGENCY,
           _STAFF_CURRENT),
        _t("interagency_done", "Hoàn thành phần liên thông", {S.INTERAGENCY}, S.APPRAISING,
           _STAFF_CURRENT, description="Do cơ quan phối hợp (đơn vị đang giữ) thực hiện."),
        _t("submit_for_approval", "Trình phê duyệt", {S.APPRAISING}, S.AWAITING_APPROVAL,
           [(R.SPECIALIST, CURRENT)], advances_step=True),
        _t("return_for_rework", "Trả lại để xử lý lại", {S.AWAITING_APPROVAL}, S.APPRAISING,
           [(R.LEADER, CURRENT)]),
        _t("approve", "Phê duyệt, ký", {S.AWAITING_APPROVAL}, S.SIGNED, [(R.LEADER, CURRENT)],
           advances_step=True),
        _t("refuse", "Từ chối giải quyết", {S.APPRAISING, S.AWAITING_APPROVAL},
           S.REFUSED_AFTER_APPRAISAL, [(R.LEADER, CURRENT)],
           description="Có lý do, trong thời hạn giải quyết."),
        _t("issue", "Ban hành, chuyển kết quả về một cửa", {S.SIGNED}, S.ISSUED,
           _STAFF_CURRENT, advances_step=True),
        _t("receive_result", "Nhận kết quả tại một cửa", {S.ISSUED}, S.RESULT_READY,
           [(R.RECEPTIONIST, RECEIVING)]),
        _t("request_payment", "Yêu cầu thực hiện nghĩa vụ tài chính",
           {S.APPRAISING, S.AWAITING_APPROVAL, S.SIGNED, S.RESULT_READY}, S.AWAITING_PAYMENT,
           [(R.SPECIALIST, CURRENT), (R.LEADER, CURRENT), (R.RECEPTIONIST, CURRENT)],
           description="Dừng tính thời hạn trong khi chờ."),
        _t("confirm_payment", "Xác nhận đã thực hiện nghĩa vụ tài chính", {S.AWAITING_PAYMENT},
           None, [(R.RECEPTIONIST, RECEIVING), (R.SPECIALIST, CURRENT), (R.LEADER, CURRENT)]),
        _t("return_result", "Trả kết quả", {S.RESULT_READY}, S.RETURNED,
           [(R.RECEPTIONIST, RECEIVING)], advances_step=True),
        _t("withdraw", "Công dân rút hồ sơ", WITHDRAWABLE, S.WITHDRAWN,
           [(R.RECEPTIONIST, RECEIVING), (R.CENTER_MANAGER, RECEIVING)],
           description="Thông báo dừng giải quyết (Mẫu 05); không được khi đã có kết quả."),
        _t("withdraw_online", "Công dân rút hồ sơ trực tuyến",
           {S.SUBMITTED, S.SUPPLEMENT_REQUESTED_AT_RECEPTION}, S.WITHDRAWN, by_applicant=True,
           description="Trước khi tiếp nhận, trên cổng; sau khi tiếp nhận, qua bộ phận một cửa "
                       "(Mẫu 05)."),
        _t("stop", "Dừng xử lý", PROCESSING | {S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT},
           S.STOPPED, [(R.LEADER, CURRENT), (R.LEADER, COMPETENT),
                       (R.CENTER_MANAGER, RECEIVING)]),
    ]
}

# Actions that do not change the status (checked by their own services): the apology ones, and
# the desk handing a refusal / withdrawal / stop notice to the citizen (services.notices).
NON_TRANSITION_ACTIONS = ("apologise", "record_explanation", "escalate", "hand_over_notice")


def get_transition(action: str) -> Transition:
    try:
        return TRANSITIONS[action]
    except KeyError:
        raise InvalidInput(
            "unknown_action", _("Thao tác “%(action)s” không tồn tại.") % {"action": action}, field="action"
        ) from None


def check_state(transition: Transition, status: str) -> None:
    """Conflict ``transition_not_allowed`` naming the current status and the action."""
    if not transition.allowed_from(status):
        current = Status(status).label if status else _("chưa có hồ sơ")
        raise Conflict(
            "transition_not_allowed",
            _("Không thể thực hiện “%(label)s” khi hồ sơ đang ở trạng thái “%(current)s”.") % {"label": transition.shown_label, "current": current},
        )


def table_markdown() -> str:
    """The table as Markdown, for docs/dossiers.md (a test keeps the doc in sync)."""
    lines = [
        "| action | tên | từ trạng thái | đến | ai (vai trò @ đơn vị) |",
        "|---|---|---|---|---|",
    ]
    for t in TRANSITIONS.values():
        sources = ", ".join(sorted(s or "(mới)" for s in t.sources))
        who = ("hệ thống" if t.system_only else "công dân (cổng)" if t.by_applicant
               else ", ".join(f"{r} @ {scope}" for r, scope in t.who))
        target = t.target or "(trạng thái trước khi tạm dừng)"
        lines.append(f"| `{t.name}` | {t.label} | {sources} | {target} | {who} |")
    return "\n".join(lines) + "\n"
