"""Staff reads of a dossier's personal data (xem dữ liệu cá nhân) and their access log.

Reading a dossier's detail shows the applicant's personal data, and who looked at whose data,
when and through which channel must be provable afterwards. Until now every read wrote a
``dossier.viewed`` event into the dossier's hash chain (``services.dossier_mark_viewed``): a
write transaction that locks the dossier row and the chain, reads the previous hash and appends.
On SQLite that serialised every lookup behind the single write lock, and the staff lookup ran at
an eighth of the speed of a plain indexed select.

The log of reads is now ``audit.AccessLog``, written here:

* **One small transaction of its own, no dossier lock.** A read changes nothing in the dossier,
  so it has no place in the dossier's chain of changes and needs neither the row lock nor the
  chain lock. ``audit.services.access_record`` takes the access log's next gap-free number and
  writes the row with its keyed MAC (two statements), so edits, insertions and deletions are
  found by ``motcua audit verify`` (docs/security.md).
* **At most one row per officer, dossier, channel and client address per window**
  (``MOTCUA_VIEW_LOG_WINDOW_SECONDS``, default 300 s; 0 logs every read). An officer who keeps a
  dossier open and reloads it is one access, not twenty. The window is remembered in Django's
  cache, so with the default per-process cache each worker process remembers its own reads:
  a read can be logged once per worker and window, never less than once. The row is written
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

from motcua.audit.models import AccessLog
from motcua.audit.services import access_record
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


def record_view(*, actor, dossier: Dossier | int, channel: str, ip: str | None = None,
                at: dt.datetime | None = None) -> AccessLog | None:
    """Log that ``actor`` was shown ``dossier``'s personal data; None when already logged for
    the same actor, dossier, channel and address within ``MOTCUA_VIEW_LOG_WINDOW_SECONDS``.
    ``dossier`` may be its id (the conditional lookup's 304 loads no dossier).

    Call it before the data leaves the server: when the insert fails the read fails with it.
    """
    if actor is None or getattr(actor, "pk", None) is None:
        raise ValueError("record_view needs the officer who reads the dossier")
    window = int(settings.MOTCUA_VIEW_LOG_WINDOW_SECONDS)
    key = _window_key(actor=actor, dossier=dossier, channel=channel, ip=ip) if window > 0 else ""
    if key and _seen_recently(key):
        return None
    # From an id, a model instance is built only to write the row (once per window): building
    # one of ~60 fields cost more than the rest of a 304.
    row = access_record(dossier=Dossier(pk=dossier) if isinstance(dossier, int) else dossier,
                        actor=actor, at=at or timezone.now(), channel=channel,
                        ip=ip)
    if key:
        _remember(key, window)
    return row


def record_list(*, actor, dossiers, channel: str, ip: str | None = None,
                at: dt.datetime | None = None) -> int:
    """Log a list or search page that shows applicants' names (personal data): one read per
    dossier shown, with the window of ``record_view``, in one INSERT whatever the page size.
    Returns the number of rows written.

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
    AccessLog.objects.bulk_create([
        AccessLog(dossier_id=d.pk, actor=actor, at=when, channel=channel, ip=ip or None)
        for d in fresh
    ])
    if window > 0 and fresh:
        try:
            cache.set_many({keys[d.pk]: 1 for d in fresh}, timeout=window)
        except Exception:
            log.warning("access log: cache unavailable, window not remembered", exc_info=True)
    return len(fresh)


def loaded_unit_ids(dossier: Dossier) -> set[int]:
    """``permissions.dossier_unit_ids`` from a dossier loaded by ``dossier_for_view`` (its steps
    are prefetched): no query."""
    ids = {dossier.receiving_unit_id, dossier.competent_unit_id, dossier.current_unit_id}
    return ids | {step.unit_id for step in dossier.steps.all()}


def access_log(*, dossier: Dossier):
    """Who looked at this dossier's personal data, oldest first."""
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
