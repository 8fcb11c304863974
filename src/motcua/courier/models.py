"""Courier runs and the paper trail (vận chuyển hồ sơ giấy qua bưu chính công ích).

* ``PickupTime``: the pickup times of a center (giờ lấy hồ sơ); none configured means
  ``settings.MOTCUA_COURIER_PICKUP_TIMES`` (9:00, 11:00, 14:00, 16:00).
* ``Run``: one courier run (chuyến) of a center at a pickup time on a working day.
* ``Batch``: what travels between two units in a run (lô), one per destination and direction;
  its hand-over record (biên bản giao nhận) is printed with a QR code and confirmed by the
  courier (collected) and by the receiving officer (received).
* ``Manifest``: one line of a batch's hand-over record: a dossier (outbound) or its paper result
  (back to the center); received or missing.
* ``PaperTrail``: where a paper dossier is now (one row per dossier); ``CustodyEvent``: every
  change of holder and place, append-only (center → courier → agency → courier → center).
* ``HomeDelivery``: the result delivered to the citizen's address (chuyển phát kết quả).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.org.models import Unit


def new_token() -> str:
    return secrets.token_urlsafe(12)


class PickupTime(models.Model):
    center = models.ForeignKey(Unit, verbose_name=_("trung tâm"), on_delete=models.CASCADE,
                               related_name="+")
    time = models.TimeField(_("giờ lấy hồ sơ"))
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("giờ lấy hồ sơ")
        verbose_name_plural = _("giờ lấy hồ sơ")
        ordering = ["center", "time"]
        constraints = [
            models.UniqueConstraint(fields=["center", "time"], name="courier_pickup_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.center} {self.time:%H:%M}"


class Run(models.Model):
    center = models.ForeignKey(Unit, verbose_name=_("trung tâm"), on_delete=models.PROTECT,
                               related_name="+")
    scheduled_at = models.DateTimeField(_("giờ chuyến"))
    courier = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("nhân viên bưu chính"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chuyến")
        verbose_name_plural = _("chuyến")
        ordering = ["-scheduled_at"]
        constraints = [
            models.UniqueConstraint(fields=["center", "scheduled_at"], name="courier_run_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.center} {timezone.localtime(self.scheduled_at):%H:%M %d/%m/%Y}"


class Direction(models.TextChoices):
    OUT = "out", _("Chuyển đến cơ quan giải quyết")
    BACK = "back", _("Chuyển kết quả về trung tâm")


class BatchStatus(models.TextChoices):
    WAITING = "waiting", _("Chờ lấy")
    COLLECTED = "collected", _("Đang vận chuyển")
    RECEIVED = "received", _("Đã giao nhận đủ")
    PARTIAL = "partial", _("Giao nhận thiếu")


class Batch(models.Model):
    run = models.ForeignKey(Run, verbose_name=_("chuyến"), on_delete=models.PROTECT,
                            related_name="batches")
    direction = models.CharField(_("chiều"), max_length=8, choices=Direction.choices)
    origin = models.ForeignKey(Unit, verbose_name=_("nơi giao"), on_delete=models.PROTECT,
                               related_name="+")
    destination = models.ForeignKey(Unit, verbose_name=_("nơi nhận"), on_delete=models.PROTECT,
                                    related_name="+")
    number = models.CharField(_("số biên bản"), max_length=40, unique=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    status = models.CharField(_("trạng thái"), max_length=16, choices=BatchStatus.choices,
                              default=BatchStatus.WAITING)
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    collected_at = models.DateTimeField(_("lấy lúc"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("nhận lúc"), null=True, blank=True)
    discrepancy = models.TextField(_("chênh lệch khi giao nhận"), blank=True)

    class Meta:
        verbose_name = _("lô hồ sơ")
        verbose_name_plural = _("lô hồ sơ")
        ordering = ["run", "direction", "destination"]
        constraints = [
            models.UniqueConstraint(fields=["run", "direction", "origin", "destination"],
                                    name="courier_batch_one_per_destination"),
            models.CheckConstraint(
                condition=Q(status=BatchStatus.WAITING)
                | (Q(collected_by__isnull=False) & Q(collected_at__isnull=False)),
                name="courier_batch_collected_by_someone"),
            models.CheckConstraint(
                condition=~Q(status__in=[BatchStatus.RECEIVED, BatchStatus.PARTIAL])
                | (Q(received_by__isnull=False) & Q(received_at__isnull=False)),
                name="courier_batch_received_by_someone"),
            models.CheckConstraint(
                condition=~Q(status=BatchStatus.PARTIAL) | ~Q(discrepancy=""),
                name="courier_batch_partial_says_why"),
        ]

    def __str__(self) -> str:
        return self.number


class LineState(models.TextChoices):
    LISTED = "listed", _("Trong lô")
    RECEIVED = "received", _("Đã nhận")
    MISSING = "missing", _("Thiếu khi giao nhận")


class Manifest(models.Model):
    """A line of a batch's hand-over record (một dòng của biên bản giao nhận)."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="lines")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("tình trạng"), max_length=16, choices=LineState.choices,
                             default=LineState.LISTED)

    class Meta:
        verbose_name = _("dòng biên bản giao nhận")
        verbose_name_plural = _("dòng biên bản giao nhận")
        ordering = ["batch", "dossier__code"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "dossier"], name="courier_line_unique"),
            # A paper dossier travels in one batch at a time.
            models.UniqueConstraint(fields=["dossier"], condition=Q(state="listed"),
                                    name="courier_line_one_open_batch"),
        ]


