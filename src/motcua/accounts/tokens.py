"""API tokens: issue, check, revoke (mã truy cập API).

One owner for how a token looks and is stored: the plain key is ``secrets.token_urlsafe(32)``,
the database holds ``sha256(key)``. Authentication is one indexed query by hash (the staff
lookup is benchmarked), plus an occasional ``last_used_at`` write at most once an hour.

**Cached per process** (``authenticate``): the token, its user and the user's memberships are
kept per key hash, each entry stamped with the ``accounts.CacheGeneration`` number it was read
at. Database triggers raise that number on every revocation, expiry change, deactivation,
password or superuser change and membership change, whoever writes (the admin, a service, a
bulk ``update()``, the SQL prompt). A cached entry is used only while the number it was read at
is the current one, the token has not expired, the day is the same (memberships are dated) and
it is younger than ``MOTCUA_AUTH_CACHE_SECONDS`` (a safety net if the triggers were ever
dropped). The number is read on every request: a tiny query by primary key, or, for the staff
lookup, inside the dossier's own query (``confirm``). So a change is honoured by the next
request in every gunicorn worker; see docs/security.md ("Cached sign-ins").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import ApiToken, CacheGeneration, TokenKind
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
    """The live token with this key, its user loaded in the same query; None otherwise. Not
    cached: ``authenticate`` is the cached way in."""
    return _read_token(hash_key(key), timezone.now())


def _read_token(key_hash: str, now: dt.datetime) -> ApiToken | None:
    found = _LIVE_TOKEN.objects(router.db_for_read(ApiToken), key_hash, now)
    token = found[0] if found else None
    if token is not None:
        _touch(token, now)
    return token


def _touch(token: ApiToken, now: dt.datetime) -> None:
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# ----------------------------------------------------------------------------- the cache

GENERATION_SQL = (f'SELECT "value" FROM "{CacheGeneration._meta.db_table}" '
                  f"WHERE id = {CacheGeneration.ROW}")


def current_generation(alias: str | None = None) -> int | None:
    """The change counter now. Its row is written by the migration; a database emptied since
    (``flush``, a test database between transactional tests) gets it back here."""
    alias = alias or router.db_for_read(CacheGeneration)
    with connections[alias].cursor() as cursor:
        cursor.execute(GENERATION_SQL)
        row = cursor.fetchone()
    if row is None:
        return restore_generation()
    return int(row[0])


def restore_generation() -> int | None:
    """Write the counter's row when it is missing, at a value (the clock in nanoseconds) past
    any the lost row can have reached, so that no entry or ETag stamped before the loss
    matches again. None if it cannot be written (a read-only replica): then nothing is cached
    and no ETag is sent."""
    try:
        with transaction.atomic():
            # Past any value a worker may still hold from before the row was lost.
            row, _ = CacheGeneration.objects.get_or_create(
                pk=CacheGeneration.ROW, defaults={"value": time.time_ns()})
        return int(row.value)
    except Exception:  # noqa: BLE001 - no counter: nothing is cached, no ETag is sent
        return None


@dataclass
class _Entry:
    token: ApiToken  # with .user loaded
    memberships: tuple[tuple[int, str], ...]
    generation: int
    day: dt.date
    stored: float  # time.monotonic()

    def usable(self, now: dt.datetime, ttl: float) -> bool:
        return (self.token.expires_at > now and self.day == timezone.localdate(now)
                and time.monotonic() - self.stored < ttl)

    def issue(self, *, unchecked: bool) -> ApiToken:
        # Copies: a request sets attributes on its user (OTP device, per-request caches);
        # the cached objects are never handed out.
        token = _clone(self.token)
        user = _clone(self.token.user)
        user._motcua_memberships = list(self.memberships)
        token.user = user
        _stamp(token, self.generation, unchecked=unchecked)
        return token


def _clone(instance):
    """A copy of a loaded model instance with its own state and no cached relations: what
    ``copy.copy`` gives, at a fraction of its cost (it goes through pickling's protocol)."""
    clone = instance.__class__.__new__(instance.__class__)
    clone.__dict__.update(instance.__dict__)
    state = ModelState()
    state.db, state.adding = instance._state.db, False
    clone._state = state
    return clone


_CACHE: dict[str, _Entry] = {}
_CACHE_MAX = 10_000


def _ttl() -> float:
    return float(getattr(settings, "MOTCUA_AUTH_CACHE_SECONDS", 60))


def authenticate(key: str, *, deferred: bool = False) -> ApiToken | None:
    """The live token with this key, its user with their memberships loaded; None otherwise.

    From the process's cache when its entry was read at the current change counter (read
    here: one query by primary key). ``deferred``: the caller reads the counter itself in its
    own first query and calls ``confirm`` before anything leaves the server (the staff
    lookup); the token is then marked unchecked.
    """
    from motcua.org.permissions import memberships

    key_hash = hash_key(key)
    now = timezone.now()
    ttl = _ttl()
    entry = _CACHE.get(key_hash) if ttl > 0 else None
    generation = None
    if entry is not None and entry.usable(now, ttl):
        if deferred:
            token = entry.issue(unchecked=True)
            _touch_cached(entry, token, now)
            return token
        generation = current_generation()
        if generation is not None and generation == entry.generation:
            token = entry.issue(unchecked=False)
            _touch_cached(entry, token, now)
            return token
    _CACHE.pop(key_hash, None)
    # The counter before the rows: a change committed in between raises it past the number
    # the entry is stamped with, so the entry is never newer than it claims.
    if generation is None and ttl > 0:
        generation = current_generation()
    read = _read_token(key_hash, now)
    if read is None:
        return None
    token = read
    mine = tuple(memberships(token.user)) if token.user.is_active else ()
    if generation is not None:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        cached = _clone(token)
        cached.user = _clone(token.user)
        _CACHE[key_hash] = _Entry(cached, mine, generation, timezone.localdate(now),
                                  time.monotonic())
    _stamp(token, generation, unchecked=False)
    return token


def _stamp(token: ApiToken, generation: int | None, *, unchecked: bool) -> None:
    # Per-request marks on the token (``confirm``); not model fields.
    setattr(token, "_motcua_generation", generation)  # noqa: B010
    setattr(token, "_motcua_unchecked", unchecked)  # noqa: B010


def _touch_cached(entry: _Entry, token: ApiToken, now: dt.datetime) -> None:
    before = token.last_used_at
    _touch(token, now)
    if token.last_used_at != before:
        entry.token.last_used_at = token.last_used_at


def confirm(token, generation: int | None) -> bool:
    """True when ``token`` (``request.auth``) may be trusted at ``generation``, the counter the
    caller read in its own query: not a token from a deferred cache hit, or one stamped with
    that number. False: the caller authenticates again (``forget`` first)."""
    if not getattr(token, "_motcua_unchecked", False):
        return True
    if generation is not None and generation == token._motcua_generation:
        token._motcua_unchecked = False
        return True
    return False


def generation_of(token) -> int | None:
    """The change counter this request's sign-in with ``token`` was checked at (read during
    this request), for a caller keeping its own per-process entries at that number; None when
    there is none (a deferred, unconfirmed sign-in, no cache, another authentication)."""
    if token is None or getattr(token, "_motcua_unchecked", True):
        return None
    return getattr(token, "_motcua_generation", None)


def unconfirmed(token) -> bool:
    """A token from a deferred cache hit, not confirmed yet (``confirm``)."""
    return bool(getattr(token, "_motcua_unchecked", False))


def forget(key_hash: str | None = None) -> None:
    """Drop one cached key (by hash) or, without one, the whole cache of this process."""
    if key_hash is None:
        _CACHE.clear()
    else:
        _CACHE.pop(key_hash, None)
