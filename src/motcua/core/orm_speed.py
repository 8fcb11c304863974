"""Every speed trick that reaches into Django's ORM internals, in one place (tăng tốc ORM).

Each helper is small, named for what it does, tested against the public behaviour it stands in
for (tests/core/test_orm_speed.py), and kept only because ``make bench`` or an in-process
profile measured it (docs/performance.md, "Speed tricks"). If a Django upgrade changes one of
the private attributes used here, the tests in that file fail first, in one place.

Nothing else in ``src/`` should touch ``_result_cache``, ``_prefetched_objects_cache``,
``_prefetch_related_lookups``, ``Query`` attributes or SQL compilers.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Model, Q, QuerySet, signals
from django.db.models.base import ModelState
from django.utils.dateparse import parse_datetime

M = TypeVar("M", bound=Model)


# --- prefetched lists -----------------------------------------------------------------------


def seed_related(instance: Model, rows: Mapping[str, Iterable[Any]]) -> None:
    """Serve ``instance.<name>.all()`` from ``rows[name]`` with no query, exactly as
    ``prefetch_related(name)`` would have from the database.

    Used where the rows are already in hand: the catalog parts kept per process (intake), and
    the documents and steps an intake has just written (its answer needs no read-back: one
    query per list plus one per step unit and history actor).
    """
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objs in rows.items():
        # A fresh queryset: with ``name`` already prefetched, ``.all()`` would hand back the
        # cached one, which a copy (``detached_copy``) shares with its original.
        cache.pop(name, None)
        queryset = getattr(instance, name).all()
        queryset._result_cache = list(objs)
        queryset._prefetch_done = True
        cache[name] = queryset


def prefetched(instance: Model, name: str) -> list[Model] | None:
    """The rows ``prefetch_related(name)`` (or ``seed_related``) left on ``instance``, or None
    when that relation was not prefetched (``instance.<name>.all()`` would query)."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


def detached_copy(instance: M) -> M:
    """A shallow copy of ``instance`` whose prefetched lists can be replaced without touching
    the caller's object (a plain ``copy.copy`` shares the dict holding them)."""
    clone = copy.copy(instance)
    clone.__dict__["_prefetched_objects_cache"] = dict(
        getattr(instance, "_prefetched_objects_cache", {}))
    return clone


# --- an instance from column values ----------------------------------------------------------


def loaded_instance(model: type[M], alias: str, values: Mapping[str, Any]) -> M:
    """``model.from_db(alias, names, row)`` for a row given as ``{attname: value}`` (the
    other columns deferred, loaded on first access as usual), without ``Model.__init__``'s walk
    over every field (~60 for a dossier, one ``setattr`` each): the values go into the
    instance's ``__dict__`` as ``__init__`` puts them there.

    A model with ``pre_init``/``post_init`` receivers goes through ``from_db``: they must run.
    Used by the staff lookup, which reads its dossier with its own SQL (``dossiers.access``).
    """
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        names = list(values)
        return model.from_db(alias, names, [values[n] for n in names])
    instance = model.__new__(model)
    state = ModelState()
    state.db, state.adding = alias, False
    instance.__dict__["_state"] = state
    instance.__dict__.update(values)
    return instance


# --- pages read by primary key ---------------------------------------------------------------


def rows_by_pk(source: QuerySet[M], ids: Sequence[Any]) -> list[M]:
    """The rows of ``ids`` in that order, loaded as ``source`` would load them (its
    ``select_related``, ``only``/``defer`` and ``prefetch_related``), but selected by primary
    key alone: none of ``source``'s conditions, ordering or annotations.

    A paginator that sorted only ids (cheap: the sort carries one column) uses this to load
    the page; carrying every joined column through the sort cost several times more (SQLite
    joins before it sorts). Rows that vanished in between are skipped.
    """
    if not ids:
        return []
    prefetch = getattr(source, "_prefetch_related_lookups", ())
    if prefetch:
        qs = _by_pk(source, source.model._default_manager.filter(pk__in=ids)).prefetch_related(
            *prefetch)
        rows = list(qs)
    else:
        # A page is a handful of shapes (its loading, its length), each compiled once per
        # process: compiling the page's select_related query cost more than running it.
        ids = list(dict.fromkeys(ids))
        rows = _by_pk_query(source, len(ids)).objects(source.db, *ids)
    by_id = {row.pk: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def _by_pk(source: QuerySet[M], qs: QuerySet[M]) -> QuerySet[M]:
    qs = qs.order_by()
    qs.query.select_related = copy.deepcopy(source.query.select_related)
    qs.query.deferred_loading = source.query.deferred_loading
    return qs


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(value))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


