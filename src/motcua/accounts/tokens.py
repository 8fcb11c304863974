"""API tokens: issue, check, revoke (mã truy cập API).

One owner for how a token looks and is stored: the plain key is ``secrets.token_urlsafe(32)``,
the database holds ``sha256(key)``. Authentication is one indexed query by hash (the staff
lookup is benchmarked), plus an occasional ``last_used_at`` write at most once an hour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import ApiToken, TokenKind
from motcua.audit.services import audit_record
from motcua.core.errors import InvalidInput
from motcua.core.orm_speed import CompiledQuery

CHAIN = "accounts"
_LAST_USED_GRANULARITY = dt.timedelta(hours=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, user, name: str, actor, days: int | None = None,
                kind: str = TokenKind.STAFF) -> tuple[ApiToken, str]:
    """A new token for ``user`` on the device ``name``; returns the row and the plain key,
    which is never stored and cannot be shown again. ``kind``: a staff token, or a citizen's
    (mã truy cập của công dân, issued by the citizen API's sign-in only)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("token_name_required", _('Cần đặt tên thiết bị cho mã truy cập.'),
                           field="name")
    if len(name) > 100:
        raise InvalidInput("token_name_too_long", _('Tên thiết bị tối đa 100 ký tự.'), field="name")
    days = settings.MOTCUA_API_TOKEN_DAYS if days is None else days
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, kind=kind, key_hash=hash_key(key), prefix=key[:8],
            created_at=now, expires_at=now + dt.timedelta(days=days),
            # "Last used" starts at creation, so the first requests need no write.
            last_used_at=now,
        )
        audit_record(actor=actor, event_type="token.issued", chain=CHAIN, obj=token,
                     data={"user": user.username, "name": name, "kind": kind,
                           "expires_at": token.expires_at.isoformat()})
    return token, key


def token_revoke(*, token: ApiToken, actor) -> None:
    """Revoke one token (thu hồi); revoking twice is harmless."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            audit_record(actor=actor, event_type="token.revoked", chain=CHAIN, obj=token,
                         data={"user": token.user.username, "name": token.name})


def tokens_revoke_all(*, user, actor) -> int:
    """Revoke every live token of ``user`` (log out everywhere)."""
    with transaction.atomic():
        count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if count:
            audit_record(actor=actor, event_type="token.revoked_all", chain=CHAIN,
                         data={"user": user.username, "count": count})
    return count


# Every API request reads its token: compiled once per process (``core.orm_speed``), as the
# ORM's compile step cost more than the read. Placeholders: no key hashes to "", no token
# expires in year 2.
_LIVE_TOKEN = CompiledQuery(
    lambda alias, key_hash, now: ApiToken.objects.using(alias).select_related("user")
    .filter(key_hash=key_hash, revoked_at__isnull=True, expires_at__gt=now).order_by("pk")[:1],
    "", dt.datetime(2, 1, 1, tzinfo=dt.UTC),
)


def token_for_key(key: str) -> ApiToken | None:
    """The live token with this key, its user loaded in the same query; None otherwise."""
    now = timezone.now()
    found = _LIVE_TOKEN.objects(router.db_for_read(ApiToken), hash_key(key), now)
    token = found[0] if found else None
    if token is not None and (
        token.last_used_at is None or now - token.last_used_at > _LAST_USED_GRANULARITY
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
