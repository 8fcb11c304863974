"""Accounts: API tokens (mã truy cập API) stored hashed, one per named device.

The plain token is shown once, when it is issued; the database keeps its SHA-256 only. A token
is 32 random bytes, so a fast hash is enough (nothing to brute-force), and it lets a request be
authenticated with one indexed lookup by hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenKind(models.TextChoices):
    """Whose token it is: a staff member's device, or a citizen's mobile app. The staff API
    refuses a citizen token and the citizen API a staff token (``accounts.authentication``)."""

    STAFF = "staff", _("Cán bộ")
    CITIZEN = "citizen", _("Công dân (ứng dụng di động)")


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("tên thiết bị"), max_length=100)
    kind = models.CharField(_("loại mã"), max_length=8, choices=TokenKind.choices,
                            default=TokenKind.STAFF)
    key_hash = models.CharField(_("băm SHA-256 của mã"), max_length=64, unique=True)
    # The first characters, to tell tokens apart in lists without being able to use them.
    prefix = models.CharField(_("đầu mã"), max_length=8)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=TokenKind.values),
                                   name="api_token_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class CacheGeneration(models.Model):
    """The change counter of cached sign-ins and answers (số thế hệ của bộ nhớ đệm): one row,
    raised by database triggers whenever a token is revoked, expires differently or is deleted,
    a user is deactivated or changes password, superuser flag or username, a membership is
    added, changed or removed, and when a unit, field or procedure code shown in a dossier's
    detail changes (migrations ``accounts.0004`` and ``dossiers.0011``).

    Each request reads it (the staff lookup in the same query as the dossier): a per-process
    cache entry or an ``ETag`` built at another number is not used. Triggers, not signals:
    ``update()``, loaders and the SQL prompt raise it too.
    """

    ROW = 1

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("thế hệ bộ nhớ đệm")
        verbose_name_plural = _("thế hệ bộ nhớ đệm")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="cache_generation_one_row")]