class TrailState(models.TextChoices):
    AT_CENTER = "at_center", _("Tại trung tâm")
    WAITING_OUT = "waiting_out", _("Chờ chuyển đến cơ quan giải quyết")
    IN_TRANSIT = "in_transit", _("Bưu chính đang vận chuyển")
    AT_AGENCY = "at_agency", _("Tại cơ quan giải quyết")
    WAITING_BACK = "waiting_back", _("Kết quả chờ chuyển về trung tâm")
    MISSING = "missing", _("Thất lạc khi giao nhận")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Đang phát đến địa chỉ công dân")
    DELIVERED = "delivered", _("Đã phát cho công dân")


class PaperTrail(models.Model):
    """Where a paper dossier is now (nơi đang giữ hồ sơ giấy)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("tình trạng"), max_length=20, choices=TrailState.choices)
    place = models.ForeignKey(Unit, verbose_name=_("nơi giữ"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người giữ"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    destination = models.ForeignKey(Unit, verbose_name=_("chuyển đến"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField(_("từ lúc"))

    class Meta:
        verbose_name = _("nơi giữ hồ sơ giấy")
        verbose_name_plural = _("nơi giữ hồ sơ giấy")
        indexes = [models.Index(fields=["state", "since"], name="courier_trail_state_since")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=["waiting_out", "waiting_back"])
                | Q(destination__isnull=False),
                name="courier_trail_waiting_has_destination"),
        ]


class CustodyEvent(models.Model):
    """Who held a paper dossier where, from when (append-only)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("lúc"), db_index=True)
    state = models.CharField(_("tình trạng"), max_length=20, choices=TrailState.choices)
    place = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sự kiện giao nhận")
        verbose_name_plural = _("sự kiện giao nhận")
        ordering = ["dossier", "at", "pk"]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ giao bưu chính")
    HANDED_OFF = "handed_off", _("Đã giao bưu chính")
    DELIVERED = "delivered", _("Đã phát thành công")
    FAILED = "failed", _("Phát không thành công, trả về quầy")


class HomeDelivery(models.Model):
    """The result delivered to the citizen's address (trả kết quả qua bưu chính)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("địa chỉ nhận"), max_length=500)
    fee = models.PositiveIntegerField(_("cước phí (đồng)"), default=0)
    status = models.CharField(_("trạng thái"), max_length=16, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    courier = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    tracking_number = models.CharField(_("mã vận đơn"), max_length=40, blank=True)
    handed_off_at = models.DateTimeField(_("giao bưu chính lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("phát lúc"), null=True, blank=True)
    recipient_name = models.CharField(_("người nhận"), max_length=255, blank=True)
    failure_reason = models.CharField(_("lý do không phát được"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"))

    class Meta:
        verbose_name = _("chuyển phát kết quả")
        verbose_name_plural = _("chuyển phát kết quả")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(address=""),
                                   name="courier_delivery_address_required"),
            models.CheckConstraint(
                condition=~Q(status="delivered")
                | (~Q(recipient_name="") & Q(delivered_at__isnull=False)),
                name="courier_delivery_delivered_to_someone"),
            models.CheckConstraint(
                condition=Q(status="pending")
                | (~Q(tracking_number="") & Q(handed_off_at__isnull=False)),
                name="courier_delivery_handed_off_tracked"),
            models.CheckConstraint(condition=~Q(status="failed") | ~Q(failure_reason=""),
                                   name="courier_delivery_failure_says_why"),
            # One delivery under way per dossier; a failed one may be followed by another.
            models.UniqueConstraint(fields=["dossier"],
                                    condition=Q(status__in=["pending", "handed_off"]),
                                    name="courier_delivery_one_open"),
        ]
