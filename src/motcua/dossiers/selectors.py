"""Dossier reads (truy vấn hồ sơ): unit-scoped, overdue in SQL, no N+1."""

from __future__ import annotations

import datetime as dt
import operator
import re
import urllib.parse
from collections.abc import Callable, Sequence
from functools import reduce
from typing import NamedTuple, cast

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import InvalidInput, NotAllowed
from motcua.core.orm_speed import (
    ShapedSQL,
    native_cursor,
    numbered_placeholders,
    queryset_sql,
    values_by_pk,
)
from motcua.core.text import fold
from motcua.dossiers import deadlines, permissions
from motcua.dossiers.models import HELD_BY_THIRD, Apology, Dossier, DossierStep, StatusChange
from motcua.dossiers.states import FINAL, PAUSED, PROCESSING_ENDED, Status
from motcua.worktime import Timeliness, classify

# Not overdue whatever the due time: finished, processing ended, or clock stopped.
NOT_RUNNING = sorted(set(FINAL) | set(PROCESSING_ENDED) | set(PAUSED) | {Status.SUBMITTED,
              Status.SUPPLEMENT_REQUESTED_AT_RECEPTION})
# The same sets written positively: an IN list lets the (status, due_at) and
# (status, received_at) indexes serve worklists, where NOT IN makes the database scan every
# dossier (measured: overdue count at 1M dossiers on SQLite, 1.0 s -> 0.09 s).
RUNNING = sorted(set(Status.values) - set(NOT_RUNNING))
OPEN = sorted(set(Status.values) - set(FINAL))


def overdue_q(now: dt.datetime | None = None) -> Q:
    """SQL condition of ``Dossier.is_overdue``: due passed, clock running."""
    now = now or timezone.now()
    return Q(status__in=RUNNING, due_at__lt=now)