_BY_PK_QUERIES: dict[tuple, CompiledQuery] = {}
# Shapes seen by a process: (model, select_related, deferred columns, number of ids); a page is
# at most 50 ids, so this stays small; the bound only guards against an unforeseen caller.
_BY_PK_MAX = 1024


def _by_pk_query(source: QuerySet, n: int) -> CompiledQuery:
    key = (source.model, _frozen(source.query.select_related),
           _frozen(source.query.deferred_loading), n)
    compiled = _BY_PK_QUERIES.get(key)
    if compiled is None:
        template = _by_pk(source, source.model._default_manager.all())
        if len(_BY_PK_QUERIES) >= _BY_PK_MAX:
            _BY_PK_QUERIES.clear()

        def build(alias: str, *pks: Any) -> QuerySet:
            return _by_pk(template, template.model._default_manager.using(alias)
                          .filter(pk__in=pks))

        # Placeholders: negative ids, which no row has and no two of which are equal.
        compiled = _BY_PK_QUERIES[key] = CompiledQuery(build, *range(-1, -n - 1, -1))
    return compiled


# --- SQL of a queryset, for a hand-written wrapper --------------------------------------------


def queryset_sql(qs: QuerySet) -> tuple[str, tuple] | None:
    """``(sql, params)`` of ``qs``, or None when it can match nothing (``filter(x__in=[])``:
    Django raises ``EmptyResultSet`` at compile time instead of writing the SQL)."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, tuple(params)


# --- PostgreSQL's own placeholders -----------------------------------------------------------

_PLACEHOLDER = re.compile(r"%(.?)", re.S)


def numbered_placeholders(sql: str) -> str:
    """``sql`` written for ``cursor.execute`` (``%s`` placeholders, ``%%`` for a percent
    sign) with PostgreSQL's own ``$1``, ``$2``, … instead, for ``native_cursor``. Any other
    ``%`` form (``%(name)s``, a lone ``%``) is refused: Django writes none."""
    n = 0

    def number(match: re.Match) -> str:
        nonlocal n
        if match.group(1) == "%":
            return "%"
        if match.group(1) != "s":
            raise ValueError(f"unsupported placeholder %{match.group(1)} in {sql[:80]!r}…")
        n += 1
        return f"${n}"

    return _PLACEHOLDER.sub(number, sql)


def native_cursor(connection):
    """A cursor of ``connection`` (PostgreSQL, psycopg 3) for statements written with
    PostgreSQL's own ``$1``, ``$2``… placeholders (``numbered_placeholders``): psycopg's
    ``RawCursor``, which sends the text as it is, wrapped as ``connection.cursor()`` wraps its
    own (the health check, statement logging, execute wrappers, error translation).

    psycopg parses every ``%s`` statement in Python to find its placeholders and keeps the
    result only for statements under 4 kB and 50 parameters; the home page's tile counts
    (7.5 kB, 177 parameters) were parsed afresh on every request: 0.36–0.39 ms of CPU, ~2,400
    of the page's Python calls (docs/performance.md, "PostgreSQL's side of the worklists")."""
    import psycopg
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = psycopg.RawCursor(connection.connection)
        # As Django's own cursors: datetimes in the connection's time zone.
        loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, cursor)
    if connection.queries_logged:
        return _NativeDebugWrapper(cursor, connection)
    return connection.make_cursor(cursor)


class _NativeDebugWrapper(CursorDebugWrapper):
    """Logs a ``native_cursor`` statement as written: Django's PostgreSQL backend would
    rebuild it from ``%s`` placeholders (``last_executed_query``) and fail on ``$n``."""

    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        return super().debug_sql(sql, params, use_last_executed_query=False, many=many)


# --- a query compiled once per process ---------------------------------------------------------


