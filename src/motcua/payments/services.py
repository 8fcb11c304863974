"""Writes: start an online payment, process the provider's notification (IPN), record a counter
payment with its receipt, cancel a receipt, record a refund.

Each service runs in one transaction with its audit event inside. The dossier is changed only
through the dossier services: the financial-obligation pause (chờ thực hiện nghĩa vụ tài chính)
ends with the ``confirm_payment`` transition once nothing is left to pay, taken by the
receptionist at the counter (``dossier_perform``) or by the system for a signed IPN
(``system_act``: no person acts, so no role is checked).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.core.sequences import sequence_next
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import has_role
from motcua.dossiers.services import dossier_perform
from motcua.dossiers.services.actions import system_act
from motcua.dossiers.states import FINAL, Status
from motcua.org.models import Role
from motcua.payments import selectors
from motcua.payments.models import (
    FeeChoice,
    Method,
    Payment,
    PaymentStatus,
    Receipt,
    ReceiptKind,
    ReceiptSequence,
)
from motcua.payments.providers import (
    InvalidSignature,
    MalformedMessage,
    Order,
    PaymentProvider,
    get_provider,
)
from motcua.payments.templatetags.payments_tags import grouped

log = logging.getLogger(__name__)


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def new_txn_ref(at: dt.datetime) -> str:
    """A reference unique per merchant (vnp_TxnRef): time, then random digits; the database's
    unique constraint is the final word."""
    return f"{timezone.localtime(at):%y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"


def _payable(dossier: Dossier) -> None:
    if dossier.status in FINAL:
        raise Conflict("dossier_closed", _("Hồ sơ đã kết thúc, không nhận thanh toán."))


# --- online ------------------------------------------------------------------------------------


def payment_start(*, actor=None, dossier: Dossier, provider: PaymentProvider, return_url: str,
                  client_ip: str = "", at: dt.datetime | None = None) -> tuple[Payment, str]:
    """Create a pending online payment for what the dossier owes now, and the provider URL to
    send the citizen to. The amount is the server's, never the browser's."""
    at = _now(at)
    if not provider.is_configured():
        raise Conflict("provider_not_configured", _("Thanh toán trực tuyến chưa được cấu hình."))
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        _payable(locked)
        amount = selectors.amount_due(locked)
        if amount <= 0:
            raise Conflict("nothing_due", _("Hồ sơ không còn khoản phí, lệ phí nào phải nộp."))
        payment = Payment.objects.create(
            dossier=locked, unit_id=locked.receiving_unit_id, method=Method.ONLINE,
            provider=provider.code, txn_ref=new_txn_ref(at), amount=amount, created_at=at,
            created_by=actor if getattr(actor, "pk", None) else None,
            payer_name=locked.applicant_name,
        )
        audit_record(actor=actor, event_type="payment.started", dossier=locked, obj=payment,
                     at=at, data={"provider": provider.code, "txn_ref": payment.txn_ref,
                                  "amount": amount})
    order = Order(txn_ref=payment.txn_ref, amount=amount,
                  description=f"Thanh toan phi le phi ho so {locked.code}",
                  return_url=return_url, client_ip=client_ip, created_at=at)
    return payment, provider.payment_url(order)


@dataclass(frozen=True)
class IpnAnswer:
    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"RspCode": self.code, "Message": self.message}


CONFIRMED = IpnAnswer("00", "Confirm Success")
NOT_FOUND = IpnAnswer("01", "Order not found")
ALREADY = IpnAnswer("02", "Order already confirmed")
BAD_AMOUNT = IpnAnswer("04", "Invalid amount")
BAD_SIGNATURE = IpnAnswer("97", "Invalid signature")
OTHER = IpnAnswer("99", "Unknown error")


def payment_ipn(*, provider_code: str, params: dict[str, str], ip: str | None = None,
                at: dt.datetime | None = None) -> IpnAnswer:
    """Process a provider's server-to-server notification; idempotent.

    The payment row is locked (``select_for_update``) and moved out of ``pending`` by a
    conditional UPDATE, so two identical notifications at once confirm it once: the second
    waits for the first and answers 02. Every call, whatever its answer, is an audit event.
    """
    at = _now(at)
    provider = get_provider(provider_code)
    try:
        note = provider.parse_notification(params)
    except InvalidSignature:
        return _log_answer(BAD_SIGNATURE, params, ip=ip, at=at)
    except MalformedMessage:
        return _log_answer(OTHER, params, ip=ip, at=at, why="malformed")
    try:
        with transaction.atomic():
            found = (Payment.objects.filter(txn_ref=note.txn_ref, provider=provider.code)
                     .values_list("pk", "dossier_id").first())
            payment = None
            if found is not None:
                # Dossier first, then payment: the order the counter takes them in.
                Dossier.objects.select_for_update().filter(pk=found[1]).values_list("pk").get()
                # With its dossier (the audit event's chain is the dossier's code): one read,
                # not a second one by the event; only the payment row is locked here.
                payment = (Payment.objects.select_for_update(of=("self",))
                           .select_related("dossier").get(pk=found[0]))
            if payment is None:
                answer, why = NOT_FOUND, ""
            elif payment.amount != note.amount:
                answer, why = BAD_AMOUNT, f"expected {payment.amount}"
            elif payment.status != PaymentStatus.PENDING:
                answer, why = ALREADY, payment.status
            else:
                answer, why = _apply(payment, note, at=at)
            _audit_ipn(answer, params, payment=payment, ip=ip, at=at, why=why)
        return answer
    except Exception:  # the protocol wants an answer for everything: 99, and the trace logged
        log.exception("payment IPN failed for %s", params.get("vnp_TxnRef"))
        return _log_answer(OTHER, params, ip=ip, at=at, why="error")


def _apply(payment: Payment, note, *, at: dt.datetime) -> tuple[IpnAnswer, str]:
    target = PaymentStatus.CONFIRMED if note.succeeded else PaymentStatus.FAILED
    moved = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
        status=target, confirmed_at=at if note.succeeded else None,
        provider_txn_no=note.provider_txn_no, bank_code=note.bank_code,
        response_code=note.response_code,
    )
    if not moved:  # pragma: no cover - the row lock makes this the second caller's path only
        return ALREADY, "raced"
    payment.refresh_from_db()
    if note.succeeded:
        _issue_receipt(payment, actor=None, at=at)
        _resume_after_ipn(payment, at=at)
    return CONFIRMED, target


def _resume_after_ipn(payment: Payment, *, at: dt.datetime) -> None:
    """Resume the paused dossier; the money stays recorded when the dossier cannot resume.

    The citizen has paid: a refusal of the dossier's state table (a dossier whose stop of the
    clock is missing or already ended) is not a reason to answer 99, which makes the gateway
    retry a confirmation that would fail the same way every time and leaves the payment
    "pending" forever. The resume runs in a savepoint; its refusal is an audit event that the
    unit's staff see in the dossier's history, and the confirmation stands. Any other error
    still rolls the whole notification back (99): the gateway's retry may succeed.
    """
    try:
        with transaction.atomic():
            _resume_dossier(payment.dossier, actor=None, at=at, online=True)
    except Conflict as refused:
        log.warning("payment %s confirmed, dossier not resumed: %s", payment.txn_ref, refused)
        audit_record(actor=None, event_type="payment.resume_refused", dossier=payment.dossier,
                     obj=payment, at=at, channel="ipn",
                     data={"txn_ref": payment.txn_ref, "code": refused.code,
                           "status": payment.dossier.status})


def _audit_ipn(answer: IpnAnswer, params, *, payment, ip, at, why="") -> None:
    audit_record(
        actor=None, event_type="payment.ipn", dossier=payment.dossier if payment else None,
        obj=payment, at=at, channel="ipn", ip=ip,
        data={"answer": answer.code, "why": why, "txn_ref": str(params.get("vnp_TxnRef", ""))[:40],
              "amount": str(params.get("vnp_Amount", ""))[:20],
              "response_code": str(params.get("vnp_ResponseCode", ""))[:8]},
    )


def _log_answer(answer: IpnAnswer, params, *, ip, at, why="") -> IpnAnswer:
    with transaction.atomic():
        _audit_ipn(answer, params, payment=None, ip=ip, at=at, why=why)
    return answer


# --- counter -----------------------------------------------------------------------------------


def may_collect(user, dossier: Dossier) -> bool:
    """The receptionist of the dossier's receiving unit collects fees at the counter."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or has_role(user, Role.RECEPTIONIST, dossier.receiving_unit_id)


