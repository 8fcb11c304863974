"""Append-only audit log (nhật ký hệ thống) and access log, protected by a keyed MAC.

Every service writes one event in its own transaction. Each event carries
* its place in its chain (a dossier's code, or "system", "catalog", ...: ``chain``/``seq``) and
  in the whole log (``gseq``, gap-free over every event),
* ``hash``: HMAC-SHA256 under the key ``key_id`` (held outside the database, ``audit.keys``)
  over every stored field and the MAC of the previous event of its chain (``prev_hash``).
``AuditHead`` hands out the gap-free numbers; ``AuditCheckpoint`` rows periodically seal the
head of the log and of every chain changed since the previous checkpoint, so deleting the last
event of a chain, a whole chain or the newest events is detected by ``motcua audit verify``.
How and why: docs/security.md, "Audit trail".
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk writes that would change written rows raise too (``update``, ``delete``,
    ``bulk_update``); the database refuses them as well (migration 0006's triggers)."""

    def _refuse(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    update = delete = bulk_update = _refuse


class AppendOnly(models.Model):
    """A row is written once: saving it again or deleting it raises ``AppendOnlyError``."""

    objects = AppendOnlyQuerySet.as_manager()

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
    # Gap-free position over the whole log (None only while migration 0004 runs).
    gseq = models.BigIntegerField(_("số thứ tự toàn nhật ký"), null=True, unique=True)
    key_id = models.CharField(_("khóa ký"), max_length=16, blank=True)
    # MAC of the previous event of the chain, and this event's MAC (HMAC-SHA256, hex).
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
    # Gap-free number over the access log and the row's MAC over all its fields (as AuditEvent).
    seq = models.BigIntegerField(_("số thứ tự"), null=True, unique=True)
    key_id = models.CharField(_("khóa ký"), max_length=16, blank=True)
    mac = models.CharField(max_length=64, blank=True)

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


class AuditHead(models.Model):
    """The last number handed out in one log ("events", "access") and the key that wrote it.

    Bumping this row is what serialises writers (the row lock is held until commit, so numbers
    are gap-free even when a transaction rolls back) and tells ``verify`` how far the log
    reached, so deleting the newest rows without also fixing this row is detected.
    """

    EVENTS = "events"
    ACCESS = "access"

    name = models.CharField(max_length=16, primary_key=True)
    seq = models.BigIntegerField(default=0)
    key_id = models.CharField(max_length=16, blank=True)
    prev_key_id = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("đầu nhật ký")
        verbose_name_plural = _("đầu nhật ký")

    def __str__(self) -> str:
        return f"{self.name} #{self.seq}"


class AuditCheckpoint(AppendOnly):
    """A sealed record of where the logs stood (điểm niêm phong nhật ký).

    ``heads`` maps each chain changed since the previous checkpoint to ``[seq, mac]`` of its
    last event; ``heads_root`` is the Merkle root over them, so one dossier's evidence can prove
    its chain's head with a short path instead of every other chain. Checkpoints are numbered
    without gaps and chained by ``prev_mac``; ``mac`` covers every other field.
    """

    number = models.PositiveIntegerField(_("số"), unique=True)
    at = models.DateTimeField(_("thời điểm"))
    key_id = models.CharField(_("khóa ký"), max_length=16)
    events_gseq = models.BigIntegerField(default=0)
    events_mac = models.CharField(max_length=64, blank=True)
    access_seq = models.BigIntegerField(default=0)
    access_mac = models.CharField(max_length=64, blank=True)
    heads = models.JSONField(default=dict)
    heads_root = models.CharField(max_length=64, blank=True)
    prev_mac = models.CharField(max_length=64, blank=True)
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("điểm niêm phong nhật ký")
        verbose_name_plural = _("điểm niêm phong nhật ký")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.at:%d/%m/%Y %H:%M} → {self.events_gseq}/{self.access_seq}"


class AccessSpoolBatch(models.Model):
    """One spool segment moved into the access log (lô ghi nhật ký truy cập từ hàng đợi).

    Written in the same transaction as the segment's rows, under the segment's unique file
    name: a flusher that dies after the commit but before deleting the file leaves the file
    behind, and the next flusher's insert of the same name fails, so the rows are never
    written twice (``audit.spool``). Not part of the log: old markers are pruned.
    """

    name = models.CharField(max_length=200, unique=True)
    rows = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("lô nhật ký truy cập đã ghi")
        verbose_name_plural = _("lô nhật ký truy cập đã ghi")

    def __str__(self) -> str:
        return f"{self.name} ({self.rows})"
