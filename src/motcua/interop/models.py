"""The link with the national public service portal (Cổng DVC quốc gia).

``NationalPortalDossier``: a dossier that arrived from the national portal, with the portal's
own id. ``NationalPortalEvent``: the outbox of status changes to send back (đồng bộ trạng
thái), one row per StatusChange of an online dossier, written in the dossier's transaction and
sent in order per dossier by the scheduler (``interop.outbox``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.notifications.models import OutboxStatus


class NationalPortalDossier(models.Model):
    dossier = models.OneToOneField(Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
                                   related_name="national_portal")
    external_id = models.CharField(_("mã trên Cổng DVC quốc gia"), max_length=64, unique=True)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("hồ sơ từ Cổng DVC quốc gia")
        verbose_name_plural = _("hồ sơ từ Cổng DVC quốc gia")
        permissions = [("submit_from_national_portal",
                        _("Nộp hồ sơ trực tuyến từ Cổng DVC quốc gia (tài khoản hệ thống)"))]

    def __str__(self) -> str:
        return f"{self.external_id} → {self.dossier_id}"


class NationalPortalEvent(models.Model):
    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
                                related_name="national_portal_events")
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64)
    payload = models.JSONField(_("nội dung gửi"))
    status = models.CharField(_("trạng thái gửi"), max_length=16, choices=OutboxStatus.choices,
                              default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), default=timezone.now)
    claimed_at = models.DateTimeField(_("nhận gửi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi lần cuối"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi được lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đồng bộ trạng thái lên Cổng DVC quốc gia")
        verbose_name_plural = _("đồng bộ trạng thái lên Cổng DVC quốc gia")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="interop_due"),
            models.Index(fields=["dossier", "id"], name="interop_dossier_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OutboxStatus.values),
                                   name="interop_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=OutboxStatus.SENT) | Q(sent_at__isnull=False),
                name="interop_sent_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_code} {self.payload.get('status', '')} ({self.status})"
