"""The set-based ledger (SQL) of the bulk paths (import, rebuild).

The plain multi-row inserts live in ``motcua.core.bulk`` (the dossier import uses them too).
"""

from __future__ import annotations

from django.db import connection

# ------------------------------------------------------------------ set-based ledger (SQL)
#
# The same fold as ``motcua.reports.ledger.replay``, written as window functions so that a
# million histories are replayed by the database instead of one Python call per dossier.
# tests/reports/test_ledger_sql.py proves both give the same ledger and the same
# ``LedgerState`` on random (also malformed) histories; change them together.
#
# Per dossier: the initial state counts +1 on the received day; every history row i up to the
# first end of processing counts -c(i-1) and +c(i) on max(its day, the received day), where c
# is the (metric, due_day) contribution after that row. Summed, rows before the receipt
# telescope into "the state at receipt", exactly as ``replay`` opens the dossier.

_LEDGER_D = "motcua_ledger_d"
_LEDGER_S = "motcua_ledger_s"


def _sql_fragments() -> dict[str, object]:
    """The few expressions SQLite and PostgreSQL spell differently."""
    if connection.vendor == "postgresql":
        return {
            "local_date": lambda x: f"(({x}) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date",
            # due_bucket: the local date of (due + 1 µs).
            "bucket": lambda x: (
                f"((({x}) + interval '1 microsecond') AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
            ),
            "greatest": "GREATEST",
            "no_due": "DATE '9999-12-31'",
            "true": "TRUE",
            "false": "FALSE",
            "temp": "CREATE TEMP TABLE {} ON COMMIT DROP AS ",
        }
    if connection.vendor == "sqlite":
        # Datetimes are UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]'; Vietnam has been UTC+7 without
        # daylight saving since 1975 (aggregates._sql_ledger_usable checks the data is later).
        return {
            "local_date": lambda x: f"date(substr({x}, 1, 19), '+7 hours')",
            "bucket": lambda x: (
                f"date(substr({x}, 1, 19), '+7 hours', CASE WHEN substr({x}, 12, 8) = '16:59:59'"
                f" AND substr({x}, 20) = '.999999' THEN '+1 day' ELSE '+0 days' END)"
            ),
            "greatest": "MAX",
            "no_due": "'9999-12-31'",
            "true": "1",
            "false": "0",
            "temp": "CREATE TEMP TABLE {} AS ",
        }
    raise NotImplementedError(connection.vendor)


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"


def _stat_due(due: str) -> str:
    """``Facts.stat_due``: an apology's new date is replaced by the original due."""
    return (
        f"CASE WHEN {due} IS NULL THEN COALESCE(o, f) "
        f"WHEN r IS NOT NULL AND o IS NOT NULL AND {due} = r THEN o ELSE {due} END"
    )