def counter_payment_record(*, actor, dossier: Dossier, method: str, amount, payer_name: str = "",
                           at: dt.datetime | None = None) -> Receipt:
    """Record a cash or card payment at the counter (thu phí tại quầy) and issue its receipt;
    end the financial-obligation pause when nothing is left to pay."""
    at = _now(at)
    if not may_collect(actor, dossier):
        raise NotAllowed("not_allowed", _("Chỉ cán bộ tiếp nhận của nơi tiếp nhận hồ sơ được "
                                          "thu phí."))
    if method not in (Method.CASH, Method.CARD):
        raise InvalidInput("method_invalid", _("Hình thức thu không hợp lệ."), field="method")
    try:
        amount = int(str(amount).replace(".", "").replace(",", "").strip())
    except (TypeError, ValueError):
        amount = 0
    if amount <= 0:
        raise InvalidInput("amount_invalid", _("Số tiền phải là số nguyên dương (đồng)."),
                           field="amount")
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        _payable(locked)
        due = selectors.amount_due(locked)
        if amount > due:
            raise InvalidInput("amount_too_large",
                               _("Số tiền vượt quá số còn phải nộp (%(due)s đồng).")
                               % {"due": grouped(due)},
                               field="amount")
        payment = Payment.objects.create(
            dossier=locked, unit_id=locked.receiving_unit_id, method=method,
            txn_ref=new_txn_ref(at), amount=amount, status=PaymentStatus.CONFIRMED,
            created_at=at, confirmed_at=at, created_by=actor,
            payer_name=(payer_name or locked.applicant_name)[:255],
        )
        receipt = _issue_receipt(payment, actor=actor, at=at)
        audit_record(actor=actor, event_type="payment.counter", dossier=locked, obj=payment,
                     at=at, data={"method": method, "amount": amount,
                                  "receipt": receipt.label})
        _resume_dossier(locked, actor=actor, at=at, online=False)
    return receipt