class CompiledLookup:
    """A ``values()`` query by one parameter, compiled once per database alias and engine.

    For a query that is the same every time but for one value (the public lookup by code),
    Django's compile step cost more than running it: 0.30 of the 0.34 ms the public lookup's
    selector took, a quarter of the page. ``build(alias)`` returns the queryset with a
    placeholder value (``""``) where the parameter goes; each call runs the compiled SQL with
    the real value and converts the row with the same compiler, so types come back exactly as
    ``values()`` gives them (aware datetimes, decimals, booleans).
    """

    def __init__(self, build: Callable[[str], QuerySet], fields: Sequence[str]):
        self.build = build
        self.fields = tuple(fields)
        self._compiled = functools.cache(self._compile)

    def _compile(self, alias: str, vendor: str):
        # ``vendor`` is in the cache key so that a test database of another engine recompiles.
        compiler = self.build(alias).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if list(params) != [""]:
            # Each call passes its value as the only parameter; anything else would be misread.
            raise RuntimeError(f"compiled lookup takes one parameter, not {params!r}")
        # The row converters too (what ``results_iter`` asks the backend for on every call: a
        # sixth of the public lookup's selector).
        converters = compiler.get_converters([s[0] for s in compiler.select[:compiler.col_count]])
        return sql, compiler, converters

    def first(self, alias: str, value: Any) -> dict | None:
        """The first row for ``value`` as a dict of ``fields``, or None."""
        connection = connections[alias]
        sql, compiler, converters = self._compiled(alias, connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(sql, [value])
            raw = cursor.fetchone()
        if raw is None:
            return None
        values = next(compiler.apply_converters([raw], converters)) if converters else raw
        return dict(zip(self.fields, values, strict=True))


class CompiledQuery:
    """A model query by a few parameters, compiled once per database alias and engine, giving
    model instances exactly as iterating the queryset would (``select_related`` rows and
    ``only()`` deferrals included; no ``prefetch_related``, annotations or ``extra``).

    ``build(alias, *placeholders)`` returns the queryset with each placeholder where its
    parameter goes: otherwise impossible values (``""`` for a code or a key hash, ``-1`` for an
    id, a date in year 1 for a date), each appearing at least once among the compiled query's
    parameters (as the database adapts it) and equal to no other parameter. Each call passes
    the real values in the same order; dates and datetimes are adapted as the ORM would.

    The staff lookup's queries (the token, the memberships, a dossier with six related rows,
    its steps, history and documents) spent more time being compiled by the ORM than running:
    a third of the request (docs/performance.md). The row loop is Django's ``ModelIterable``'s.
    """

    def __init__(self, build: Callable[..., QuerySet], *placeholders: Any):
        if not placeholders:
            raise ValueError("a compiled query needs at least one placeholder")
        self.build = build
        self.placeholders = placeholders
        self._compiled = functools.cache(self._compile)

    @staticmethod
    def _adapt(connection, value):
        if isinstance(value, dt.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.date):
            return connection.ops.adapt_datefield_value(value)
        return value

    def _compile(self, alias: str, vendor: str):
        from django.db.models.query import get_related_populators

        connection = connections[alias]
        qs = self.build(alias, *self.placeholders)
        compiler = qs.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        slots = []
        for placeholder in self.placeholders:
            adapted = self._adapt(connection, placeholder)
            at = [i for i, p in enumerate(params) if p == adapted]
            if not at:
                raise RuntimeError(f"placeholder {placeholder!r} is not among {params!r}")
            slots.append(at)
        if getattr(qs, "_prefetch_related_lookups", ()):
            raise RuntimeError("a compiled query cannot prefetch")
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [f[0].target.attname for f in select[start:end]]
        # Django 5.2's signature; the installed django-stubs describe 6.x (``fetch_mode``).
        populators = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]
        return sql, params, slots, compiler, klass_info["model"], init_list, (start, end), populators

    def objects(self, alias: str, *values: Any) -> list:
        """The rows for ``values`` (one per placeholder), as model instances, in order."""
        connection = connections[alias]
        sql, params, slots, compiler, model, init_list, (start, end), populators = (
            self._compiled(alias, connection.vendor))
        params = list(params)
        for value, at in zip(values, slots, strict=True):
            adapted = self._adapt(connection, value)
            for i in at:
                params[i] = adapted
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            raw = cursor.fetchall()
        out = []
        for row in compiler.results_iter(results=[raw]):
            obj = model.from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            out.append(obj)
        return out


