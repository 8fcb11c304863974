"""The message outbox (hộp thư đi), the center's templates, the citizen's channel choice, and
the scheduler's heartbeat.

An ``OutboxMessage`` row is written by ``notify`` in the transaction of the change it reports,
one per channel and address: a rolled-back change leaves none. The scheduler (huey) sends the
pending rows after commit and records each attempt on the row (docs/notifications.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")


class OutboxMessage(models.Model):
    event = models.CharField(_("sự kiện"), max_length=64, db_index=True)
    channel = models.CharField(_("kênh"), max_length=32)
    address = models.CharField(_("địa chỉ nhận"), max_length=254, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64, blank=True, db_index=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=OutboxStatus.choices,
                              default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), default=timezone.now)
    claimed_at = models.DateTimeField(_("nhận gửi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi lần cuối"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi được lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thư đi")
        verbose_name_plural = _("hộp thư đi")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OutboxStatus.values), name="outbox_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=OutboxStatus.SENT) | Q(sent_at__isnull=False),
                name="outbox_sent_has_time"),
            models.CheckConstraint(
                condition=~Q(status=OutboxStatus.SENDING) | Q(claimed_at__isnull=False),
                name="outbox_sending_is_claimed"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.channel}:{self.address or '-'} ({self.status})"


class NotificationTemplate(models.Model):
    """The center's wording for one event (mẫu thông báo), in Django template syntax. Without a
    row (or with ``active`` off) the default of ``notifications.templates`` is used."""

    event = models.CharField(_("sự kiện"), max_length=64, unique=True)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    active = models.BooleanField(_("đang dùng"), default=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["event"]

    def __str__(self) -> str:
        return self.event


class NotificationPreference(models.Model):
    """The channels a citizen chose (kênh nhận thông báo), keyed by the ID number, else the
    phone, else the e-mail address."""

    id_number = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    by_email = models.BooleanField(_("nhận qua thư điện tử"), default=True)
    by_sms = models.BooleanField(_("nhận qua SMS"), default=True)
    by_zalo = models.BooleanField(_("nhận qua Zalo"), default=False)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lựa chọn nhận thông báo")
        verbose_name_plural = _("lựa chọn nhận thông báo")
        constraints = [
            models.CheckConstraint(
                condition=~Q(id_number="") | ~Q(phone="") | ~Q(email=""),
                name="notification_pref_has_key"),
            models.UniqueConstraint(fields=["id_number"], condition=~Q(id_number=""),
                                    name="notification_pref_unique_id"),
            models.UniqueConstraint(fields=["phone"], condition=Q(id_number="") & ~Q(phone=""),
                                    name="notification_pref_unique_phone"),
            models.UniqueConstraint(fields=["email"],
                                    condition=Q(id_number="") & Q(phone="") & ~Q(email=""),
                                    name="notification_pref_unique_email"),
        ]

    def __str__(self) -> str:
        return self.id_number or self.phone or self.email

    def channels(self) -> set[str]:
        return {name for name, on in (("email", self.by_email), ("sms", self.by_sms),
                                      ("zalo", self.by_zalo)) if on}


class SchedulerHeartbeat(models.Model):
    """The scheduler's last beat (nhịp của bộ lập lịch): written every minute by the periodic
    task ``notifications.tasks.scheduler_tick``; read by ``selectors.scheduler_heartbeat``
    (``/readyz``, the scheduler-lag metric). The row lives in the shared database, so every
    node reads it; ``beats`` counts the periodic beats only (an exact ``beats + 1``), so two
    scheduler nodes by mistake show as two beats a minute."""

    name = models.CharField(max_length=32, primary_key=True)
    beat_at = models.DateTimeField()
    pid = models.PositiveIntegerField(default=0)
    beats = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("nhịp bộ lập lịch")
        verbose_name_plural = _("nhịp bộ lập lịch")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"
