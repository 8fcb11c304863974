"""Monthly rollups of the statistics ledger: ``MonthlyStat`` (flows of whole months) and
``StockBalance`` (stocks at each month start), sums of ``DailyStat`` complete up to
``RollupMark.until``. The report combines them with the DailyStat rows of the partial months
around them (``engine._aggregate``); the nightly task rolls them forward (docs/reports.md).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from motcua.core.bulk import clear_tables
from motcua.reports.ledger import local_day
from motcua.reports.models import (
    DIM_FIELDS,
    FLOW_METRICS,
    STOCK_METRICS,
    DailyStat,
    Metric,
    MonthlyStat,
    RollupMark,
    StockBalance,
)

# ---------------------------------------------------------------- monthly rollups
#
# MonthlyStat (flows of whole months) and StockBalance (stocks at each month start) are sums
# of DailyStat, complete up to RollupMark.until. The report combines them with the DailyStat
# rows of the partial months around them (engine._aggregate).

_DIM_COLUMNS = ", ".join(DIM_FIELDS)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def rollup_target(now: dt.datetime | None = None) -> dt.date:
    """The month start the rollups may reach: a month is rolled one day after it ends, so no
    transaction still writing its last day can be missed."""
    today = local_day(now or timezone.now())
    return month_start(today - dt.timedelta(days=1))


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} - (EXTRACT(DAY FROM {column})::int - 1))"
    return f"date({column}, 'start of month')"


def _in_list(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def rollup_rebuild(*, target: dt.date | None = None) -> None:
    """Recompute MonthlyStat and StockBalance from DailyStat (after a ledger rebuild)."""
    target = target or rollup_target()
    clear_tables(MonthlyStat, StockBalance)
    first = DailyStat.objects.aggregate(m=Min("day"))["m"]
    start = month_start(first) if first else target
    RollupMark.objects.update_or_create(pk=1, defaults={"until": min(start, target),
                                                        "first": start})
    _roll(min(start, target), target)


def rollup_refresh(*, since: dt.date | None = None, target: dt.date | None = None) -> None:
    """Bring the rollups up to date: redo the months from ``since`` (the earliest day whose
    ledger rows changed outside the hook, e.g. an import) and roll forward to ``target``.
    No-op when no rollups were ever built (the report then reads DailyStat alone)."""
    target = target or rollup_target()
    with transaction.atomic():
        _refresh(since, target)


def _refresh(since: dt.date | None, target: dt.date) -> None:
    mark = RollupMark.objects.select_for_update().filter(pk=1).first()
    if mark is None or mark.until is None:
        return
    until = mark.until
    if since is not None and since < until:
        if mark.first is None or since < mark.first:
            rollup_rebuild(target=target)  # rows before the first rolled month: start over
            return
        until = month_start(since)
        MonthlyStat.objects.filter(month__gte=until).delete()
        StockBalance.objects.filter(month__gt=until).delete()
        RollupMark.objects.filter(pk=1).update(until=until)
    if until < target:
        _roll(until, target)


def _roll(until: dt.date, target: dt.date) -> None:
    """Add the months [until, target) to MonthlyStat and the balances (until, target]."""
    flows, stocks = _in_list(FLOW_METRICS), _in_list(STOCK_METRICS)
    month = _month_sql("day")
    with connection.cursor() as cursor:
        if until < target:
            cursor.execute(
                f"INSERT INTO reports_monthlystat (month, metric, {_DIM_COLUMNS}, count) "
                f"SELECT {month}, metric, {_DIM_COLUMNS}, SUM(count) FROM reports_dailystat "
                f"WHERE metric IN {flows} AND day >= %s AND day < %s "
                f"GROUP BY {month}, metric, {_DIM_COLUMNS} HAVING SUM(count) <> 0",
                [until, target],
            )
        m = until
        while m < target:
            nxt = next_month(m)
            eve = nxt - dt.timedelta(days=1)
            # Open dossiers due before the new month are overdue at every later as-of: one row.
            cursor.execute(
                f"""
                INSERT INTO reports_stockbalance (month, metric, {_DIM_COLUMNS}, due_day, count)
                SELECT %s, metric, {_DIM_COLUMNS}, dd, SUM(n) FROM (
                    SELECT metric, {_DIM_COLUMNS},
                           CASE WHEN metric = 'open' AND due_day < %s THEN %s ELSE due_day END
                               AS dd, count AS n
                    FROM reports_stockbalance WHERE month = %s
                    UNION ALL
                    SELECT metric, {_DIM_COLUMNS},
                           CASE WHEN metric = 'open' AND due_day < %s THEN %s ELSE due_day END,
                           count
                    FROM reports_dailystat
                    WHERE metric IN {stocks} AND day >= %s AND day < %s
                ) x
                GROUP BY metric, {_DIM_COLUMNS}, dd HAVING SUM(n) <> 0
                """,
                [nxt, nxt, eve, m, nxt, eve, m, nxt],
            )
            m = nxt
    RollupMark.objects.filter(pk=1).update(until=target)


def rollup_on_deltas(dims, deltas: Counter) -> None:
    """Keep the rollups exact when the hook writes ledger rows before the rolled months end
    (a back-dated change, a flag corrected on the received day, a whole replay)."""
    if not deltas:
        return
    earliest = min(day for day, _, _ in deltas)
    if earliest >= month_start(local_day(timezone.now())):
        return  # the usual case: today is never inside a rolled month
    with transaction.atomic():  # the lock needs a transaction (services always have one)
        mark = RollupMark.objects.select_for_update().filter(pk=1)
        until = mark.values_list("until", flat=True).first()
        if until is not None and earliest < until:
            _rollup_deltas(dims, deltas, until)


def _rollup_deltas(dims, deltas: Counter, until: dt.date) -> None:
    monthly: Counter = Counter()
    balances: Counter = Counter()
    for (day, metric, due_day), n in deltas.items():
        if not n or day >= until:
            continue
        if metric in FLOW_METRICS:
            monthly[(month_start(day), metric)] += n
            continue
        m = next_month(day)
        while m <= until:
            eve = m - dt.timedelta(days=1)
            bucket = eve if metric == Metric.OPEN and due_day < m else due_day
            balances[(m, metric, bucket)] += n
            m = next_month(m)
    upsert_counts("reports_monthlystat", ("month", "metric", *DIM_FIELDS),
            [(m, metric, *dims, n) for (m, metric), n in monthly.items() if n])
    upsert_counts("reports_stockbalance", ("month", "metric", *DIM_FIELDS, "due_day"),
            [(m, metric, *dims, dd, n) for (m, metric, dd), n in balances.items() if n])


def upsert_counts(table: str, key: tuple, rows: list[tuple]) -> None:
    """Add ``rows`` (key values then a count) to the counts of ``table``, creating missing keys."""
    if not rows:
        return
    ops = connection.ops
    adapted = [
        tuple(ops.adapt_datefield_value(v) if isinstance(v, dt.date) else v for v in row)
        for row in rows
    ]
    columns = ", ".join(key)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}, count) VALUES ({', '.join(['%s'] * (len(key) + 1))})"
            f" ON CONFLICT ({columns}) DO UPDATE SET count = {table}.count + excluded.count",
            adapted,
        )


def rollup_snapshot() -> tuple[dict, dict]:
    """Non-zero MonthlyStat and StockBalance counts by full key (for comparisons)."""
    monthly = {
        (r[0], r[1], *r[2:8]): r[8]
        for r in MonthlyStat.objects.exclude(count=0).values_list(
            "month", "metric", *DIM_FIELDS, "count")
    }
    balances = {
        (r[0], r[1], *r[2:9]): r[9]
        for r in StockBalance.objects.exclude(count=0).values_list(
            "month", "metric", *DIM_FIELDS, "due_day", "count")
    }
    return monthly, balances