# --- column values of a page, by primary key ---------------------------------------------------


_VALUES_BY_PK: dict[tuple, tuple] = {}

def _sqlite_datetime(connection):
    """SQLite's converter of a datetime column (``convert_datetimefield_value``), which
    ``_convert`` does inline; None on another database. Imported here, for a SQLite
    connection only: its operations module imported before its backend is a circular import."""
    if connection.vendor != "sqlite":
        return None
    from django.db.backends.sqlite3.base import DatabaseWrapper

    return DatabaseWrapper.ops_class.convert_datetimefield_value


def _converters(compiler) -> tuple[list[int], list[tuple[int, list, Any]]]:
    """The converters ``compiler.results_iter`` applies to each column of a row, split into the
    positions converted by SQLite's datetime converter alone and the rest ``(position,
    converters, expression)``."""
    fields = [s[0] for s in compiler.select[0:compiler.col_count]]
    datetimes, others = [], []
    inline = _sqlite_datetime(compiler.connection)
    for pos, (convs, expression) in compiler.get_converters(fields).items():
        if (inline is not None and len(convs) == 1
                and getattr(convs[0], "__func__", None) is inline):
            datetimes.append(pos)
        else:
            others.append((pos, list(convs), expression))
    return datetimes, others


def _convert(raw: list, datetimes: list[int], others: list, connection) -> list:
    """``compiler.apply_converters`` over ``raw``, SQLite's datetime converter written out
    with ``USE_TZ`` and the connection's time zone read once: per value it read the setting
    through ``LazySettings`` and called ``is_aware`` and ``make_aware`` (six calls; a hundred
    values on a list page, docs/performance.md, "Worklists, round five")."""
    if not datetimes and not others:
        return raw
    tz = connection.timezone if settings.USE_TZ else None
    rows = []
    for row in raw:
        row = list(row)
        for pos in datetimes:
            value = row[pos]
            if value is not None:
                if not isinstance(value, dt.datetime):
                    value = parse_datetime(value)
                # timezone.make_aware(value, tz) of a naive value (is_aware: a UTC offset).
                if tz is not None and value.utcoffset() is None:
                    value = value.replace(tzinfo=tz)
                row[pos] = value
        for pos, convs, expression in others:
            value = row[pos]
            for converter in convs:
                value = converter(value, expression, connection)
            row[pos] = value
        rows.append(row)
    return rows


def values_by_pk(model: type[Model], columns: Sequence[str], ids: Sequence[Any],
                 alias: str) -> list[tuple]:
    """``model.objects.filter(pk__in=ids).values_list("pk", *columns)`` in the order of
    ``ids`` (missing ones skipped), each row converted exactly as ``values_list`` converts it,
    with the query and its converters compiled once per process for each
    ``(model, columns, len(ids))``.

    For a list page that shows a few columns of a few related rows: building a model instance
    for the dossier and each of its related rows was a quarter of an API list request at 50
    rows (docs/performance.md, round two).
    """
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    connection = connections[alias]
    key = (model, tuple(columns), len(ids), alias, connection.vendor)
    compiled = _VALUES_BY_PK.get(key)
    if compiled is None:
        # Placeholders: negative ids, which no row has and no two of which are equal.
        placeholders = list(range(-1, -len(ids) - 1, -1))
        qs = (model._default_manager.using(alias).filter(pk__in=placeholders).order_by()
              .values_list("pk", *columns))
        compiler = qs.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = [list(params).index(p) for p in placeholders]
        if len(params) != len(ids):
            raise RuntimeError(f"values_by_pk compiled with other parameters: {params!r}")
        if len(_VALUES_BY_PK) >= _BY_PK_MAX:
            _VALUES_BY_PK.clear()
        compiled = _VALUES_BY_PK[key] = (sql, slots, *_converters(compiler))
    sql, slots, datetimes, others = compiled
    bound: list[Any] = [None] * len(ids)
    for value, at in zip(ids, slots, strict=True):
        bound[at] = value
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        raw = cursor.fetchall()
    by_id = {row[0]: row for row in _convert(raw, datetimes, others, connection)}
    return [tuple(by_id[i]) for i in ids if i in by_id]