class IndexIds:
    """The ids of a narrowed list, in list order, read from covering indexes only.

    ``union`` is ``arm UNION ALL arm …`` of disjoint arms (or one query) of ``(id, ordering columns…)`` rows. Ordered by the
    caller's columns *outside* the union: given an ``ORDER BY`` on the union itself, SQLite
    pushes it into every arm and may then walk a ``(status, received_at)`` index through the
    table to avoid a sort, which is the scan this exists to avoid.
    """

    def __init__(self, union: QuerySet | None, order: Sequence[str], *,
                 compiled: tuple[tuple[str, tuple] | None, str] | None = None,
                 pieces: Sequence[tuple[QuerySet, bool]] = (),
                 compiled_pieces: Sequence[tuple[tuple[str, tuple] | None, bool]] = ()):
        # ``compiled``: ``(queryset_sql(union), alias)`` given already (``list_page_source``:
        # built once per shape), in place of ``union``.
        # ``pieces`` (or ``compiled_pieces``, their SQL), each with "ordered": the same rows
        # as ``union`` cut into disjoint parts, most of which have an index in list order (an
        # arm and one status, read through its ``(unit column, status, received_at …)``
        # index): a page is then the top rows of each ordered part and all of the others
        # (few), merged, and only the count reads every match.
        self.union = union
        self.order = list(order)
        self._compiled = compiled
        self.pieces = list(pieces)
        self._compiled_pieces = list(compiled_pieces)
        self.db = compiled[1] if compiled is not None else union.db  # type: ignore[union-attr]
        # Set by ids() when it returned rows: the length of the whole list, counted in the
        # same statement as the page.
        self.total: int | None = None

    def _sql(self) -> tuple[str, tuple] | None:
        # None: the list can match nothing, e.g. "held by my units" for someone without a unit.
        if self._compiled is not None:
            return self._compiled[0]
        return queryset_sql(self.union)  # type: ignore[arg-type]

    def _pieces_sql(self) -> list[tuple[str, tuple, bool]]:
        # A piece that matches nothing is left out.
        compiled = self._compiled_pieces or [(queryset_sql(qs), ordered)
                                             for qs, ordered in self.pieces]
        return [(*q, ordered) for q, ordered in compiled if q is not None]

    def ids(self, offset: int, limit: int) -> list[int]:
        self.total = None
        if (query := self._sql()) is None:
            return []
        sql, params = query
        # Columns by position: 1 is the id, then the ordering columns in order.
        keys, position = [], 2
        for field in self.order:
            name = field.lstrip("-")
            col = 1 if name in ("id", "pk") else position
            position += col != 1
            keys.append(f"{col} {'DESC' if field.startswith('-') else 'ASC'}")
        order_by = ", ".join(keys)
        connection = connections[self.db]
        pieces = self._pieces_sql() if (self.pieces or self._compiled_pieces) else []
        if pieces:
            # The page is among the first offset + limit rows of each piece, each read in
            # order from its index and stopping there: for the busiest unit's appraising list
            # at 1M dossiers, ~50 index entries instead of sorting 6,729 (docs/performance.md,
            # "Worklists, round five"). The exact count still reads the whole union, from the
            # indexes, in a subquery of its own (run once).
            # A piece without an index in list order is read whole: given an ORDER BY and a
            # LIMIT, SQLite may walk a (status, received_at) index through the table instead.
            top = offset + limit
            merged = " UNION ALL ".join(
                f"SELECT * FROM (SELECT * FROM ({piece}) AS p ORDER BY {order_by} LIMIT %s) "
                f"AS m{i}" if ordered else f"SELECT * FROM ({piece}) AS m{i}"
                for i, (piece, _params, ordered) in enumerate(pieces))
            # SQLite: ``LIMIT -1`` keeps the merged pieces a subquery; flattened, every piece
            # carried the count subquery, run once per piece.
            kept = " LIMIT -1" if connection.vendor == "sqlite" else ""
            statement = (f"SELECT ids.*, (SELECT COUNT(*) FROM ({sql}) AS counted) "
                         f"FROM (SELECT * FROM ({merged}) AS merged{kept}) AS ids "
                         f"ORDER BY {order_by} LIMIT %s OFFSET %s")
            params = (*params, *(p for _piece, piece_params, ordered in pieces
                                 for p in (*piece_params, *((top,) if ordered else ()))))
        elif connection.vendor == "sqlite":
            # SQLite materialises a window's whole input and sorts it again; counting the
            # union in a subquery of its own streams it, and the page's sort keeps only the
            # top rows: 6.1 -> 4.3 ms CPU for the busiest unit's overdue list at 1M dossiers
            # (docs/performance.md, "Worklists, round four"). ``LIMIT -1`` keeps the union a
            # subquery: flattened, SQLite pushes the ORDER BY into each arm and walks a
            # ``(status, received_at)`` index through the table (75 ms). On PostgreSQL the
            # window measured the same or cheaper than reading the union twice.
            statement = (f"SELECT ids.*, (SELECT COUNT(*) FROM ({sql}) AS counted) "
                         f"FROM (SELECT * FROM ({sql}) LIMIT -1) AS ids "
                         f"ORDER BY {order_by} LIMIT %s OFFSET %s")
            params = (*params, *params)
        else:
            statement = (f"SELECT *, COUNT(*) OVER () FROM ({sql}) AS ids "
                         f"ORDER BY {order_by} LIMIT %s OFFSET %s")
        with connection.cursor() as cursor:
            # On a connection that prepares, PostgreSQL planned the 16-24 pieces afresh on
            # every execution (planning cost more than running them): a generic plan, as for
            # the tiles (capped_counts). Without parallel workers: the generic plan gathered
            # the pieces in parallel, 22 ms of wall time and CPU in worker processes for
            # 2-3 ms of work (docs/performance.md, "Worklists, round five").
            # A list of one status (three pieces) plans quickly: the two settings' round
            # trips cost it more than they saved.
            generic = len(pieces) > GENERIC_PIECES and _prepared(connection)
            if generic:
                cursor.execute(_GENERIC_SERIAL)
            try:
                cursor.execute(statement, (*params, limit, offset))
                rows = cursor.fetchall()
            except Exception:
                if generic and not connection.in_atomic_block:
                    cursor.execute(_SETTINGS_RESET)
                raise
            if generic:
                cursor.execute(_SETTINGS_RESET)
        if rows:
            self.total = rows[0][-1]
        return [row[0] for row in rows]

    def count(self, limit: int) -> int:
        """The number of ids, counting no further than ``limit``."""
        if (query := self._sql()) is None:
            return 0
        sql, params = query
        with connections[self.db].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM (SELECT * FROM ({sql}) AS ids LIMIT %s) AS capped",
                           (*params, limit))
            return cursor.fetchone()[0]


# IndexIds.ids: a page read in more pieces than this runs with a generic plan on PostgreSQL.
GENERIC_PIECES = 4
# Both settings in one round trip each way; the second gives them back their session defaults
# (what RESET restores).
_GENERIC_SERIAL = ("SELECT set_config('plan_cache_mode', 'force_generic_plan', false), "
                   "set_config('max_parallel_workers_per_gather', '0', false)")
_SETTINGS_RESET = ("SELECT set_config(name, reset_val, false) FROM pg_settings "
                   "WHERE name IN ('plan_cache_mode', 'max_parallel_workers_per_gather')")


