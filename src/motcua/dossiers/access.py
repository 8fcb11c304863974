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
import functools
import json
import logging
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.tokens import restore_generation
from motcua.audit import spool
from motcua.audit.context import normalise_ip
from motcua.audit.models import AccessLog
from motcua.core.errors import NotAllowed
from motcua.core.orm_speed import loaded_instance
from motcua.dossiers import permissions
from motcua.dossiers.detail_body import Change, DetailRecord, Document, Step
from motcua.dossiers.models import Dossier, DossierDocument, DossierStep, StatusChange

log = logging.getLogger(__name__)

API = "api"
WEB = "web"


def _window_key(*, actor, dossier: Dossier | int, channel: str, ip: str | None) -> str:
    pk = dossier if isinstance(dossier, int) else dossier.pk
    return _window_keys(actor=actor, ids=[pk], channel=channel, ip=ip)[0]


def _window_keys(*, actor, ids, channel: str, ip: str | None) -> list[str]:
    """The window key of each dossier id, for one officer, channel and address."""
    head, tail = f"motcua:viewed:{channel}:{actor.pk}:", f":{ip or '-'}"
    return [f"{head}{pk}{tail}" for pk in ids]


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
    return _entries(actor=actor, ids=[dossier_id], channel=channel, ip=ip, at=at)[0]


def _entries(*, actor, ids, channel: str, ip: str | None, at: dt.datetime) -> list[dict]:
    """The log entry of each dossier id read by one officer at ``at``."""
    actor_id, address = actor.pk, normalise_ip(ip)
    return [{"dossier_id": pk, "actor_id": actor_id, "at": at, "channel": channel,
             "ip": address} for pk in ids]


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
    # The officer's part of the keys and the address normalised once for the page, not per
    # dossier (``_window_keys``, ``_entries``).
    ids = [d.pk for d in dossiers]
    keys = _window_keys(actor=actor, ids=ids, channel=channel, ip=ip)
    seen: dict = {}
    if window > 0:
        try:
            seen = cache.get_many(keys)
        except Exception:  # an unavailable cache must not cost a log row
            log.warning("access log: cache unavailable, logging the reads", exc_info=True)
    when = at or timezone.now()
    fresh = [(pk, key) for pk, key in zip(ids, keys, strict=True) if key not in seen]
    spool.append(_entries(actor=actor, ids=[pk for pk, _key in fresh], channel=channel, ip=ip,
                          at=when))
    if window > 0 and fresh:
        try:
            cache.set_many(dict.fromkeys((key for _pk, key in fresh), 1), timeout=window)
        except Exception:
            log.warning("access log: cache unavailable, window not remembered", exc_info=True)
    return len(fresh)


def flush_pending() -> int:
    """Move the spooled reads that no live process holds, this process's own included, into
    the access log (``audit.spool.flush``); the rows written."""
    return spool.flush()


def access_log(*, dossier: Dossier):
    """Who looked at this dossier's personal data, oldest first. Flushes the spool first: what
    this process and dead ones spooled is in; a read still in another live worker's spool
    arrives within ``MOTCUA_ACCESS_SPOOL_FLUSH_SECONDS``."""
    flush_pending()
    return AccessLog.objects.filter(dossier=dossier).select_related("actor").order_by("at", "id")


def dossier_for_view(*, user, code: str) -> DetailRecord:
    """One dossier by code with everything its detail shows (``detail_read``: one statement).

    Dossier.DoesNotExist if absent; NotAllowed (``unit_not_allowed``) when the user may not
    see it, as ``selectors.dossier_get``.
    """
    record = detail_read(code)
    if record is None:
        raise Dossier.DoesNotExist(f"no dossier {code!r}")
    if not can_view(user, record):
        raise NotAllowed("unit_not_allowed", _('Bạn không có quyền xem hồ sơ này.'))
    return record