def _resume_dossier(dossier: Dossier, *, actor, at: dt.datetime, online: bool) -> None:
    """Close the financial-obligation pause once everything is paid; cancel the online
    payments still pending (the citizen paid another way)."""
    dossier = Dossier.objects.get(pk=dossier.pk)
    if selectors.amount_due(dossier) > 0:
        return
    for stale in Payment.objects.select_for_update().filter(dossier=dossier,
                                                            status=PaymentStatus.PENDING):
        Payment.objects.filter(pk=stale.pk, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.CANCELLED)
        audit_record(actor=actor, event_type="payment.cancelled", dossier=dossier, obj=stale,
                     at=at, data={"txn_ref": stale.txn_ref, "why": "paid"})
    if dossier.status != Status.AWAITING_PAYMENT:
        return
    if actor is None:
        system_act(dossier=dossier, action="confirm_payment", at=at, paid_online=online)
    else:
        dossier_perform(actor=actor, dossier=dossier, action="confirm_payment", at=at,
                        paid_online=online)


# --- receipts ----------------------------------------------------------------------------------


def _next_receipt_number(unit_id: int, year: int) -> int:
    """``last + 1`` of the (unit, year) receipt sequence (core.sequences: the same race-safe
    counter as dossier codes and form numbers), so two cashiers never get the same number."""
    return sequence_next(ReceiptSequence, unit_id=unit_id, year=year, busy=Conflict(
        "receipt_sequence_busy", _("Không cấp được số biên lai, vui lòng thử lại.")))