class DossierQuerySet(QuerySet):
    """A dossier list. ``index_ids``, when set, reads the same dossiers in the same order
    (``IndexIds``) without touching the table, for a paginator's page of ids and its count.
    Set only by ``dossier_list`` on the queryset it returns; a clone (any further filter or
    order) does not carry it, since it would no longer describe the same list.
    """

    index_ids: IndexIds | None = None
    # The same dossiers, unordered, for counting only (``pagination.capped_count``): set on a
    # list whose pages are read otherwise (newest first, one OR query).
    count_ids: IndexIds | None = None
    # Set by ``list_rows``: how a paginator loads a page's rows from their ids.
    page_rows: Callable[[Sequence[int], str], list] | None = None


# What a row of the API list shows (serializers.DossierListSerializer): a procedure version
# alone has 26 columns, its legal texts among them, and the holder and current step rows are
# not shown at all. Loading only these halved the cost of fetching a 50-row page.
LIST_RELATED = ("procedure_version__procedure", "field", "receiving_unit", "competent_unit",
                "current_unit")
LIST_COLUMNS = (
    "code", "status", "national_status", "applicant_name", "channel", "received_at", "due_at",
    "procedure_version__name", "procedure_version__procedure__code", "field__code",
    "receiving_unit__code", "competent_unit__code", "current_unit__code",
)


class ListRow(NamedTuple):
    """What a row of the API list shows, read as column values (no model instances).

    ``pk`` lets the access log record the row like a dossier."""

    pk: int
    code: str
    status: str
    national_status: int
    procedure: str
    procedure_name: str
    field: str | None
    receiving_unit: str | None
    competent_unit: str | None
    current_unit: str | None
    applicant_name: str
    channel: int
    received_at: dt.datetime | None
    due_at: dt.datetime | None


# ListRow's columns after pk, in its order.
LIST_VALUES = (
    "code", "status", "national_status", "procedure_version__procedure__code",
    "procedure_version__name", "field__code", "receiving_unit__code", "competent_unit__code",
    "current_unit__code", "applicant_name", "channel", "received_at", "due_at",
)


def list_page_rows(ids: Sequence[int], alias: str) -> list[ListRow]:
    """The ``ListRow`` of each id, in that order (one query, compiled once per page length).

    Fifty ``Dossier`` instances with five related instances each were a quarter of an API list
    request's CPU time; the row needs thirteen values (docs/performance.md, round two).
    """
    # ``tuple.__new__``: what ``ListRow._make`` does, without a Python call per row (a row is
    # the id, then LIST_VALUES: ListRow's fields, tests/dossiers/test_detail_body.py).
    return [_new_row(ListRow, row) for row in values_by_pk(Dossier, LIST_VALUES, ids, alias)]


_new_row = tuple.__new__