def can_view(user, record: DetailRecord) -> bool:
    """``permissions.can_view_dossier``, answered from the steps read with the dossier instead
    of one more query for their units (tests/dossiers/test_lookup_queries.py checks the two
    agree)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(permissions.staff_units(user) & record.unit_ids())


# ----------------------------------------------------------------------------- the one read

# The dossier's columns the detail shows or its permissions read (``detail_body``,
# ``permissions.allowed_actions``); the others stay deferred (never read by the detail).
_SHOWN = (
    "id", "code", "status", "national_status", "procedure_version_id", "field_id",
    "receiving_unit_id", "competent_unit_id", "current_unit_id", "holder_id", "channel",
    "applicant_kind", "applicant_name", "applicant_id_number", "applicant_legacy_id",
    "applicant_birth_date", "applicant_gender", "applicant_address", "applicant_phone",
    "applicant_email", "organisation_tax_code", "representative_name", "received_at", "due_at",
    "original_due_at", "rescheduled_due_at", "finished_at", "returned_at", "supplement_count",
    "delivery_method", "delivery_address", "result_signed", "fee_total", "refusal_reason",
    "lock_version",
)


_FIELDS = {f.attname: f for f in Dossier._meta.concrete_fields}


def _q(name: str) -> str:
    return f'"{name}"'


def _table(model) -> str:
    return _q(model._meta.db_table)


def _col(model, name: str) -> str:
    return _q(model._meta.get_field(name).column)


def _json_rows(vendor: str, model, columns: list[str], where: str) -> str:
    """A scalar subquery: the rows of ``model`` matching ``where``, each a JSON array of
    ``columns`` (SQL expressions over alias ``c``), as JSON text ("[]" or NULL when none)."""
    items = ", ".join(columns)
    if vendor == "postgresql":
        rows = f"json_agg(json_build_array({items}))::text"
    else:
        rows = f"json_group_array(json_array({items}))"
    return f"(SELECT {rows} FROM {_table(model)} c WHERE {where})"


@functools.cache
def _detail_sql(vendor: str) -> str:
    """The detail's one statement: the dossier row, the codes and names of its related rows and
    the change counter as scalar subqueries (a join of seven tables cost PostgreSQL ~1.5 ms to
    plan at every lookup, more than running it), and its steps, history and documents as JSON
    arrays. Built from the models' metadata once per process and engine."""
    from motcua.accounts.tokens import GENERATION_SQL
    from motcua.catalog.models import Field, Procedure, ProcedureVersion
    from motcua.org.models import Unit

    user_model = Dossier._meta.get_field("holder").related_model
    D, S, C, Doc = Dossier, DossierStep, StatusChange, DossierDocument

    def code_of(model, column: str, key: str) -> str:
        return f"(SELECT {_q(column)} FROM {_table(model)} WHERE id = {key})"

    unit_code = lambda key: code_of(Unit, "code", key)  # noqa: E731
    username = lambda key: code_of(user_model, "username", key)  # noqa: E731
    version = f"d.{_col(D, 'procedure_version')}"
    related = [
        code_of(ProcedureVersion, "name", version),
        f"(SELECT p.{_q('code')} FROM {_table(Procedure)} p WHERE p.id = "
        f"{code_of(ProcedureVersion, ProcedureVersion._meta.get_field('procedure').column, version)})",
        code_of(Field, "code", f"d.{_col(D, 'field')}"),
        unit_code(f"d.{_col(D, 'receiving_unit')}"),
        unit_code(f"d.{_col(D, 'competent_unit')}"),
        unit_code(f"d.{_col(D, 'current_unit')}"),
        username(f"d.{_col(D, 'holder')}"),
        f"({GENERATION_SQL})",
    ]
    steps = _json_rows(vendor, S, [
        "c.id", f"c.{_col(S, 'order')}", f"c.{_col(S, 'name')}", f"c.{_col(S, 'role')}",
        f"c.{_col(S, 'unit')}", unit_code(f"c.{_col(S, 'unit')}"), f"c.{_col(S, 'hours')}",
        f"c.{_col(S, 'started_at')}", f"c.{_col(S, 'due_at')}", f"c.{_col(S, 'finished_at')}",
        f"c.{_col(S, 'outcome')}",
    ], f"c.{_col(S, 'dossier')} = d.id")
    history = _json_rows(vendor, C, [
        "c.id", f"c.{_col(C, 'at')}", f"c.{_col(C, 'action')}", f"c.{_col(C, 'from_status')}",
        f"c.{_col(C, 'to_status')}", username(f"c.{_col(C, 'actor')}"),
        f"c.{_col(C, 'reason')}", f"c.{_col(C, 'due_at')}",
    ], f"c.{_col(C, 'dossier')} = d.id")
    documents = _json_rows(vendor, Doc, [
        "c.id", f"c.{_col(Doc, 'name')}", f"c.{_col(Doc, 'provided_as')}",
        f"c.{_col(Doc, 'copies')}",
    ], f"c.{_col(Doc, 'dossier')} = d.id")
    columns = [f"d.{_q(str(_FIELDS[n].column))}" for n in _SHOWN]
    return (f"SELECT {', '.join([*columns, *related, steps, history, documents])} "
            f"FROM {_table(D)} d WHERE d.{_col(D, 'code')} = %s")


