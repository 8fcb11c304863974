"""Append-only audit log (nhật ký hệ thống), hash-chained per chain.

Every service writes one event in its own transaction. Each row carries the hash of the
previous row of its chain (a dossier's code, or "system"), so an edited or deleted row breaks
the chain and ``motcua audit verify`` finds it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AppendOnly(models.Model):
    """A row is written once: saving it again or deleting it raises ``AppendOnlyError``."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")


class AuditEvent(AppendOnly):
    chain = models.CharField(_("chuỗi"), max_length=64, db_index=True)
    seq = models.PositiveIntegerField(_("số thứ tự trong chuỗi"))
    event_type = models.CharField(_("loại sự kiện"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_label = models.CharField(_("người thực hiện (tên)"), max_length=255, blank=True)
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    channel = models.CharField(_("kênh"), max_length=32, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="audit_events", db_constraint=False,
    )
    object_type = models.CharField(_("đối tượng"), max_length=64, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_unique_chain_seq")
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.event_type} {self.chain}"


class AccessLog(AppendOnly):
    """A staff read of a dossier's personal data (nhật ký truy cập dữ liệu cá nhân).

    Who looked at whose data, when and through which channel. Kept apart from ``AuditEvent``
    on purpose: a read changes nothing, so it needs no place in the dossier's hash chain, and
    chaining it would make every read a serialised write (chain lock, previous-hash read) —
    that made the staff lookup ~8x slower than a plain select. A row here is one plain
    INSERT. Append-only like the audit log; writes go through ``motcua.dossiers.access``.
    """

    # No database constraint, as for AuditEvent: on PostgreSQL a foreign key check takes a
    # share lock on the dossier row, so a read would queue behind a service holding it.
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT,
        related_name="access_logs", db_constraint=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người xem"), on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"))
    channel = models.CharField(_("kênh"), max_length=16)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt xem dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký xem dữ liệu cá nhân")
        ordering = ["id"]
        indexes = [
            # "Who looked at this dossier" and "what did this officer look at", by time.
            models.Index(fields=["dossier", "at"], name="access_dossier_at"),
            models.Index(fields=["actor", "at"], name="access_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.channel} {self.actor_id} → {self.dossier_id}"
