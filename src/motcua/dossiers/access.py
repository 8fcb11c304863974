"""Staff reads of a dossier's personal data (xem dữ liệu cá nhân) and their access log.

Reading a dossier's detail shows the applicant's personal data, and who looked at whose data,
when and through which channel must be provable afterwards. Until now every read wrote a
``dossier.viewed`` event into the dossier's hash chain (``services.dossier_mark_viewed``): a
write transaction that locks the dossier row and the chain, reads the previous hash and appends.
On SQLite that serialised every lookup behind the single write lock, and the staff lookup ran at
an eighth of the speed of a plain indexed select.

The log of reads is ``audit.AccessLog``, written here:

* **Spooled before the answer, written in batches, never lost.** A read is appended to this
  process's spool file (``audit.spool``: one ``write()`` before the answer, so it survives the
  worker being killed the moment after) and moved into ``AccessLog`` by a flusher in batches:
  one transaction, one multi-row INSERT, each row with its gap-free number and keyed MAC
  (``audit.services.access_write``), so edits, insertions and deletions are found by
  ``motcua audit verify`` (docs/security.md). No database write on the read path. A read is in
  the table within ``MOTCUA_ACCESS_SPOOL_FLUSH_SECONDS`` (its worker's flusher thread), at its
  worker's exit, or at the scheduler's next minute if the worker died; ``access_log`` and
  ``motcua audit verify`` flush first. ``MOTCUA_ACCESS_SPOOL_DIR`` empty: written before the
  answer, one small transaction per read or page.
* **No dossier lock.** A read changes nothing in the dossier, so it has no place in the
  dossier's chain of changes and needs neither the row lock nor the chain lock.
* **At most one row per officer, dossier, channel and client address per window**
  (``MOTCUA_VIEW_LOG_WINDOW_SECONDS``, default 300 s; 0 logs every read). An officer who keeps a
  dossier open and reloads it is one access, not twenty. The window is remembered in Django's
  cache, so with the default per-process cache each worker process remembers its own reads:
  a read can be logged once per worker and window, never less than once. The entry is spooled
  before the window is remembered, so a failed write or an unavailable cache can only add a
  row, never lose one.

Changes of a dossier stay in the hash-chained audit log; this module only records reads.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.audit import spool
from motcua.audit.context import normalise_ip
from motcua.audit.models import AccessLog
from motcua.core.errors import NotAllowed
from motcua.core.orm_speed import CompiledQuery, seed_related
from motcua.dossiers import permissions
from motcua.dossiers.models import Dossier, DossierDocument, DossierStep, StatusChange

log = logging.getLogger(__name__)

API = "api"
WEB = "web"


def _window_key(*, actor, dossier: Dossier | int, channel: str, ip: str | None) -> str:
    pk = dossier if isinstance(dossier, int) else dossier.pk
    return f"motcua:viewed:{channel}:{actor.pk}:{pk}:{ip or '-'}"


def _seen_recently(key: str) -> bool:
    try:
        return cache.get(key) is not None
    except Exception:  # an unavailable cache must not cost a log row
        log.warning("access log: cache unavailable, logging the read", exc_info=True)
        return False


def _remember(key: str, window: int) -> None:
    try:
        cache.set(key, 1, timeout=window)
    except Exception:
        log.warning("access log: cache unavailable, window not remembered", exc_info=True)


def _entry(*, actor, dossier_id: int, channel: str, ip: str | None, at: dt.datetime) -> dict:
    return {"dossier_id": dossier_id, "actor_id": actor.pk, "at": at, "channel": channel,
            "ip": normalise_ip(ip)}


def record_view(*, actor, dossier: Dossier | int, channel: str, ip: str | None = None,
                at: dt.datetime | None = None) -> dict | None:
    """Log that ``actor`` was shown ``dossier``'s personal data: the spooled entry, or None when
    already logged for the same actor, dossier, channel and address within
    ``MOTCUA_VIEW_LOG_WINDOW_SECONDS``. ``dossier`` may be its id (the conditional lookup's 304
    loads no dossier).

    Call it before the data leaves the server: when the entry cannot be written the read fails
    with it.
    """
    if actor is None or getattr(actor, "pk", None) is None:
        raise ValueError("record_view needs the officer who reads the dossier")
    window = int(settings.MOTCUA_VIEW_LOG_WINDOW_SECONDS)
    key = _window_key(actor=actor, dossier=dossier, channel=channel, ip=ip) if window > 0 else ""
    if key and _seen_recently(key):
        return None
    entry = _entry(actor=actor, dossier_id=dossier if isinstance(dossier, int) else dossier.pk,
                   channel=channel, ip=ip, at=at or timezone.now())
    spool.append([entry])
    if key:
        _remember(key, window)
    return entry


def record_list(*, actor, dossiers, channel: str, ip: str | None = None,
                at: dt.datetime | None = None) -> int:
    """Log a list or search page that shows applicants' names (personal data): one read per
    dossier shown, with the window of ``record_view``, in one spool write whatever the page
    size. Returns the number of entries logged.

    Logged like a detail read on purpose: "who saw this applicant's name" must find the
    officer who searched for it, and the window keeps paging back and forth to one row each.
    """
    if actor is None or getattr(actor, "pk", None) is None:
        raise ValueError("record_list needs the officer who reads the list")
    dossiers = [d for d in dossiers if d.pk is not None]
    if not dossiers:
        return 0
    window = int(settings.MOTCUA_VIEW_LOG_WINDOW_SECONDS)
    keys = {d.pk: _window_key(actor=actor, dossier=d, channel=channel, ip=ip) for d in dossiers}
    seen: dict = {}
    if window > 0:
        try:
            seen = cache.get_many(list(keys.values()))
        except Exception:  # an unavailable cache must not cost a log row
            log.warning("access log: cache unavailable, logging the reads", exc_info=True)
    when = at or timezone.now()
    fresh = [d for d in dossiers if keys[d.pk] not in seen]
    spool.append([_entry(actor=actor, dossier_id=d.pk, channel=channel, ip=ip, at=when)
                  for d in fresh])
    if window > 0 and fresh:
        try:
            cache.set_many({keys[d.pk]: 1 for d in fresh}, timeout=window)
        except Exception:
            log.warning("access log: cache unavailable, window not remembered", exc_info=True)
    return len(fresh)


def flush_pending() -> int:
    """Move the spooled reads that no live process holds, this process's own included, into
    the access log (``audit.spool.flush``); the rows written."""
    return spool.flush()


def loaded_unit_ids(dossier: Dossier) -> set[int]:
    """``permissions.dossier_unit_ids`` from a dossier loaded by ``dossier_for_view`` (its steps
    are prefetched): no query."""
    ids = {dossier.receiving_unit_id, dossier.competent_unit_id, dossier.current_unit_id}
    return ids | {step.unit_id for step in dossier.steps.all()}


def access_log(*, dossier: Dossier):
    """Who looked at this dossier's personal data, oldest first. Flushes the spool first: what
    this process and dead ones spooled is in; a read still in another live worker's spool
    arrives within ``MOTCUA_ACCESS_SPOOL_FLUSH_SECONDS``."""
    flush_pending()
    return AccessLog.objects.filter(dossier=dossier).select_related("actor").order_by("at", "id")


def dossier_for_view(*, user, code: str) -> Dossier:
    """One dossier by code with everything its detail shows, in four queries whatever the
    number of steps and changes: the dossier and its units, its steps, then (only once the user
    may see it) its history and documents.

    Dossier.DoesNotExist if absent; NotAllowed (``unit_not_allowed``) when the user may not
    see it, as ``selectors.dossier_get``.
    """
    alias = router.db_for_read(Dossier)
    found = _BY_CODE.objects(alias, code)
    if not found:
        raise Dossier.DoesNotExist(f"no dossier {code!r}")
    dossier = found[0]
    _seed_children(dossier, "steps", _STEPS.objects(alias, dossier.pk))
    if not _can_view(user, dossier):
        raise NotAllowed("unit_not_allowed", _('Bạn không có quyền xem hồ sơ này.'))
    _seed_children(dossier, "status_changes", _HISTORY.objects(alias, dossier.pk))
    _seed_children(dossier, "documents", _DOCUMENTS.objects(alias, dossier.pk))
    return dossier


def _seed_children(dossier: Dossier, name: str, rows: list) -> None:
    # As prefetch_related leaves them: the list on the dossier, the dossier on each row.
    for row in rows:
        row.dossier = dossier
    seed_related(dossier, {name: rows})


def _columns(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields]


_RELATED = ("procedure_version__procedure", "field", "receiving_unit", "competent_unit",
            "current_unit", "holder")
_DOSSIER_COLUMNS = _columns(Dossier)
# Of the related rows only what the detail shows: a procedure version alone has 26 columns,
# its legal texts among them; converting the unused ones was a quarter of the dossier query.
_RELATED_COLUMNS = (
    "procedure_version__name", "procedure_version__procedure__code", "field__code",
    "receiving_unit__code", "competent_unit__code", "current_unit__code", "holder__username",
)


# The four reads of the detail, compiled once per process (``core.orm_speed.CompiledQuery``):
# the ORM's compile step cost more than running them, a third of a lookup. Each is the
# queryset ``prefetch_related`` would run, with the same columns and order.
_NO_ID = -1
_BY_CODE = CompiledQuery(
    lambda alias, code: Dossier.objects.using(alias).select_related(*_RELATED)
    .only(*_DOSSIER_COLUMNS, *_RELATED_COLUMNS).filter(code=code), "")
_STEPS = CompiledQuery(
    lambda alias, pk: DossierStep.objects.using(alias).select_related("unit")
    .only(*_columns(DossierStep), "unit__code").filter(dossier_id=pk), _NO_ID)
_HISTORY = CompiledQuery(
    lambda alias, pk: StatusChange.objects.using(alias).select_related("actor")
    .only(*_columns(StatusChange), "actor__username").filter(dossier_id=pk), _NO_ID)
_DOCUMENTS = CompiledQuery(
    lambda alias, pk: DossierDocument.objects.using(alias).filter(dossier_id=pk), _NO_ID)


def _can_view(user, dossier: Dossier) -> bool:
    """``permissions.can_view_dossier``, answered from the steps already loaded for the response
    instead of one more query for their units (tests/dossiers/test_lookup_queries.py checks the
    two agree)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    units = permissions.staff_units(user)
    if units & {dossier.receiving_unit_id, dossier.competent_unit_id, dossier.current_unit_id}:
        return True
    return any(step.unit_id in units for step in dossier.steps.all())
