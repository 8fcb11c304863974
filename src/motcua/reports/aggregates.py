"""Keeping the daily statistics ledger (``DailyStat``) in step with the dossiers.

* ``ledger_on_change`` runs inside every transition's transaction (via ``hooks``): one read of
  the dossier's ``LedgerState`` and a couple of indexed upserts.
* ``ledger_rebuild`` replays every dossier's history from scratch (``motcua reports_rebuild``).
* ``ledger_merge`` adds many dossiers at once (the legacy import).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, router, transaction
from django.db.models import Min
from django.db.models.expressions import RawSQL

from motcua.catalog.models import ProcedureVersion
from motcua.core.bulk import clear_tables, fast_insert
from motcua.core.orm_speed import CompiledInsert
from motcua.dossiers.models import Dossier, StatusChange
from motcua.dossiers.states import Status
from motcua.reports.bulk import (
    ledger_temp_drop,
    ledger_temp_insert,
    ledger_temp_tables,
)
from motcua.reports.ledger import (
    Change,
    Facts,
    Track,
    advance,
    cohort_deltas,
    contribution,
    local_day,
    replay,
)
from motcua.reports.models import (
    DIM_FIELDS,
    DailyStat,
    LedgerState,
    MonthlyStat,
    StockBalance,
)
from motcua.reports.rollups import (
    rollup_on_deltas,
    rollup_rebuild,
    rollup_refresh,
    upsert_counts,
)

DOSSIER_VALUES = (
    "id", "received_at", "status", "receiving_unit_id", "competent_unit_id", "field_id",
    "procedure_version_id", "procedure_version__procedure_id", "procedure_version__level",
    "channel", "digitised", "fee_total", "paid_online", "original_due_at",
    "rescheduled_due_at", "due_at",
)
CHANGE_VALUES = ("dossier_id", "at", "to_status", "due_at", "id", "stat_due_at")
BATCH = 5000


def facts_from_values(row: dict) -> Facts:
    """Facts from a ``Dossier.objects.values(*DOSSIER_VALUES)`` row."""
    return Facts(
        received_at=row["received_at"],
        refused=row["status"] == Status.REFUSED_AT_RECEPTION,
        dims=(
            row["receiving_unit_id"], row["competent_unit_id"], row["field_id"],
            row["procedure_version__procedure_id"], row["procedure_version__level"],
            row["channel"],
        ),
        digitised=row["digitised"],
        fee=row["fee_total"] > 0,
        paid_online=row["paid_online"],
        original_due=row["original_due_at"],
        rescheduled_due=row["rescheduled_due_at"],
        fallback_due=row["due_at"],
    )


def facts_from_dossier(dossier: Dossier, procedure_id: int, level: str) -> Facts:
    return Facts(
        received_at=dossier.received_at,
        refused=dossier.status == Status.REFUSED_AT_RECEPTION,
        dims=(
            dossier.receiving_unit_id, dossier.competent_unit_id, dossier.field_id,
            procedure_id, level, dossier.channel,
        ),
        digitised=dossier.digitised,
        fee=(dossier.fee_total or 0) > 0,
        paid_online=dossier.paid_online,
        original_due=dossier.original_due_at,
        rescheduled_due=dossier.rescheduled_due_at,
        fallback_due=dossier.due_at,
    )


def changes_of(dossier_id: int) -> list[Change]:
    return [
        Change(r["at"], r["to_status"], r["due_at"], r["id"], r["stat_due_at"])
        for r in StatusChange.objects.filter(dossier_id=dossier_id)
        .order_by("at", "id")
        .values(*CHANGE_VALUES)
    ]


def _key(dims, day, metric, due_day) -> dict:
    return dict(zip(DIM_FIELDS, dims, strict=True), day=day, metric=metric, due_day=due_day)


def apply_deltas(dims, deltas: Counter) -> None:
    """Add signed counts to the ledger rows, creating the missing ones.

    One upsert statement for all the rows (``INSERT … ON CONFLICT (key) DO UPDATE SET count =
    count + excluded.count``, on the table's unique key): the hook runs inside every transition's
    transaction, where an UPDATE-then-INSERT per row cost a round trip each under the write
    lock, and the conflict clause also settles a concurrent first insert of the same row.
    """
    rollup_on_deltas(dims, deltas)
    upsert_counts(
        DailyStat._meta.db_table, ("day", "metric", *DIM_FIELDS, "due_day"),
        [(day, metric, *dims, due_day, n) for (day, metric, due_day), n in deltas.items() if n],
    )


def _state_fields(facts: Facts, version_id: int, track: Track, last: Change | None) -> dict:
    metric, due_day = contribution(track, facts)
    return dict(
        zip(DIM_FIELDS, facts.dims, strict=True),
        procedure_version_id=version_id,
        received_at=facts.received_at,
        digitised=facts.digitised,
        fee=facts.fee,
        paid_online=facts.paid_online,
        status=track.status,
        due_at=track.due,
        kind=track.kind,
        paused_overdue=track.paused_overdue,
        ended_at=track.ended_at,
        timeliness=track.timeliness,
        metric=metric,
        due_day=due_day,
        last_at=last.at if last else facts.received_at,
        last_change_id=last.id if last else 0,
    )


def _state_dims(state: LedgerState):
    return tuple(getattr(state, f) for f in DIM_FIELDS)


def _flag_deltas(old: LedgerState, facts: Facts) -> Counter:
    before = Facts(
        received_at=old.received_at, refused=False, dims=facts.dims, digitised=old.digitised,
        fee=old.fee, paid_online=old.paid_online,
    )
    deltas = cohort_deltas(facts)
    deltas.subtract(cohort_deltas(before))
    return deltas


_NEW_STATE = CompiledInsert(LedgerState)


@dataclass(frozen=True)
class FirstPlan:
    """What a dossier's first history row adds to the ledger, all but the ids: computed from
    the dossier and the row as they will be written (``ledger_plan_first``), so the intake can
    do it before its transaction and only write under the lock (``ledger_write_first``)."""

    counted: bool
    dims: tuple = ()
    deltas: Counter = field(default_factory=Counter)
    state: LedgerState | None = None  # its dossier_id and last_change_id come with the ids
    row: list | None = None  # the state's prepared values (``_NEW_STATE.row``), when usable
    has_last: bool = False


def _procedure_and_level(dossier: Dossier) -> tuple[int, str]:
    """The procedure and level of ``dossier``'s version: from the version the dossier carries
    (intake hands over the one it has just read: no second read under the lock), else read."""
    version = (
        dossier.procedure_version if Dossier.procedure_version.is_cached(dossier) else None
    )
    if version is not None and version.pk == dossier.procedure_version_id:
        return version.procedure_id, version.level
    return ProcedureVersion.objects.values_list("procedure_id", "level").get(
        pk=dossier.procedure_version_id
    )


def ledger_plan_first(*, dossier: Dossier, change: StatusChange) -> FirstPlan:
    """The ledger's part of a new dossier's first history row ``change`` (neither need be
    saved yet: no id is used; the version's procedure is read when the dossier does not carry
    its version)."""
    procedure_id, level = _procedure_and_level(dossier)
    facts = facts_from_dossier(dossier, procedure_id, level)
    if not facts.counted:
        return FirstPlan(counted=False)
    # A new dossier has no ledger state and no older history row: nothing to read.
    # The row's id is not known yet (0 here): ``ledger_write_first`` puts it in.
    history = [Change(change.at, change.to_status, change.due_at, 0, change.stat_due_at)]
    deltas, track, last = replay(facts, history)
    assert track is not None  # counted facts always replay to a track
    state = LedgerState(dossier_id=0,
                        **_state_fields(facts, dossier.procedure_version_id, track, last))
    row = _NEW_STATE.row(state, router.db_for_write(LedgerState)) if _NEW_STATE.usable() else None
    return FirstPlan(counted=True, dims=facts.dims, deltas=deltas, state=state, row=row,
                     has_last=last is not None)


def ledger_write_first(plan: FirstPlan, *, dossier: Dossier, change: StatusChange) -> None:
    """Write ``plan`` for the saved ``dossier`` and ``change``, in their transaction."""
    if not plan.counted:
        return
    apply_deltas(plan.dims, plan.deltas)
    state = plan.state
    assert state is not None
    state.dossier_id = dossier.pk
    state.last_change_id = change.pk if plan.has_last else 0
    if plan.row is not None and _NEW_STATE.usable():
        # Every intake writes one, under the write lock: compiled once per process, its values
        # prepared with the plan.
        alias = router.db_for_write(LedgerState)
        row = list(plan.row)
        _NEW_STATE.set(row, state, alias, "dossier_id", "last_change_id")
        _NEW_STATE.insert(alias, [state], [row])
    else:
        state.save(force_insert=True)  # what objects.create() does


def ledger_on_change(*, dossier: Dossier, change: StatusChange, first: bool = False) -> None:
    """Bring the ledger up to date with one new StatusChange of ``dossier``.

    ``first``: the dossier was created in this transaction and ``change`` is its only history
    row (intake says so), so there is no ledger state and no older row to read: two reads
    fewer under the write lock for every intake.
    """
    if first:
        # Planned before the intake's transaction when it could be (``first_change_planned``).
        plan = getattr(change, "_ledger_plan", None) or ledger_plan_first(dossier=dossier,
                                                                          change=change)
        ledger_write_first(plan, dossier=dossier, change=change)
        return
    state = LedgerState.objects.filter(pk=dossier.pk).first()
    if state is not None and state.procedure_version_id == dossier.procedure_version_id:
        procedure_id, level = state.procedure_id, state.level
    else:
        procedure_id, level = _procedure_and_level(dossier)
    facts = facts_from_dossier(dossier, procedure_id, level)
    if state is None:
        if not facts.counted:
            return
        deltas, track, last = replay(facts, changes_of(dossier.pk))
        apply_deltas(facts.dims, deltas)
        LedgerState.objects.create(
            dossier_id=dossier.pk,
            **_state_fields(facts, dossier.procedure_version_id, track, last),
        )
        return

    step = Change(change.at, change.to_status, change.due_at, change.pk, change.stat_due_at)
    structural = (
        not facts.counted
        or facts.dims != _state_dims(state)
        or facts.received_at != state.received_at
        or (step.at, step.id) <= (state.last_at, state.last_change_id)
    )
    if structural:
        _replace_dossier(dossier, state, facts, new_change_id=change.pk)
        return

    track = Track(
        state.status, state.due_at, state.kind, state.paused_overdue, state.ended_at,
        state.timeliness,
    )
    new_track = advance(track, facts, step)
    new_key = contribution(new_track, facts)
    deltas = _flag_deltas(state, facts)
    if new_key != (state.metric, state.due_day):
        # A change dated before the receipt (a back-dated submission row) moves the stock as
        # it opens, on the receipt day, as the replay does: never on a day before it existed.
        day = local_day(max(step.at, facts.received_at))
        deltas[(day, state.metric, state.due_day)] -= 1
        deltas[(day, *new_key)] += 1
    apply_deltas(facts.dims, deltas)
    for name, value in _state_fields(facts, dossier.procedure_version_id, new_track, step).items():
        setattr(state, name, value)
    state.save()


def _replace_dossier(
    dossier: Dossier, state: LedgerState, facts: Facts, new_change_id: int
) -> None:
    """Slow path (the reporting key, the receipt time or the order of history changed):
    take the dossier's whole old contribution out and put the new one in."""
    changes = changes_of(dossier.pk)
    # What the ledger holds is the replay of every row but the new one. (Not "rows up to the
    # last one applied": a back-dated row sorts before it but was never applied.)
    before = [c for c in changes if c.id != new_change_id]
    old_facts = Facts(
        received_at=state.received_at, refused=False, dims=_state_dims(state),
        digitised=state.digitised, fee=state.fee, paid_online=state.paid_online,
        original_due=facts.original_due, rescheduled_due=facts.rescheduled_due,
        fallback_due=facts.fallback_due,
    )
    old, _, _ = replay(old_facts, before)
    apply_deltas(old_facts.dims, Counter({k: -v for k, v in old.items()}))
    state.delete()
    if not facts.counted:
        return
    deltas, track, last = replay(facts, changes)
    apply_deltas(facts.dims, deltas)
    LedgerState.objects.create(
        dossier_id=dossier.pk, **_state_fields(facts, dossier.procedure_version_id, track, last)
    )


def iter_histories(dossiers, chunk: int = 2000) -> Iterator[tuple[dict, list[Change]]]:
    """(dossier values row, its changes in order) for every dossier of the queryset."""
    last_id = 0
    while True:
        rows = list(
            dossiers.filter(id__gt=last_id).order_by("id").values(*DOSSIER_VALUES)[:chunk]
        )
        if not rows:
            return
        by_dossier: dict[int, list[Change]] = defaultdict(list)
        for r in (
            StatusChange.objects.filter(dossier_id__in=[r["id"] for r in rows])
            .order_by("dossier_id", "at", "id")
            .values_list(*CHANGE_VALUES)
        ):
            by_dossier[r[0]].append(Change(*r[1:]))
        for row in rows:
            yield row, by_dossier.get(row["id"], [])
        last_id = rows[-1]["id"]


def _replay_all(histories: Iterable[tuple[dict, list[Change]]], progress: Callable | None):
    totals: dict[tuple, int] = defaultdict(int)
    states: list[LedgerState] = []
    for row, changes in histories:
        facts = facts_from_values(row)
        deltas, track, last = replay(facts, changes)
        if track is None:
            continue
        for (day, metric, due_day), n in deltas.items():
            totals[(facts.dims, day, metric, due_day)] += n
        states.append(
            {"dossier_id": row["id"], **_state_fields(facts, row["procedure_version_id"], track, last)}
        )
        if len(states) >= BATCH:
            fast_insert(LedgerState, states)
            states = []
        if progress:
            progress(1)
    fast_insert(LedgerState, states)
    return totals


def _stat(key: tuple, n: int) -> dict:
    dims, day, metric, due_day = key
    return {"count": n, **_key(dims, day, metric, due_day)}


def ledger_rebuild(*, progress: Callable | None = None, method: str = "auto") -> int:
    """Recompute the whole ledger from the dossiers and their histories; returns the row count.

    ``method``: ``sql`` replays every history with window functions inside the database
    (SQLite, PostgreSQL; about a minute per million dossiers), ``python`` folds each dossier
    with ``ledger.replay`` (the reference; ~0.4 ms a dossier), ``auto`` picks ``sql`` when the
    data allow it. ``progress(n)`` is called with the number of dossiers done. Bulk loaders call
    this once after loading (see docs/reports.md).
    """
    if method not in ("auto", "sql", "python"):
        raise ValueError(method)
    with transaction.atomic():
        clear_tables(DailyStat, LedgerState, MonthlyStat, StockBalance)
        if method == "sql" or (method == "auto" and sql_ledger_usable()):
            count = _sql_ledger(progress=progress, merge=False)
        else:
            totals = _replay_all(iter_histories(Dossier.objects.all()), progress)
            rows = [_stat(k, n) for k, n in totals.items() if n]
            fast_insert(DailyStat, rows)
            count = len(rows)
        rollup_rebuild()
    return count


# Vietnam has kept UTC+7 without daylight saving since 13/06/1975; the SQLite expressions use
# that fixed offset, so older instants go through the Python fold.
_FIXED_OFFSET_SINCE = dt.datetime(1975, 6, 14, tzinfo=dt.UTC)


def sql_ledger_usable(dossiers=None) -> bool:
    """Whether the set-based replay applies to ``dossiers`` (default: all)."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    if connection.vendor == "postgresql":
        return True
    dossiers = Dossier.objects.all() if dossiers is None else dossiers
    early = (
        dossiers.filter(received_at__lt=_FIXED_OFFSET_SINCE).exists()
        or dossiers.filter(original_due_at__lt=_FIXED_OFFSET_SINCE).exists()
        or dossiers.filter(due_at__lt=_FIXED_OFFSET_SINCE).exists()
        or StatusChange.objects.filter(
            dossier__in=dossiers, at__lt=_FIXED_OFFSET_SINCE
        ).exists()
        or StatusChange.objects.filter(
            dossier__in=dossiers, due_at__lt=_FIXED_OFFSET_SINCE
        ).exists()
    )
    return not early


def _sql_ledger(*, progress: Callable | None, merge: bool, where: str = "",
                params: tuple = ()) -> int:
    """Set-based replay (bulk.ledger_temp_tables) of the dossiers matching ``where``."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Sorts of a few million history rows stay in memory.
            cursor.execute("SET LOCAL work_mem = '256MB'")
    try:
        ledger_temp_tables(where, params)
        count = ledger_temp_insert(merge=merge)
        if progress:
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM motcua_ledger_d")
                progress(cursor.fetchone()[0])
    finally:
        ledger_temp_drop()
    return count


def ledger_merge(dossier_ids: list[int] | None = None, *, progress: Callable | None = None,
                 id_range: tuple[int, int] | None = None) -> None:
    """Add dossiers that have no ledger state yet (bulk import) to the ledger.

    Either ``dossier_ids`` or ``id_range`` (inclusive; dossiers of the range that already have
    a ledger state are skipped). Runs inside the caller's transaction. Set-based (an upsert of
    the summed rows) when the database allows it; otherwise the Python fold, with the touched
    days' rows locked (PostgreSQL) and rewritten with the summed counts. The monthly rollups
    are refreshed from the earliest touched month.
    """
    if id_range is not None:
        dossiers = Dossier.objects.filter(id__gte=id_range[0], id__lte=id_range[1]).exclude(
            id__in=LedgerState.objects.values("dossier_id")
        )
        where = (
            "d.id BETWEEN %s AND %s AND NOT EXISTS (SELECT 1 FROM reports_ledgerstate ls"
            " WHERE ls.dossier_id = d.id)"
        )
        params = tuple(id_range)
    else:
        # The ids go into a temporary table, never into the SQL text: an import of a million
        # rows is a million ids, past SQLite's limit on bound variables (250,000 here).
        _temp_ids(dossier_ids or [])
        dossiers = Dossier.objects.filter(id__in=RawSQL("SELECT id FROM motcua_merge_ids", ()))
        where, params = "d.id IN (SELECT id FROM motcua_merge_ids)", ()
    try:
        first = dossiers.filter(received_at__isnull=False).aggregate(m=Min("received_at"))["m"]
        if first is None:
            return
        if sql_ledger_usable(dossiers):
            _sql_ledger(progress=progress, merge=True, where=where, params=params)
        else:
            _python_merge(list(dossiers.values_list("id", flat=True)), progress)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS motcua_merge_ids")
    rollup_refresh(since=local_day(first))


def _temp_ids(ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS motcua_merge_ids")
        cursor.execute("CREATE TEMP TABLE motcua_merge_ids (id bigint PRIMARY KEY)")
        cursor.executemany("INSERT INTO motcua_merge_ids (id) VALUES (%s)", [(i,) for i in ids])


def _python_merge(dossier_ids: list[int], progress: Callable | None) -> None:
    totals: dict[tuple, int] = defaultdict(int)
    for start in range(0, len(dossier_ids), BATCH):
        ids = dossier_ids[start : start + BATCH]
        part = _replay_all(iter_histories(Dossier.objects.filter(id__in=ids)), progress)
        for key, n in part.items():
            totals[key] += n
    if not totals:
        return
    days = {k[1] for k in totals}
    existing = {}
    for stat in DailyStat.objects.select_for_update().filter(day__in=days).iterator(BATCH):
        dims = tuple(getattr(stat, f) for f in DIM_FIELDS)
        existing[(dims, stat.day, stat.metric, stat.due_day)] = stat
    to_update, to_create = [], []
    for key, n in totals.items():
        if not n:
            continue
        stat = existing.get(key)
        if stat is None:
            to_create.append(_stat(key, n))
        else:
            stat.count += n
            to_update.append(stat)
    DailyStat.objects.bulk_update(to_update, ["count"], batch_size=BATCH)
    fast_insert(DailyStat, to_create)


def ledger_snapshot() -> dict[tuple, int]:
    """Every non-zero ledger count by its full key (for comparisons and diagnostics)."""
    return {
        (r["day"], r["metric"], *(r[f] for f in DIM_FIELDS), r["due_day"]): r["count"]
        for r in DailyStat.objects.exclude(count=0).values("day", "metric", "due_day", "count", *DIM_FIELDS)
    }


LEDGER_STATE_FIELDS = (
    "dossier_id", "procedure_version_id", *DIM_FIELDS, "received_at", "digitised", "fee",
    "paid_online", "status", "due_at", "kind", "paused_overdue", "ended_at", "timeliness",
    "metric", "due_day", "last_at", "last_change_id",
)


def ledger_state_snapshot() -> dict[int, tuple]:
    """Every ``LedgerState`` row as a tuple, by dossier id (for comparisons)."""
    return {
        r[0]: r[1:] for r in LedgerState.objects.values_list(*LEDGER_STATE_FIELDS)
    }
