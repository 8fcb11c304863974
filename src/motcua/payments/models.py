"""Fees paid for a dossier (thanh toán phí, lệ phí) and the electronic receipts (biên lai điện
tử) that prove them.

Money is an integer number of dong everywhere (never a float); the database refuses a zero or
negative amount. A ``Payment`` is one attempt to pay: at the counter (cash, card: confirmed at
once by the receptionist) or online through a provider (pending until the provider's signed
notification, IPN, confirms it). A ``Receipt`` is written once and never changed: a receipt is
cancelled by a new cancelling receipt (``kind=cancel``) that points at it; the database refuses
UPDATE and DELETE on the table (``core.dbrules.append_only``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.org.models import Unit


class Method(models.TextChoices):
    CASH = "cash", _("Tiền mặt")
    CARD = "card", _("Thẻ (POS)")
    ONLINE = "online", _("Trực tuyến")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xác nhận")
    CONFIRMED = "confirmed", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    CANCELLED = "cancelled", _("Đã hủy")
    REFUNDED = "refunded", _("Đã hoàn tiền")


class Payment(models.Model):
    """One payment of a dossier's fees (khoản thanh toán)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments")
    # The unit that collects (the dossier's receiving unit): the statement is per unit.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("hình thức"), max_length=8, choices=Method.choices)
    provider = models.CharField(_("cổng thanh toán"), max_length=16, blank=True)
    # The merchant's order reference sent to the provider (vnp_TxnRef); counter payments too,
    # so every payment has one reference the accountant can quote.
    txn_ref = models.CharField(_("mã giao dịch"), max_length=34, unique=True)
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=PaymentStatus.choices,
                              default=PaymentStatus.PENDING)
    created_at = models.DateTimeField(_("tạo lúc"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("hoàn tiền lúc"), null=True, blank=True)
    # What the provider told us: its transaction number, bank, response code.
    provider_txn_no = models.CharField(max_length=64, blank=True)
    bank_code = models.CharField(max_length=32, blank=True)
    response_code = models.CharField(max_length=8, blank=True)
    payer_name = models.CharField(_("người nộp tiền"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("khoản thanh toán")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["unit", "provider", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(method="online") | ~Q(provider__gt=""),
                name="payment_provider_only_online",
            ),
            models.CheckConstraint(
                condition=~Q(method="online") | Q(provider__gt=""),
                name="payment_online_has_provider",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["confirmed", "refunded"]) | Q(confirmed_at__isnull=False),
                name="payment_confirmed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="refunded") | Q(refunded_at__isnull=False),
                name="payment_refunded_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.txn_ref} {self.amount} đ ({self.status})"


class ReceiptKind(models.TextChoices):
    ISSUE = "issue", _("Biên lai thu")
    CANCEL = "cancel", _("Hủy biên lai")


class ReceiptSequence(models.Model):
    """Last receipt number used per unit and year (race-safe like printing's form numbers)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="receipt_sequence_unique")
        ]


class Receipt(models.Model):
    """An electronic receipt (biên lai thu phí, lệ phí điện tử), append-only."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField(_("số biên lai"))
    kind = models.CharField(max_length=8, choices=ReceiptKind.choices, default=ReceiptKind.ISSUE)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="receipts")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    payer_name = models.CharField(_("người nộp tiền"), max_length=255, blank=True)
    method = models.CharField(max_length=8, choices=Method.choices)
    cancels = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="cancelled_by")
    reason = models.TextField(_("lý do"), blank=True)
    issued_at = models.DateTimeField(_("lập lúc"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("biên lai")
        verbose_name_plural = _("biên lai")
        ordering = ["unit", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "number"],
                                    name="receipt_unique_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
            models.CheckConstraint(
                condition=(Q(kind="issue") & Q(cancels__isnull=True))
                | (Q(kind="cancel") & Q(cancels__isnull=False) & ~Q(reason="")),
                name="receipt_cancel_points_at_receipt",
            ),
            # One issue receipt per payment.
            models.UniqueConstraint(fields=["payment"], condition=Q(kind="issue"),
                                    name="receipt_one_per_payment"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The printed number: ``0000012/2026``."""
        return f"{self.number:07d}/{self.year}"


class ProcedurePaymentPolicy(models.Model):
    """What a procedure asks about payment (set by the center in the admin): whether a dossier
    submitted online must be paid before it is accepted (nộp phí trước khi tiếp nhận). Kept
    here rather than in the catalog's versioned record: it is the province's collection policy,
    not the procedure's published content, and changes without a new version."""

    procedure = models.OneToOneField("catalog.Procedure", on_delete=models.CASCADE,
                                     related_name="payment_policy",
                                     verbose_name=_("thủ tục"))
    pay_before_acceptance = models.BooleanField(
        _("hồ sơ trực tuyến phải nộp phí trước khi tiếp nhận"), default=False)

    class Meta:
        verbose_name = _("quy định thu phí của thủ tục")
        verbose_name_plural = _("quy định thu phí của thủ tục")

    def __str__(self) -> str:
        return str(self.procedure)


class FeeChoice(models.Model):
    """What the receptionist entered at intake for the fees (payments2): the number of copies
    asked for (số bản, per-copy fees) and the exemption category picked (đối tượng miễn). The
    fee lines are recomputed from these with ``catalog.fees.assess``; no row: 1 copy, none."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="fee_choice",
                                   verbose_name=_("hồ sơ"))
    copies = models.PositiveIntegerField(_("số bản"), default=1)
    exemption = models.CharField(_("đối tượng miễn"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("thời điểm ghi"))

    class Meta:
        verbose_name = _("căn cứ tính phí")
        verbose_name_plural = _("căn cứ tính phí")
        constraints = [
            models.CheckConstraint(condition=Q(copies__gte=1, copies__lte=1000),
                                   name="payments_feechoice_copies_range"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.copies}"