# --- the SQL of a query built once per shape ----------------------------------------------------


class ShapedSQL:
    """The ``(sql, params)`` of a queryset that is the same every time but for a few values
    (its *shape*: everything else it is built from), built and compiled once per shape and
    database engine, then given the real values.

    ``kinds`` gives the type of each value (``datetime``, ``int`` or ``str``). The first call for a ``shape``
    builds it (``build(*values)``, a queryset or None: it matches nothing) twice, with two sets of placeholders that no real parameter equals (datetimes in
    1901 and 1902, negative ids, strings starting with a NUL), and requires the two compiled
    queries to differ exactly where each placeholder went: a value that went into the SQL in
    any other form (a date of it, a computed bound) fails the check loudly instead of being
    run with a placeholder in it. ``shape`` must name everything else ``build`` reads (the
    user's units, the list, the cap, …); a process keeps at most ``SHAPES_MAX`` shapes.

    The home page's nine tile counts spent two thirds of the request building each list's
    querysets and compiling their SQL, every time, where only the time of day differed
    (docs/performance.md, "Worklists, round three").
    """

    SHAPES_MAX = 2048

    def __init__(self, kinds: Sequence[type]):
        if any(kind not in (dt.datetime, int, str) for kind in kinds):
            raise ValueError(f"values must be datetimes, ints or strs, not {kinds!r}")
        self.kinds = tuple(kinds)
        self.n = len(self.kinds)
        self._shapes: dict[tuple, tuple[str, list, list[list[int]]] | None] = {}

    def placeholders(self, round_: int) -> list[Any]:
        """The placeholder of each value in build ``round_`` (1 or 2)."""
        out: list[Any] = []
        for i, kind in enumerate(self.kinds):
            if kind is dt.datetime:
                out.append(dt.datetime(1900 + round_, 1, 1, 0, 0, 0, 100_001 * (i + 1),
                                       tzinfo=dt.UTC))
            elif kind is int:
                out.append(-1_000_000 * round_ - i - 1)
            else:
                out.append(f"\x00placeholder-{round_}-{i}")
        return out

    def _compile(self, connection, shape: tuple, build: Callable[..., QuerySet | None]):
        compiled = []
        for round_ in (1, 2):
            marks = self.placeholders(round_)
            qs = build(*marks)
            query = None if qs is None else queryset_sql(qs)
            adapted = [CompiledQuery._adapt(connection, m) for m in marks]
            compiled.append((query, adapted))
        (first, marks1), (second, marks2) = compiled
        if first is None or second is None:
            if first is not second:
                raise RuntimeError(f"shape {shape!r}: matches nothing for some values only")
            return None
        (sql, params1), (sql2, params2) = first, second
        slots: list[list[int]] = [[] for _ in range(self.n)]
        if sql != sql2 or len(params1) != len(params2):
            raise RuntimeError(f"shape {shape!r}: the SQL depends on the values")
        for i, (a, b) in enumerate(zip(params1, params2, strict=True)):
            if a == b:
                continue
            at = [k for k in range(self.n) if a == marks1[k] and b == marks2[k]]
            if len(at) != 1:
                raise RuntimeError(f"shape {shape!r}: parameter {i} is derived from a value")
            slots[at[0]].append(i)
        return sql, list(params1), slots

    def sql(self, alias: str, shape: tuple, build: Callable[..., QuerySet | None],
            *values: Any) -> tuple[str, tuple] | None:
        """``queryset_sql(build(*values))`` (None: matches nothing), built once per ``shape``:
        ``build`` is called only for a shape not seen yet."""
        if len(values) != self.n:
            raise ValueError(f"{self.n} values expected, not {len(values)}")
        connection = connections[alias]
        key = (shape, alias, connection.vendor)
        try:
            compiled = self._shapes[key]
        except KeyError:
            if len(self._shapes) >= self.SHAPES_MAX:
                self._shapes.clear()
            compiled = self._shapes[key] = self._compile(connection, shape, build)
        if compiled is None:
            return None
        sql, params, slots = compiled
        params = list(params)
        for value, at in zip(values, slots, strict=True):
            adapted = CompiledQuery._adapt(connection, value)
            for i in at:
                params[i] = adapted
        return sql, tuple(params)