def _when(value):
    """A stored date and time as the ORM gives it: SQLite's text and the JSON arrays' ISO text
    parsed, in UTC when the text has no offset (the connection's time zone)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _day(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _flag(value):
    return None if value is None else bool(value)


def _hours(value):
    return value if value is None or isinstance(value, Decimal) else Decimal(str(value))


def _converters() -> list[tuple[int, Callable]]:
    out: list[tuple[int, Callable]] = []
    for i, name in enumerate(_SHOWN):
        kind = _FIELDS[name].get_internal_type()
        if kind == "DateTimeField":
            out.append((i, _when))
        elif kind == "DateField":
            out.append((i, _day))
        elif kind == "BooleanField":
            out.append((i, _flag))
    return out


_CONVERT = _converters()


# Decimals as Decimal (a step's hours), as the ORM gives them.
_JSON = json.JSONDecoder(parse_float=Decimal)


def _rows(text: str | None) -> list:
    # No rows: SQLite's json_group_array gives "[]", PostgreSQL's json_agg NULL.
    return _JSON.decode(text) if text and text != "[]" else []


def detail_read(code: str) -> DetailRecord | None:
    """The dossier ``code`` with everything its detail shows and the change counter, in one
    statement (``_detail_sql``); None when no dossier has that code.

    The values are those the ORM gives (``tests/dossiers/test_detail_body.py`` compares them):
    the dossier a ``Dossier`` with the shown columns loaded, the children in their models'
    order.
    """
    alias = router.db_for_read(Dossier)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(_detail_sql(connection.vendor), [code])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, convert in _CONVERT:
        values[i] = convert(values[i])
    n = len(_SHOWN)
    dossier = loaded_instance(Dossier, alias, dict(zip(_SHOWN, values, strict=False)))
    (procedure_name, procedure, field, receiving, competent, current, holder,
     generation) = values[n:n + 8]
    steps = [Step(i, o, name, role, unit_id, unit, _hours(h), _when(s), _when(due), _when(f), out)
             for i, o, name, role, unit_id, unit, h, s, due, f, out in _rows(values[n + 8])]
    history = [Change(i, _when(at), action, old, new, actor, reason, _when(due))
               for i, at, action, old, new, actor, reason, due in _rows(values[n + 9])]
    documents = [Document(*doc) for doc in _rows(values[n + 10])]
    # The models' orders (DossierStep: order, id; StatusChange: at, id; DossierDocument: id).
    steps.sort(key=lambda s: (s.order, s.id))
    history.sort(key=lambda c: (c.at, c.id))
    documents.sort(key=lambda doc: doc.id)
    return DetailRecord(
        dossier=dossier, procedure=procedure, procedure_name=procedure_name, field=field,
        receiving_unit=receiving, competent_unit=competent, current_unit=current, holder=holder,
        steps=steps, history=history, documents=documents,
        generation=restore_generation() if generation is None else int(generation),
    )
