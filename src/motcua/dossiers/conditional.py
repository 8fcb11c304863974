"""Conditional staff lookups (yêu cầu có điều kiện): ``ETag`` / ``If-None-Match`` for
``GET /api/v1/dossiers/{code}``.

A client that keeps the detail it was sent asks again with ``If-None-Match``; when nothing the
answer shows has changed it gets ``304 Not Modified`` from one small indexed query (``head``)
instead of the detail's read (``access.detail_read``) and the body. A request without
``If-None-Match`` skips the head: the detail's one statement brings the same columns and
counter, and ``head_of`` makes the same tag from them. The tag is a MAC (keyed BLAKE2b, key
derived from ``SECRET_KEY``) of everything the body depends on:

* **the dossier's version**, ``Dossier.lock_version``, which database triggers raise on every
  UPDATE of the dossier row and every write of the rows the detail shows (documents, steps,
  history, the notice hand-over; migration ``dossiers.0011``): no service can forget it;
* **the change counter** ``accounts.CacheGeneration``: codes and names shown from other tables
  (unit, field, procedure codes, usernames) and every membership/token/user change;
* **the reader**: user id, superuser flag and their memberships valid today (which shape,
  ``full`` or the courier's ``delivery``, and which ``allowed_actions``);
* **the clock**: whether the dossier is overdue now (the body shows ``overdue``, no time left);
* **the representation**: language (``status_label``), renderer (JSON or the browsable API)
  and this code's release (a hash of the modules that build the body, so a deploy that
  changes the body changes every tag).

Weak (``W/"…"``, RFC 9110 §8.8.1): the tag promises the same content, not the same bytes
(the JSON renderer, DRF's datetime format or a compression layer may change the bytes without
changing what is shown), and ``If-None-Match`` uses the weak comparison anyway (§13.1.2).

Keyed, so that a client cannot make up the tag of a dossier it was never shown: a tag that
matches was issued to this reader, with these memberships, for this version; the units that
decide who may see the dossier are part of that version, so the 304 needs no access check of
its own. The read is still logged in the access log (the officer was shown the data).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections, router
from django.http import HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language

from motcua.accounts.tokens import GENERATION_SQL, restore_generation
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import FINAL, PAUSED, PROCESSING_ENDED
from motcua.org.permissions import memberships

VARY = ("Authorization", "Accept", "Accept-Language", "Cookie")
VARY_TEXT = ", ".join(VARY)

_HERE = Path(__file__).resolve().parent
# The modules whose code decides what the detail shows.
_RELEASE_FILES = [
    _HERE / "detail_body.py", _HERE / "permissions.py", _HERE / "transitions.py",
    _HERE / "states.py", _HERE / "models.py", _HERE / "conditional.py",
    _HERE.parent / "org" / "permissions.py",
    *sorted((_HERE / "locale").glob("*/LC_MESSAGES/django.mo")),
]


@functools.cache
def release() -> str:
    import django
    import rest_framework

    digest = hashlib.sha256(f"{django.__version__}|{rest_framework.VERSION}".encode())
    for path in _RELEASE_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def _key(secret: str) -> bytes:
    return hashlib.sha256(b"motcua.dossiers.conditional|" + secret.encode()).digest()


@dataclass(frozen=True)
class Head:
    id: int
    version: int
    status: str
    past_due: bool
    generation: int | None

    @property
    def overdue(self) -> bool:
        """``Dossier.is_overdue``, from the row."""
        return self.past_due and may_be_overdue(self.status)


def may_be_overdue(status: str) -> bool:
    return status not in FINAL and status not in PROCESSING_ENDED and status not in PAUSED


_HEAD_SQL = (
    'SELECT d.id, d.lock_version, d.status, d.due_at < %s, '
    f'({GENERATION_SQL}) FROM "{Dossier._meta.db_table}" d WHERE d.code = %s'
)


def head(code: str, now) -> Head | None:
    """The dossier's id, version, status and whether its due time has passed, with the change
    counter: one indexed query (the code's unique index), no ORM."""
    alias = router.db_for_read(Dossier)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(_HEAD_SQL, [connection.ops.adapt_datetimefield_value(now), code])
        row = cursor.fetchone()
    if row is None:
        return None
    return Head(id=row[0], version=int(row[1]), status=row[2], past_due=bool(row[3]),
                generation=restore_generation() if row[4] is None else int(row[4]))


def head_of(dossier: Dossier, generation: int | None, now) -> Head:
    """The same from a loaded dossier."""
    return Head(id=dossier.pk, version=int(dossier.lock_version), status=dossier.status,
                past_due=dossier.due_at is not None and now > dossier.due_at,
                generation=generation)


def tag(request, h: Head) -> str | None:
    """The weak ETag of the detail ``request.user`` is shown of the dossier ``h``; None when the
    change counter is unknown (no tag is better than one that may not change)."""
    if h.generation is None:
        return None
    user = request.user
    renderer = getattr(request, "accepted_renderer", None)
    # One f-string: each part as str() gives it (tests/dossiers/test_conditional.py).
    message = (f"{release()}|{h.id}|{h.version}|{h.generation}|{int(h.overdue)}|{user.pk}|"
               f"{int(bool(user.is_superuser))}|{sorted(memberships(user))}|{get_language()}|"
               f"{getattr(renderer, 'format', '')}")
    # Keyed BLAKE2b: a MAC in one pass (cheaper than HMAC-SHA256's two).
    digest = hashlib.blake2b(message.encode(), key=_key(settings.SECRET_KEY), digest_size=16)
    return f'W/"{digest.hexdigest()}"'


def _opaque(etag: str) -> str:
    return etag[2:] if etag.startswith("W/") else etag


def wanted(request) -> list[str]:
    """The tags of ``If-None-Match`` (``["*"]`` for any)."""
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    return parse_etags(header) if header else []


def matches(request, etag: str | None, *, star: bool = False) -> bool:
    """Weak comparison (RFC 9110 §8.8.3.2). ``*`` matches only when ``star``: the caller has
    checked that the reader may see the dossier."""
    if etag is None:
        return False
    tags = wanted(request)
    if "*" in tags:
        return star
    mine = _opaque(etag)
    return any(_opaque(t) == mine for t in tags)


def decorate(request, response, etag: str | None):
    """The validator and ``Vary``, the same on the 200 and the 304 (RFC 9110 §15.4.5).
    ``Cache-Control`` stays the staff responses' ``no-store``
    (``core.edge.NoStoreForStaffMiddleware``; personal data is not kept in HTTP caches): a
    client that keeps the answer in its own storage revalidates with the tag all the same."""
    if etag is not None:
        response["ETag"] = etag
    if response.has_header("Vary"):
        patch_vary_headers(response, VARY)
    else:
        # What patch_vary_headers writes on a response without Vary, without parsing it.
        response.headers["Vary"] = VARY_TEXT
    return response


def not_modified(request, etag: str | None):
    return decorate(request, HttpResponseNotModified(), etag)


def now():
    return timezone.now()