def list_rows(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """``qs`` loading only the columns a list row shows; keeps its ``index_ids`` and
    ``count_ids``.

    A paginator (``pagination.CappedPaginator``) reads its pages as ``ListRow`` values
    (``page_rows``); iterating the queryset itself still gives narrow ``Dossier`` instances.
    """
    narrow = qs.select_related(None).select_related(*LIST_RELATED).only(*LIST_COLUMNS)
    narrow.index_ids = getattr(qs, "index_ids", None)
    # Attributes of this queryset object only (clones made later do not carry them).
    setattr(narrow, "count_ids", getattr(qs, "count_ids", None))  # noqa: B010
    setattr(narrow, "page_rows", list_page_rows)  # noqa: B010
    return narrow


# The index-served union of an API list, by the time of day; and, per shape, whether the list
# has one (``dossier_list`` decides from the user and the filters).
_LIST_SQL = ShapedSQL((dt.datetime,))
# Per shape: None, no index-served union; else whether each piece it is read in is ordered
# (IndexIds).
_LIST_INDEXED: dict[tuple, tuple[bool, ...] | None] = {}


def list_page_source(*, user, filters: dict, now: dt.datetime | None = None) -> QuerySet:
    """``list_rows(dossier_list(user=user, filters=filters, now=now))`` for a paginator, with
    the index-served union of a narrowed list built and compiled once per process for its
    shape (the user's units, superuser or not, the filters and their values) and given the
    time of day (``orm_speed.ShapedSQL``).

    Building the list's querysets and compiling the union was over a third of an API list
    request (docs/performance.md, "Worklists, round three"). The queryset answered for a
    compiled list matches nothing when iterated: only a paginator's page (its ``index_ids``
    and ``page_rows``) reads it. A text search (``q``) is not kept (one-off values), nor a
    list without an index-served union (the first request of a shape finds out which)."""
    now = now or timezone.now()
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    shape: tuple | None = None
    if "q" not in filters:
        shape = ("dossier_list", tuple(sorted(permissions.staff_units(user))),
                 bool(getattr(user, "is_superuser", False)), tuple(sorted(filters.items())))
    if shape is None or _LIST_INDEXED.get(shape) is None:
        qs = dossier_list(user=user, filters=filters, now=now)
        if shape is not None:
            if len(_LIST_INDEXED) >= ShapedSQL.SHAPES_MAX:
                _LIST_INDEXED.clear()
            source = getattr(qs, "index_ids", None)
            _LIST_INDEXED[shape] = (None if source is None
                                    else tuple(ordered for _qs, ordered in source.pieces))
        return list_rows(qs)
    order = ("-received_at", "-id")

    # The list built once per placeholder time for the union and all its pieces: built again
    # for each of an overdue list's 18 pieces, a new shape cost its worker ~340 ms, and at 8
    # connections each worker's first request of each shape made the p95 (docs/performance.md,
    # "Round two, fourth session").
    listed_at: dict[dt.datetime, IndexIds] = {}

    def listed(moment: dt.datetime) -> IndexIds:
        if moment not in listed_at:
            listed_at[moment] = cast(IndexIds, getattr(
                dossier_list(user=user, filters=filters, now=moment, order=order), "index_ids",
                None))
        return listed_at[moment]

    def build(moment: dt.datetime) -> QuerySet | None:
        return listed(moment).union

    def build_piece(i: int) -> Callable[[dt.datetime], QuerySet | None]:
        def build(moment: dt.datetime) -> QuerySet | None:
            return listed(moment).pieces[i][0]
        return build

    alias = Dossier.objects.db
    compiled = _LIST_SQL.sql(alias, shape, build, now)
    pieces = [(_LIST_SQL.sql(alias, (*shape, "piece", i), build_piece(i), now), ordered)
              for i, ordered in enumerate(cast(tuple, _LIST_INDEXED[shape]))]
    qs = DossierQuerySet(model=Dossier).none()
    qs.index_ids = IndexIds(None, order, compiled=(compiled, alias), compiled_pieces=pieces)
    setattr(qs, "page_rows", list_page_rows)  # noqa: B010
    return qs


def _base() -> QuerySet[Dossier]:
    return DossierQuerySet(model=Dossier).select_related(
        "procedure_version", "procedure_version__procedure", "field", "receiving_unit",
        "competent_unit", "current_unit", "holder", "current_step",
    )


def _visible_q(units) -> Q:
    """The visibility rule as one condition on a dossier row.

    The steps test is a correlated ``EXISTS`` probing ``dossier_step_unit`` for the candidate
    row rather than ``id IN (every step of my units)``, which the database materialises in full
    before the first row (a unit that took part in half a million dossiers would pay for all
    of them on every page).
    """
    steps = DossierStep.objects.filter(dossier_id=OuterRef("pk"), unit_id__in=units)
    return (
        Q(receiving_unit_id__in=units) | Q(competent_unit_id__in=units)
        | Q(current_unit_id__in=units) | Q(Exists(steps))
    )


def visible_to(user) -> QuerySet[Dossier]:
    """Dossiers a staff member may see (receiving, competent, current or a step's unit)."""
    qs = _base()
    if getattr(user, "is_superuser", False):
        return qs
    units = sorted(permissions.staff_units(user))
    if not units:
        return qs.none()
    return qs.filter(_visible_q(units))


def _dt(value, name: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        try:
            parsed = dt.datetime.combine(dt.date.fromisoformat(str(value)), dt.time())
        except ValueError:
            raise InvalidInput("filter_invalid", _("Giá trị lọc “%(name)s” không hợp lệ.") % {"name": name},
                               field=name) from None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def dossier_count(*, cap: int, **list_args) -> int:
    """``capped_count(dossier_list(**list_args), cap)`` without building the list's page
    query: only the index-served union it is counted from (a home page tile; building nine
    lists' page queries was half the home page's CPU time, docs/performance.md round two).
    A result above ``cap`` means "more than cap"."""
    return capped_counts([queryset_sql(count_source(**list_args))], cap)[0]


def count_source(**list_args) -> QuerySet:
    """The ids ``dossier_count`` counts (``dossier_list``'s arguments): the index-served union
    of the list when it has one, else the list's ids, unordered."""
    source = dossier_list(**list_args, counting=True)
    if isinstance(source, IndexIds):
        return source.union
    return source.order_by().values("pk")


def capped_counts(queries: Sequence[tuple[str, tuple] | None], cap: int,
                  alias: str | None = None) -> list[int]:
    """The number of rows of each ``(sql, params)`` (None: matches nothing), counting no
    further than ``cap + 1``, all in one statement (the home page's nine tiles were nine)."""
    given = [q for q in queries if q is not None]
    counted: list[int] = []
    if given:
        params = [p for sql, params in given for p in (*params, cap + 1)]
        connection = connections[alias or Dossier.objects.db]
        native = connection.vendor == "postgresql"
        sql = _counts_sql(tuple(sql for sql, _params in given), native)
        with (native_cursor(connection) if native else connection.cursor()) as cursor:
            generic = _prepared(connection)
            if generic:
                # A prepared statement of thirty-odd index arms: PostgreSQL kept planning it
                # afresh on every execution (a custom plan per set of values, since the generic
                # plan's estimate looked dearer), and planning was most of its cost — 5.3 ms
                # of server CPU per home page, 2.2 ms with the plan kept
                # (docs/performance.md, "Worklists, round four"). The arms' index choice does
                # not depend on the values. Only for this statement: elsewhere a value may
                # well change the plan.
                cursor.execute("SET plan_cache_mode = force_generic_plan")
            try:
                cursor.execute(sql, params)
                counted = list(cursor.fetchone())
            except Exception:
                # In a transaction the rollback undoes the SET (and a RESET would fail there).
                if generic and not connection.in_atomic_block:
                    cursor.execute("RESET plan_cache_mode")
                raise
            if generic:
                cursor.execute("RESET plan_cache_mode")  # the session's default again
    it = iter(counted)
    return [0 if q is None else next(it) for q in queries]


# The statement of each list of count queries (the tiles' are the same strings on every
# request: ``ShapedSQL``), in the form its database's cursor takes.
_COUNTS_SQL: dict[tuple[bool, tuple[str, ...]], str] = {}
_COUNTS_SQL_MAX = 2048


def _counts_sql(sqls: tuple[str, ...], native: bool) -> str:
    """``capped_counts``' statement for the queries ``sqls`` (one ``%s`` after each, the cap);
    ``native``: with PostgreSQL's own placeholders, for ``orm_speed.native_cursor`` (psycopg
    parsed the 7.5 kB, 177-parameter tiles statement afresh on every request: past the size
    its parse cache keeps, 0.36–0.39 ms of CPU per home page)."""
    key = (native, sqls)
    sql = _COUNTS_SQL.get(key)
    if sql is None:
        parts = ", ".join(f"(SELECT COUNT(*) FROM (SELECT * FROM ({q}) AS ids LIMIT %s) "
                          f"AS capped_{i})" for i, q in enumerate(sqls))
        sql = f"SELECT {parts}"
        if native:
            sql = numbered_placeholders(sql)
        if len(_COUNTS_SQL) >= _COUNTS_SQL_MAX:
            _COUNTS_SQL.clear()
        _COUNTS_SQL[key] = sql
    return sql


def _prepared(connection) -> bool:
    """True on a PostgreSQL connection that prepares repeated statements (kept connections,
    ``config.database``)."""
    if connection.vendor != "postgresql":
        return False
    connection.ensure_connection()
    return getattr(connection.connection, "prepare_threshold", None) is not None


def dossier_list(*, user, filters: dict | None = None, now: dt.datetime | None = None,
                 where: Sequence[Q] = (), order: Sequence[str] = ("-received_at", "-id"),
                 candidates: Q | None = None, candidates_visible: bool = False,
                 counting: bool = False) -> QuerySet[Dossier]:
    """Dossiers visible to ``user``, filtered, newest first.

    Filters: unit (id: receiving, competent or current), status (internal, comma list),
    national_status, overdue (bool), due_before, procedure (code), field (code),
    received_from / received_to (dates, inclusive), holder (user id), q (``search_q``: part of the code, or the name without diacritics).
    ``where``: further conditions of a worklist (they narrow the list like a status filter);
    ``order``: model field names, ending with ``id`` or ``-id`` so the order is total;
    ``candidates``: a condition with an index of its own that contains the whole list (a
    worklist's "held by me", "held by my units"): the list is read from it alone, checking
    visibility per row unless ``candidates_visible`` says the user may see all of them;
    ``counting`` (for ``dossier_count`` only): the ``IndexIds`` the list is counted from, when
    it has one, instead of the list.

    How the query is built, and why (measured at 1M dossiers, docs/performance.md): who may see
    a dossier, and ``?unit=``, are ORs over the three unit columns (plus "a step of my unit");
    no single index serves an OR, so SQLite walked the whole ``received_at`` index. When the
    list is narrowed (a status list, overdue, a worklist), each OR arm becomes a subquery of
    its own, served by a ``(unit column, status, due_at, received_at)`` index, and the list is
    ``id IN (arm UNION ALL arm …)``, the arms made disjoint (``_disjoint``): a few thousand
    index entries instead of a million rows, and a capped count stops at its cap. The
    same union carrying the ordering columns (``index_ids``) gives a page of ids and a count
    from the indexes alone. Without a narrowing filter the list is most of what the user sees,
    so one OR query is kept: walking ``received_at`` newest first finds a page at once.
    """
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    conds: list[Q] = list(where)
    narrowed = bool(conds)
    # The statuses the list is limited to, when a filter says, and the conditions saying it:
    # IndexIds' pieces take one status each in their place (given both, SQLite's planner
    # walked the (status, received_at) index through the table for an empty arm: 65 ms).
    only: list[str] | None = None
    by_status: list[Q] = []
    if "status" in filters:
        statuses = [s.strip() for s in str(filters["status"]).split(",") if s.strip()]
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise InvalidInput("filter_invalid", _('Trạng thái lọc không hợp lệ.'), field="status")
        by_status.append(Q(status__in=statuses))
        narrowed = True
        only = sorted(set(statuses))
    if "national_status" in filters:
        conds.append(Q(national_status=filters["national_status"]))
    if "overdue" in filters:
        flag = str(filters["overdue"]).lower() in ("1", "true", "yes", "on")
        if flag:
            # overdue_q(now), in its two parts.
            conds.append(Q(due_at__lt=now or timezone.now()))
            by_status.append(Q(status__in=RUNNING))
            only = RUNNING if only is None else [s for s in only if s in RUNNING]
        else:
            conds.append(~overdue_q(now))
        narrowed = narrowed or flag
    if "due_before" in filters:
        conds.append(Q(due_at__lt=_dt(filters["due_before"], "due_before")))
    if "procedure" in filters:
        conds.append(Q(procedure_version__procedure__code=filters["procedure"]))
    if "field" in filters:
        conds.append(Q(field__code=filters["field"]))
    if "received_from" in filters:
        conds.append(Q(received_at__gte=_dt(filters["received_from"], "received_from")))
    if "received_to" in filters:
        end = _dt(filters["received_to"], "received_to")
        if end.time() == dt.time():
            conds.append(Q(received_at__lt=end + dt.timedelta(days=1)))
        else:
            conds.append(Q(received_at__lte=end))
    if "holder" in filters:
        conds.append(Q(holder_id=filters["holder"]))
    if "q" in filters:
        conds.append(search_q(str(filters["q"])))
    without_status, conds = conds, [*conds, *by_status]
    unit = _unit_id(filters.get("unit"))
    if candidates is not None:
        return _from_candidates(user, unit, candidates, candidates_visible, conds, order,
                                counting=counting)
    arms = _arms(user, unit, narrowed=narrowed)
    if arms is None:
        return _base().filter(*conds).order_by(*order)
    if not arms:
        return _base().none()
    if not narrowed:
        # Its capped count (a home page tile, the list's "hơn 10.000") from the disjoint
        # index-served arms, which stop at the cap: unordered, the one OR query let SQLite
        # pick a covering index holding every unit column and walk it from the start
        # (170 ms at a million dossiers for the busiest unit's "all" tile).
        count_ids = None
        if (count_arms := _arms(user, unit, narrowed=True)):
            counted = [Dossier.objects.filter(arm, *conds).order_by().values_list("id")
                       for arm in _disjoint(count_arms)]
            count_ids = IndexIds(counted[0].union(*counted[1:], all=True), ("id",))
            if counting:
                # counting=True (dossier_count only) answers the IndexIds, not a queryset.
                return count_ids  # type: ignore[return-value]
        qs = _base().filter(reduce(operator.or_, (a for a, _t, _x in arms)), *conds).order_by(*order)
        setattr(qs, "count_ids", count_ids)  # noqa: B010
        return qs
    disjoint = _disjoint(arms)
    per_arm = [Dossier.objects.filter(arm, *conds).order_by() for arm in disjoint]
    if counting:
        counted = [a.values_list("id") for a in per_arm]
        return IndexIds(counted[0].union(*counted[1:], all=True),  # type: ignore[return-value]
                        ("id",))
    ids = [a.values("id") for a in per_arm]
    qs = _base().filter(pk__in=ids[0].union(*ids[1:], all=True)).order_by(*order)
    rows = [a.values_list("id", *_ordering_columns(order)) for a in per_arm]
    qs.index_ids = IndexIds(rows[0].union(*rows[1:], all=True), order,
                            pieces=_pieces(disjoint, without_status, order, only))
    return qs


# A status list longer than this is read arm by arm (each arm's matches sorted), not status by
# status: every piece is a subquery to plan. RUNNING (overdue) is 8.
PIECES_STATUSES_MAX = len(RUNNING)


def _pieces(disjoint: list[Q], conds: list[Q], order: Sequence[str],
            statuses: list[str] | None) -> list[tuple[QuerySet, bool]]:
    """The disjoint arms of a list (``conds``: its conditions but the status ones) cut by
    status, as ``(piece, ordered)`` for ``IndexIds``: the receiving and competent arms by
    status, each in list order from its ``(unit column, status, received_at, id …)`` index
    (``dossier_recv_status_at``, ``dossier_comp_status_at``); the current arm (its partial
    index of dossiers held by a third unit: few) and the steps arm are read whole. None
    (``[]``) unless the list is newest (or oldest) first and limited to a few known statuses."""
    if (not statuses or len(statuses) > PIECES_STATUSES_MAX
            or order[0].lstrip("-") != "received_at"):
        return []
    columns = ("id", *_ordering_columns(order))
    out: list[tuple[QuerySet, bool]] = []
    for i, arm in enumerate(disjoint):
        rows = Dossier.objects.filter(arm, *conds).order_by()
        if i < 2:
            out.extend((rows.filter(status=status).values_list(*columns), True)
                       for status in statuses)
        else:
            out.append((rows.filter(status__in=statuses).values_list(*columns), False))
    return out


def _disjoint(arms: list[Arm]) -> list[Q]:
    """The arms made disjoint: each one without the dossiers of the arms before it (their unit
    tests), so that ``UNION ALL`` gives every dossier once.

    ``UNION`` removed the duplicates by building the whole union in a temporary b-tree before
    the first row came out, so even a count that stops at 1,001 (a home page tile) read every
    match: the busiest unit's overdue tile cost 27 ms at a million dossiers on SQLite, and grew
    with the data. ``UNION ALL`` streams, and a capped count stops at the cap. The exclusions
    are unit columns, which the ``(unit column, status, due_at, received_at, …)`` indexes
    carry, so each arm stays an index-only read (migration 0011). A visibility test an arm may
    carry holds or not for the dossier whatever the arm, so excluding the unit test is enough.
    """
    out: list[Q] = []
    for i, (arm, _test, implied) in enumerate(arms):
        before = [test for _arm, test, _implied in arms[:i]]
        part = arm & ~reduce(operator.or_, before) & implied if before else arm
        out.append(part)
    return out


# A receipt's QR code holds the public lookup URL (…/tra-cuu/<code>/); a scanner types it.
_LOOKUP_URL = re.compile(r"/tra-cuu/([^/?#\s]+)/?(?:[?#].*)?$")
# Something a clerk types for a code: digits, possibly with dots, dashes and unit letters
# ("261203-0010", "0010", "000.00.01.H15-261203-0010").
_CODE_LIKE = re.compile(r"^[0-9A-Za-z.\-]*\d[0-9A-Za-z.\-]*$")


def search_term(text: str) -> str:
    """What a clerk typed or scanned, reduced to the term to look for: the code of a scanned
    lookup URL, else the text trimmed."""
    text = (text or "").strip()
    match = _LOOKUP_URL.search(text)
    if match:
        return urllib.parse.unquote(match.group(1)).strip()
    return text


def search_q(text: str) -> Q:
    """Tìm hồ sơ: a full or partial code, or the applicant's name with or without diacritics.

    A code-like term matches anywhere in the code, case-insensitively ("0010",
    "261203-0010", "h15-261203-0010"); any term also matches names, each word of the folded
    term in the folded name ("tran thi thu trang" finds "Trần Thị Thu Trang"). A scanned
    receipt URL is reduced to its code first.
    """
    term = search_term(text)
    if not term:
        return Q()
    words = fold(term).split()
    by_name = reduce(operator.and_, (Q(applicant_name_folded__contains=w) for w in words))
    if _CODE_LIKE.match(term):
        return Q(code__icontains=term) | by_name
    return by_name


def _ordering_columns(order: Sequence[str]) -> list[str]:
    return [f.lstrip("-") for f in order if f.lstrip("-") not in ("id", "pk")]


def _from_candidates(user, unit: int | None, candidates: Q, visible: bool, conds: list[Q],
                     order: Sequence[str], *, counting: bool = False):
    if unit is not None:
        conds = [*conds, Q(receiving_unit_id=unit) | Q(competent_unit_id=unit)
                 | Q(current_unit_id=unit)]
    if visible or getattr(user, "is_superuser", False):
        rows = Dossier.objects.filter(candidates, *conds)
    else:
        units = sorted(permissions.staff_units(user))
        if not units:
            return _base().none()
        # The candidates as an IN list first: given the visibility OR in the same WHERE,
        # SQLite misjudged a mostly-NULL holder column and scanned the table (0.75 s).
        inner = Dossier.objects.filter(candidates, *conds).order_by().values("pk")
        rows = Dossier.objects.filter(Q(pk__in=inner), _visible_q(units))
    if counting:
        return IndexIds(rows.order_by().values_list("id"), ("id",))
    qs = _base().filter(pk__in=rows.order_by().values("pk")).order_by(*order)
    qs.index_ids = IndexIds(rows.order_by().values_list("id", *_ordering_columns(order)), order)
    return qs


# An OR arm of a list's scope: (condition, unit test, what the arm's exclusion of the arms
# before it implies — said outright so that an index with that condition can serve it).
Arm = tuple[Q, Q, Q]


# What ``_disjoint`` adds to the receiving, competent and current arms, in that order: nothing,
# nothing, and for the current arm — held by one of the units, received and decided by none of
# them — "held by a third unit" (models.HELD_BY_THIRD), whose partial index serves it; through
# the full index it read every dossier the competent arm had already taken.
_IMPLIED = (Q(), Q(), HELD_BY_THIRD)


def _arms(user, unit: int | None, *, narrowed: bool) -> list[Arm] | None:
    """The list's scope as OR arms (``[]``: nothing visible, None: no scope at all), each as
    ``(condition, unit test, implied)``: the condition is the unit test, possibly with the
    visibility test; ``_disjoint`` excludes an arm's unit test from the arms after it and adds
    what that exclusion implies.

    Narrowed lists get index-friendly arms, each read on its own (the steps arm as an ``IN``
    over the steps of my units, which gives each dossier once); otherwise the visibility rule
    stays one row condition (the steps test as ``EXISTS``).
    """
    superuser = getattr(user, "is_superuser", False)
    units = sorted(permissions.staff_units(user))
    if unit is not None:
        tests = [Q(receiving_unit_id=unit), Q(competent_unit_id=unit), Q(current_unit_id=unit)]
        if not superuser and unit not in units:
            # Someone else's unit: only what my units may see of it.
            return ([(test & _visible_q(units), test, held)
                     for test, held in zip(tests, _IMPLIED, strict=True)] if units else [])
        # Otherwise visibility is implied: every dossier received, decided or held by one of
        # my units is visible to me, so the four-test visibility OR would only cost.
        return [(test, test, held) for test, held in zip(tests, _IMPLIED, strict=True)]
    if superuser:
        return None
    if not units:
        return []
    if narrowed:
        tests = [Q(receiving_unit_id__in=units), Q(competent_unit_id__in=units),
                 Q(current_unit_id__in=units)]
        steps = Q(pk__in=DossierStep.objects.filter(unit_id__in=units).values("dossier_id"))
        return [*((test, test, held) for test, held in zip(tests, _IMPLIED, strict=True)),
                (steps, steps, Q())]
    visible = _visible_q(units)
    return [(visible, visible, Q())]


def _unit_id(value) -> int | None:
    """The ``unit`` filter as an id (a non-number used to fail deep in the ORM with a 500)."""
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise InvalidInput("filter_invalid", _('Giá trị lọc “unit” không hợp lệ.'),
                           field="unit") from None


def dossier_get(*, user, code: str) -> Dossier:
    """One dossier by code; Dossier.DoesNotExist if absent, NotAllowed if not visible."""
    dossier = _base().get(code=code)
    if not permissions.can_view_dossier(user, dossier):
        raise NotAllowed("unit_not_allowed", _('Bạn không có quyền xem hồ sơ này.'))
    return dossier


def dossier_worklist(*, user) -> QuerySet[Dossier]:
    """Open dossiers currently held by the user's units (việc cần xử lý)."""
    units = permissions.staff_units(user)
    return (
        _base().filter(current_unit_id__in=units, status__in=OPEN)
        .order_by("due_at", "id")
    )


def dossier_overdue(*, now: dt.datetime | None = None) -> QuerySet[Dossier]:
    return _base().filter(overdue_q(now)).order_by("due_at")


def dossier_history(*, dossier: Dossier) -> QuerySet[StatusChange]:
    return dossier.status_changes.select_related("actor", "unit", "step").order_by("at", "id")


def dossier_steps(*, dossier: Dossier) -> QuerySet[DossierStep]:
    return dossier.steps.select_related("unit", "assignee", "finished_by").order_by("order", "id")


def dossier_timeliness(dossier: Dossier, *, now: dt.datetime | None = None) -> Timeliness | None:
    """Early / on time / late against the ORIGINAL due time (an apology does not make a late
    dossier on time). For an unfinished dossier: LATE once the original due has passed, else
    None."""
    due = dossier.original_due_at or dossier.due_at
    if due is None:
        return None
    calendar = deadlines.calendar_for_dossier(dossier)
    if dossier.finished_at is not None:
        return classify(dossier.finished_at, due, calendar)
    if (now or timezone.now()) > due:
        return Timeliness.LATE
    return None


def apology_register(*, unit, date_from: dt.date | None = None, date_to: dt.date | None = None
                     ) -> QuerySet[Apology]:
    """Sổ xin lỗi of a unit (apologies it issued), newest first."""
    qs = Apology.objects.filter(unit=unit).select_related(
        "dossier", "dossier__procedure_version", "issued_by", "escalated_to"
    )
    if date_from:
        qs = qs.filter(issued_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(issued_at__date__lte=date_to)
    return qs.order_by("-issued_at")