def ledger_temp_tables(where: str = "", params: tuple = ()) -> None:
    """Replay the histories of the counted dossiers matching ``where`` (SQL on alias ``d``)
    into two temporary tables: ``motcua_ledger_d`` (one row per dossier: reporting key,
    flags, received day) and ``motcua_ledger_s`` (one row per history row up to the first
    end of processing, with its contribution and the previous one)."""
    from motcua.dossiers.states import PAUSED, PROCESSING_ENDED, Status

    sql = _sql_fragments()
    local_date, bucket, no_due = sql["local_date"], sql["bucket"], sql["no_due"]
    ended, paused = _in(PROCESSING_ENDED), _in(PAUSED)
    refused = Status.REFUSED_AT_RECEPTION.value
    ledger_temp_drop()
    with connection.cursor() as cursor:
        cursor.execute(
            sql["temp"].format(_LEDGER_D)
            + f"""
            SELECT d.id, d.received_at AS recv, d.original_due_at AS o,
                   d.rescheduled_due_at AS r, d.due_at AS f,
                   d.receiving_unit_id AS ru, d.competent_unit_id AS cu, d.field_id AS fi,
                   pv.procedure_id AS pr, pv.level AS lv, d.channel AS ch,
                   d.procedure_version_id AS pv_id, d.digitised AS digi,
                   (d.fee_total > 0) AS fee, d.paid_online AS paid,
                   {local_date('d.received_at')} AS recv_day,
                   CASE WHEN COALESCE(d.original_due_at, d.due_at) IS NULL THEN {no_due}
                        ELSE {bucket('COALESCE(d.original_due_at, d.due_at)')} END AS c0_due_day
            FROM dossiers_dossier d
            JOIN catalog_procedureversion pv ON pv.id = d.procedure_version_id
            WHERE d.received_at IS NOT NULL AND d.status <> '{refused}'
            {'AND (' + where + ')' if where else ''}
            """,
            params,
        )
        if connection.vendor == "sqlite":
            cursor.execute(f"CREATE UNIQUE INDEX {_LEDGER_D}_id ON {_LEDGER_D} (id)")
        else:
            cursor.execute(f"ALTER TABLE {_LEDGER_D} ADD PRIMARY KEY (id)")
            cursor.execute(f"ANALYZE {_LEDGER_D}")
        sd = _stat_due("due")
        materialized = "MATERIALIZED" if connection.vendor == "sqlite" else ""
        cursor.execute(
            sql["temp"].format(_LEDGER_S)
            + f"""
            WITH l1 AS (
                SELECT c.dossier_id, c.id, c.at, c.to_status, c.due_at,
                       t.o, t.r, t.f, t.recv_day, t.c0_due_day,
                       ROW_NUMBER() OVER w AS seq,
                       COUNT(c.due_at) OVER w AS due_grp,
                       SUM(CASE WHEN c.to_status IN {ended} THEN 1 ELSE 0 END) OVER w AS n_ended,
                       SUM(CASE WHEN c.to_status IN {paused} THEN 0 ELSE 1 END) OVER w AS run,
                       LAG(c.to_status) OVER w AS prev_status,
                       LAST_VALUE(c.at) OVER w_all AS last_at,
                       LAST_VALUE(c.id) OVER w_all AS last_id
                FROM dossiers_statuschange c
                JOIN {_LEDGER_D} t ON t.id = c.dossier_id
                WINDOW w AS (PARTITION BY c.dossier_id ORDER BY c.at, c.id
                             ROWS UNBOUNDED PRECEDING),
                       w_all AS (PARTITION BY c.dossier_id ORDER BY c.at, c.id
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
            ),
            l2 AS (
                SELECT *, FIRST_VALUE(due_at) OVER (
                           PARTITION BY dossier_id, due_grp ORDER BY seq) AS due
                FROM l1
                -- After the first end of processing the state is frozen (766 rule).
                WHERE n_ended = 0 OR (n_ended = 1 AND to_status IN {ended})
            ),
            l3 AS {materialized} (
                SELECT dossier_id, id, at, to_status, due, seq, recv_day, c0_due_day,
                       last_at, last_id, run, sd,
                       {local_date('at')} AS at_day,
                       CASE WHEN sd IS NULL THEN NULL ELSE {local_date('sd')} END AS sd_day,
                       CASE WHEN sd IS NULL THEN {no_due} ELSE {bucket('sd')} END AS sd_bucket,
                       CASE WHEN to_status IN {ended} THEN 'ended'
                            WHEN to_status IN {paused} THEN 'paused' ELSE 'open' END AS kind,
                       CASE WHEN to_status IN {paused}
                             AND (prev_status IS NULL OR prev_status NOT IN {paused})
                            THEN CASE WHEN sd IS NOT NULL AND at > sd THEN 1 ELSE 0 END
                       END AS enter_over
                FROM (SELECT *, {sd} AS sd FROM l2) l2sd
            ),
            l4 AS (
                SELECT dossier_id, id, at, to_status, due, seq, recv_day, c0_due_day,
                       last_at, last_id, kind, at_day,
                       CASE WHEN kind = 'ended' THEN
                                CASE WHEN sd IS NULL THEN 'ontime' WHEN at > sd THEN 'late'
                                     WHEN at_day < sd_day THEN 'early' ELSE 'ontime' END
                            WHEN kind = 'paused' THEN
                                CASE WHEN MAX(enter_over) OVER (PARTITION BY dossier_id, run) = 1
                                     THEN 'p_over' ELSE 'p_in' END
                            ELSE 'open' END AS metric,
                       CASE WHEN kind = 'open' THEN sd_bucket ELSE {no_due} END AS due_day,
                       CASE WHEN kind <> 'ended' THEN ''
                            WHEN sd IS NULL THEN 'on_time' WHEN at > sd THEN 'late'
                            WHEN at_day < sd_day THEN 'early' ELSE 'on_time' END AS tl,
                       CASE WHEN kind = 'paused'
                            THEN MAX(enter_over) OVER (PARTITION BY dossier_id, run)
                            ELSE 0 END AS over
                FROM l3
            )
            SELECT dossier_id, id, at, to_status, due, kind, metric, due_day, tl, over,
                   last_at, last_id,
                   COALESCE(LAG(metric) OVER p, 'open') AS prev_metric,
                   COALESCE(LAG(due_day) OVER p, c0_due_day) AS prev_due_day,
                   {sql['greatest']}(at_day, recv_day) AS day,
                   CASE WHEN seq = MAX(seq) OVER (PARTITION BY dossier_id) THEN 1 ELSE 0 END
                       AS final
            FROM l4
            WINDOW p AS (PARTITION BY dossier_id ORDER BY seq)
            """
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {_LEDGER_S}")


def ledger_temp_drop() -> None:
    with connection.cursor() as cursor:
        for table in (_LEDGER_S, _LEDGER_D):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


_DIMS = "ru, cu, fi, pr, lv, ch"
_STAT_COLUMNS = (
    "day, metric, receiving_unit_id, competent_unit_id, field_id, procedure_id, level, channel,"
    " due_day, count"
)


def ledger_temp_deltas_sql() -> str:
    """SELECT of the summed ledger rows (non-zero) of the temporary tables' dossiers."""
    no_due = _sql_fragments()["no_due"]
    return f"""
        SELECT day, metric, {_DIMS}, due_day, SUM(n) AS n FROM (
            SELECT recv_day AS day, 'recv' AS metric, {_DIMS}, {no_due} AS due_day, 1 AS n
                FROM {_LEDGER_D}
            UNION ALL SELECT recv_day, 'digi', {_DIMS}, {no_due}, 1 FROM {_LEDGER_D} WHERE digi
            UNION ALL SELECT recv_day, 'fee', {_DIMS}, {no_due}, 1 FROM {_LEDGER_D} WHERE fee
            UNION ALL SELECT recv_day, 'paid', {_DIMS}, {no_due}, 1 FROM {_LEDGER_D}
                WHERE paid AND fee
            UNION ALL SELECT recv_day, 'open', {_DIMS}, c0_due_day, 1 FROM {_LEDGER_D}
            UNION ALL SELECT s.day, s.prev_metric, {_DIMS}, s.prev_due_day, -1
                FROM {_LEDGER_S} s JOIN {_LEDGER_D} t ON t.id = s.dossier_id
                WHERE s.metric <> s.prev_metric OR s.due_day <> s.prev_due_day
            UNION ALL SELECT s.day, s.metric, {_DIMS}, s.due_day, 1
                FROM {_LEDGER_S} s JOIN {_LEDGER_D} t ON t.id = s.dossier_id
                WHERE s.metric <> s.prev_metric OR s.due_day <> s.prev_due_day
        ) deltas
        GROUP BY day, metric, {_DIMS}, due_day
        HAVING SUM(n) <> 0
    """


def ledger_temp_insert(*, merge: bool) -> int:
    """Write the temporary tables' ledger into ``reports_dailystat`` (adding to existing rows
    when ``merge``) and their final states into ``reports_ledgerstate``; returns the number of
    ledger rows written."""
    sql = _sql_fragments()
    upsert = ""
    where_true = ""
    if merge:
        where_true = "WHERE TRUE" if connection.vendor == "sqlite" else ""  # SQLite upsert parse
        upsert = (
            " ON CONFLICT (day, metric, receiving_unit_id, competent_unit_id, field_id,"
            " procedure_id, level, channel, due_day)"
            " DO UPDATE SET count = reports_dailystat.count + excluded.count"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO reports_dailystat ({_STAT_COLUMNS}) SELECT * FROM "
            f"({ledger_temp_deltas_sql()}) x {where_true}"
            # In the unique index's order: each B-tree insert lands next to the previous one.
            f" ORDER BY day, metric, {_DIMS}, due_day{upsert}"
        )
        rows = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO reports_ledgerstate (
                dossier_id, procedure_version_id, receiving_unit_id, competent_unit_id,
                field_id, procedure_id, level, channel, received_at, digitised, fee,
                paid_online, status, due_at, kind, paused_overdue, ended_at, timeliness,
                metric, due_day, last_at, last_change_id)
            SELECT t.id, t.pv_id, t.ru, t.cu, t.fi, t.pr, t.lv, t.ch, t.recv, t.digi, t.fee,
                   t.paid, COALESCE(s.to_status, 'received'), s.due, COALESCE(s.kind, 'open'),
                   CASE WHEN s.kind = 'paused' AND s.over = 1 THEN {sql['true']}
                        ELSE {sql['false']} END,
                   CASE WHEN s.kind = 'ended' THEN s.at END, COALESCE(s.tl, ''),
                   COALESCE(s.metric, 'open'), COALESCE(s.due_day, t.c0_due_day),
                   COALESCE(s.last_at, t.recv), COALESCE(s.last_id, 0)
            FROM {_LEDGER_D} t LEFT JOIN {_LEDGER_S} s ON s.dossier_id = t.id AND s.final = 1
            """
        )
    return rows