# --- writes compiled once per process ----------------------------------------------------------


class CompiledInsert:
    """``Model.save()`` of new rows / ``bulk_create(objs)`` of one model, as one INSERT whose
    SQL is compiled once per process for each (database, engine, number of rows), with values
    prepared the way the ORM prepares them (each field's ``pre_save(obj, add=True)`` then
    ``get_db_prep_save``), and the new primary keys read back with ``RETURNING``.

    Why: the intake's writes run under SQLite's single write lock; the ORM built and compiled
    each INSERT there (the dossier's ``save()``, the steps' ``bulk_create``, the history row),
    which was most of the time the lock was held (docs/performance.md, "Intake, round three").
    With this, a service prepares its rows (``row``) *before* its transaction and only fills in
    the few values read under the lock (``set``) before ``insert``.

    The SQL is Django's own insert compiler's, compiled from the first rows given; what it sends
    is checked to be laid out as those rows (one parameter per field and row, or PostgreSQL's
    one array per column for several rows), else ``RuntimeError``. Models with ``pre_save`` /
    ``post_save`` receivers, fields with their own placeholders, generated or database-default
    columns are refused (``usable``): they need ``save()``.
    """

    def __init__(self, model: type[Model]):
        meta = model._meta
        self.model = model
        # What ``Model._save_table`` inserts: with an auto field, a row without a primary key
        # (the database gives it, RETURNING reads it); else every column, the key included.
        self.fields = [f for f in meta.local_concrete_fields
                       if not f.generated and f is not meta.auto_field]
        self.returning = [meta.auto_field] if meta.auto_field is not None else []
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        self._auto_now = [i for i, f in enumerate(self.fields)
                          if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        self._sql: dict[tuple, tuple[str, bool]] = {}

    def usable(self) -> bool:
        """True when ``insert`` writes exactly what ``save()`` would (checked on every use:
        a receiver may be connected at any time)."""
        meta = self.model._meta
        return (
            list(meta.db_returning_fields) == self.returning
            and not signals.pre_save.has_listeners(self.model)
            and not signals.post_save.has_listeners(self.model)
            and not any(hasattr(f, "get_placeholder") for f in self.fields)
        )

    def row(self, obj: Model, alias: str) -> list[Any]:
        """The prepared values of ``obj`` in ``fields`` order, as the insert compiler would
        send them (``pre_save`` sets ``auto_now`` stamps on ``obj`` as ``save()`` does)."""
        connection = connections[alias]
        return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self.fields]

    def set(self, row: list[Any], obj: Model, alias: str, *attnames: str) -> None:
        """Put ``obj``'s current values of ``attnames`` into ``row`` (values known only under
        the lock: a code, the id of a row just inserted)."""
        connection = connections[alias]
        for name in attnames:
            i = self.index[name]
            row[i] = self.fields[i].get_db_prep_save(getattr(obj, name), connection)

    def stamp(self, row: list[Any], obj: Model, alias: str) -> None:
        """Take the ``auto_now``/``auto_now_add`` stamps again, now: a row prepared before the
        transaction is stamped with the moment it is written, as ``save()`` stamps it."""
        connection = connections[alias]
        for i in self._auto_now:
            f = self.fields[i]
            row[i] = f.get_db_prep_save(f.pre_save(obj, True), connection)

    def _compile(self, connection, alias: str, objs: Sequence[Model]) -> tuple[str, bool]:
        from django.db.models.sql import InsertQuery

        query = InsertQuery(self.model)
        query.insert_values(self.fields, list(objs))
        compiler = query.get_compiler(using=alias)
        compiler.returning_fields = self.returning or None
        statements = compiler.as_sql()
        if len(statements) != 1:
            raise RuntimeError(f"{self.model.__name__}: {len(statements)} INSERT statements")
        sql, params = statements[0]
        n, width = len(objs), len(self.fields)
        params = list(params)
        if n > 1 and len(params) == width and all(
                isinstance(p, list) and len(p) == n for p in params):
            return sql, True  # PostgreSQL's UNNEST: one array per column
        if len(params) != n * width:
            raise RuntimeError(f"{self.model.__name__}: INSERT laid out unexpectedly")
        return sql, False

    def insert(self, alias: str, objs: Sequence[Model], rows: Sequence[list[Any]]) -> None:
        """INSERT ``rows`` (from ``row``, one per object of ``objs``, same order) in one
        statement and give each object its new primary key and saved state, as
        ``bulk_create`` does (``_state.adding`` False, ``_state.db`` the alias)."""
        if not objs:
            return
        connection = connections[alias]
        key = (alias, connection.vendor, len(objs))
        compiled = self._sql.get(key)
        if compiled is None:
            compiled = self._sql[key] = self._compile(connection, alias, objs)
        sql, columns = compiled
        if columns:
            params: list[Any] = [list(col) for col in zip(*rows, strict=True)]
        else:
            params = [value for row in rows for value in row]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            returned = cursor.fetchall() if self.returning else None
        if returned is not None:
            if len(returned) != len(objs):
                raise RuntimeError(
                    f"{self.model.__name__}: {len(returned)} ids for {len(objs)} rows")
            attname = self.returning[0].attname
            for obj, ret in zip(objs, returned, strict=True):
                setattr(obj, attname, ret[0])
        for obj in objs:
            obj._state.adding = False
            obj._state.db = alias

    def save_new(self, alias: str, objs: Sequence[Model]) -> None:
        """``row`` then ``insert`` of new objects in one go, for a caller with nothing to
        fill in under its lock. The caller checks ``usable`` first and else writes as before
        (``save()``, ``create()`` or ``bulk_create``, whichever it stands in for)."""
        if not objs:
            return
        self.insert(alias, objs, [self.row(obj, alias) for obj in objs])