def _issue_receipt(payment: Payment, *, actor, at: dt.datetime, kind: str = ReceiptKind.ISSUE,
                   cancels: Receipt | None = None, reason: str = "") -> Receipt:
    year = timezone.localtime(at).year
    number = _next_receipt_number(payment.unit_id, year)
    return Receipt.objects.create(
        unit_id=payment.unit_id, year=year, number=number, kind=kind, payment=payment,
        dossier_id=payment.dossier_id, amount=payment.amount, payer_name=payment.payer_name,
        method=payment.method, cancels=cancels, reason=reason, issued_at=at,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )


def receipt_cancel(*, actor, receipt: Receipt, reason: str,
                   at: dt.datetime | None = None) -> Receipt:
    """Cancel a receipt (hủy biên lai) by a new cancelling receipt; the payment is cancelled.
    The receipt itself is never changed (the database refuses)."""
    at = _now(at)
    reason = (reason or "").strip()
    if not may_collect(actor, receipt.dossier):
        raise NotAllowed("not_allowed", _("Chỉ cán bộ tiếp nhận của nơi tiếp nhận được hủy biên "
                                          "lai."))
    if not reason:
        raise InvalidInput("reason_required", _("Cần ghi lý do hủy biên lai."), field="reason")
    if receipt.kind != ReceiptKind.ISSUE:
        raise Conflict("not_cancellable", _("Biên lai hủy không thể bị hủy."))
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=receipt.payment_id)
        if Receipt.objects.filter(cancels=receipt).exists():
            raise Conflict("already_cancelled", _("Biên lai đã bị hủy."))
        try:
            with transaction.atomic():
                cancelling = _issue_receipt(payment, actor=actor, at=at, kind=ReceiptKind.CANCEL,
                                            cancels=receipt, reason=reason)
        except IntegrityError:  # a concurrent cancel won the one-to-one
            raise Conflict("already_cancelled", _("Biên lai đã bị hủy.")) from None
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.CANCELLED)
        audit_record(actor=actor, event_type="payment.receipt_cancelled",
                     dossier=receipt.dossier, obj=cancelling, at=at,
                     data={"receipt": receipt.label, "cancelled_by": cancelling.label,
                           "amount": receipt.amount, "reason": reason})
    return cancelling


def payment_refund(*, actor, payment: Payment, reason: str = "",
                   at: dt.datetime | None = None) -> Payment:
    """Record that a confirmed online payment was refunded by the provider (hoàn tiền)."""
    at = _now(at)
    if not may_collect(actor, payment.dossier):
        raise NotAllowed("not_allowed", _("Không có quyền ghi nhận hoàn tiền."))
    with transaction.atomic():
        moved = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CONFIRMED).update(
            status=PaymentStatus.REFUNDED, refunded_at=at)
        if not moved:
            raise Conflict("not_refundable", _("Chỉ khoản đã thanh toán mới được hoàn tiền."))
        audit_record(actor=actor, event_type="payment.refunded", dossier=payment.dossier,
                     obj=payment, at=at, data={"amount": payment.amount, "reason": reason})
    payment.refresh_from_db()
    return payment


def fee_choice_record(*, actor, dossier: Dossier, copies: int = 1, exemption: str = "",
                      at: dt.datetime | None = None) -> FeeChoice | None:
    """Keep what the receptionist entered at intake for the fees (số bản, đối tượng miễn), so
    the fee lines can be shown again as intake computed them. Call it in the intake's
    transaction; nothing is kept for the defaults (1 copy, no exemption)."""
    if copies == 1 and not exemption:
        return None
    at = _now(at)
    with transaction.atomic():
        choice = FeeChoice.objects.create(dossier=dossier, copies=copies, exemption=exemption,
                                          recorded_at=at)
        audit_record(actor=actor, event_type="payment.fee_choice", dossier=dossier, obj=choice,
                     at=at, data={"copies": copies, "exemption": exemption,
                                  "fee_total": dossier.fee_total})
    return choice