class CompiledUpdate:
    """``obj.save(update_fields=[...])`` of one row by primary key, as the UPDATE the ORM sends
    (``UPDATE t SET a = %s, … WHERE t.id = %s``), compiled once per database and engine, values
    prepared by each field's ``get_db_prep_save``. No ``auto_now`` field may be among the
    fields, and the model may have no ``pre_save``/``post_save`` receivers (``usable``)."""

    def __init__(self, model: type[Model], attnames: Sequence[str]):
        self.model = model
        meta = model._meta
        self.fields = [next(f for f in meta.concrete_fields if f.attname == a) for a in attnames]
        if any(getattr(f, "auto_now", False) for f in self.fields):
            raise ValueError("an auto_now field is stamped by save(); not compiled here")
        self._sql = functools.cache(self._compile)

    def usable(self) -> bool:
        return (not signals.pre_save.has_listeners(self.model)
                and not signals.post_save.has_listeners(self.model))

    def _compile(self, alias: str, vendor: str) -> tuple[str, list[int], int]:
        from django.db.models.sql import UpdateQuery

        connection = connections[alias]
        # Placeholders no real value equals (a string starting with NUL for text columns, a
        # negative int for the others), found again among the parameters as prepared.
        marks = [f"\x00mark-{i}" if f.get_internal_type() in ("CharField", "TextField")
                 else -101 - i for i, f in enumerate(self.fields)]
        query = UpdateQuery(self.model)
        query.add_update_fields(
            [(f, None, m) for f, m in zip(self.fields, marks, strict=True)])  # type: ignore[misc]
        query.add_q(Q(pk=-1))
        sql, params = query.get_compiler(using=alias).as_sql()
        params = list(params)
        prepared = [f.get_db_prep_save(m, connection)
                    for f, m in zip(self.fields, marks, strict=True)]
        if len(params) != len(marks) + 1 or any(params.count(p) != 1 for p in prepared) \
                or params.count(-1) != 1:
            raise RuntimeError(f"{self.model.__name__}: UPDATE laid out unexpectedly")
        return sql, [params.index(p) for p in prepared], params.index(-1)

    def update(self, alias: str, obj: Model) -> int:
        """Write ``obj``'s values of the fields to its row; the number of rows updated."""
        connection = connections[alias]
        sql, slots, pk_slot = self._sql(alias, connection.vendor)
        params: list[Any] = [None] * (len(slots) + 1)
        for f, i in zip(self.fields, slots, strict=True):
            params[i] = f.get_db_prep_save(getattr(obj, f.attname), connection)
        params[pk_slot] = self.model._meta.pk.get_db_prep_save(obj.pk, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount
