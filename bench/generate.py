"""Synthetic dossiers (hồ sơ giả lập) at scale: 1M rows in minutes.

Distribution (seeded, so two runs build the same data):

* received over the last ``years`` years up to yesterday, on working days, office hours with a
  morning peak, volume growing ~50% over the period;
* procedures by a Zipf law (a few civil-status and residence procedures carry most dossiers),
  commune procedures spread over the commune centers by a skewed "population" weight;
* channel: 55% counter, 40% online, 5% post;
* state by age: dossiers still inside their time limit are spread over the processing states,
  older ones are mostly returned (early 70%, on time 20%, late 10%), with a few refused,
  withdrawn or stuck overdue.

Each dossier gets its StatusChange history rows: ``received``, plus the current state when it
has moved on. Rows go in with COPY on PostgreSQL and ``executemany`` in big transactions on
SQLite; due times use the working-day table of ``motcua.worktime`` (day granularity, same time
of day), which is what the list filters and reports read.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, transaction

from motcua.core.text import fold

# Applicants and procedure targets are the demo history's (one generator for both).
from motcua.demo.people import (  # noqa: F401 - re-exported for the bench's callers
    GIVEN,
    MIDDLE,
    STREETS,
    SURNAMES,
    Target,
    id_number,
    load_targets,
    phone,
)

UTC = dt.UTC
VN = dt.timezone(dt.timedelta(hours=7))
BATCH = 20_000

# In-process states and their share among dossiers still inside their time limit.
OPEN_STATES = [
    ("received", 8), ("transferred", 8), ("assigned", 10), ("appraising", 30),
    ("consulting", 4), ("awaiting_approval", 8), ("signed", 4), ("issued", 3),
    ("supplement_requested", 6), ("awaiting_payment", 2), ("result_ready", 7), ("returned", 10),
]
CLOSED_STATES = [
    ("returned", 88), ("result_ready", 2), ("withdrawn", 2), ("refused_after_appraisal", 2),
    ("stopped", 1), ("appraising", 2), ("awaiting_approval", 1), ("supplement_requested", 2),
]
FINISHED = {"issued", "result_ready", "returned", "withdrawn", "stopped", "refused_after_appraisal"}
# Held by the receiving unit: just received, or back at the one-stop desk after processing.
AT_RECEPTION_OR_NEW = FINISHED | {"received"}
POOL_BITS = 16
POOL = 1 << POOL_BITS


@dataclass
class Stats:
    dossiers: int = 0
    status_changes: int = 0
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)


class WorkingDays:
    """Working days between two dates, from ``motcua.worktime`` when it is there."""

    def __init__(self, start: dt.date, end: dt.date):
        try:
            from motcua.worktime import WorkCalendar

            cal = WorkCalendar.vietnam()
            is_working = cal.is_working_day
        except Exception:  # before the engine lands, weekdays are a fair stand-in
            def is_working(d):
                return d.weekday() < 5
        self.days = []
        d = start
        while d <= end:
            if is_working(d):
                self.days.append(d)
            d += dt.timedelta(days=1)
        self._ordinal = [d.toordinal() for d in self.days]

    def add(self, d: dt.date, n: int) -> dt.date:
        """The n-th working day after ``d`` (past the end: calendar days as weekdays)."""
        i = bisect.bisect_right(self._ordinal, d.toordinal()) - 1 + n
        if i < len(self.days):
            return self.days[max(i, 0)]
        extra = i - len(self.days) + 1
        return self.days[-1] + dt.timedelta(days=extra * 7 // 5 + 1)


class Plan(NamedTuple):
    """One dossier's facts; times are UTC epoch seconds."""

    target: Target
    day: dt.date  # receipt date in Vietnam
    received: int
    due: int
    status: str
    finished: int | None
    moved: int | None


def _epoch(d: dt.date, minute: int) -> int:
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=VN).timestamp()) + minute * 60


def _plan(n: int, rng: random.Random, now: dt.datetime, years: float, targets, calendar) -> Iterator[Plan]:
    """Yield the facts of ``n`` dossiers in receipt order (code sequences need it)."""
    now_ts = int(now.timestamp())
    today = now.astimezone(VN).date()
    first = today - dt.timedelta(days=int(365.25 * years))
    days = [d for d in calendar.days if first <= d < today]
    # Volume grows over the period.
    cum_days = list(itertools.accumulate(1.0 + 0.5 * i / len(days) for i in range(len(days))))
    picks = sorted(rng.choices(range(len(days)), cum_weights=cum_days, k=n))
    target_list = [t for t, _ in targets]
    cum_targets = list(itertools.accumulate(w for _, w in targets))
    open_states, open_w = zip(*OPEN_STATES, strict=True)
    closed_states, closed_w = zip(*CLOSED_STATES, strict=True)
    cum_open = list(itertools.accumulate(open_w))
    cum_closed = list(itertools.accumulate(closed_w))
    # Morning peak: minutes after 07:00, two sessions (07:00-11:30, 13:30-17:00).
    minutes = [420 + m for m in range(0, 600) if not 270 <= m < 390]
    minute_w = list(itertools.accumulate(3.0 if m < 690 else 2.0 for m in minutes))
    chosen = rng.choices(target_list, cum_weights=cum_targets, k=n)
    random_ = rng.random
    midnight = {}
    due_cache: dict[tuple, dt.date] = {}
    for day_i, target in zip(picks, chosen, strict=True):
        day = days[day_i]
        minute = minutes[bisect.bisect_left(minute_w, random_() * minute_w[-1])]
        base = midnight.get(day)
        if base is None:
            base = midnight[day] = _epoch(day, 0)
        received = base + minute * 60 + int(random_() * 60)
        late_start = minute >= 900  # after the 15:00 cut-off the count starts next working day
        key = (day, late_start, target.time_unit, target.time_value)
        due_day = due_cache.get(key)
        if due_day is None:
            value = target.time_value
            if target.time_unit == "calendar_days":
                due_day = day + dt.timedelta(days=max(int(value), 1))
            else:
                wdays = value if target.time_unit == "working_days" else value / 8
                start = calendar.add(day, 1) if late_start else day
                due_day = calendar.add(start, max(int(wdays + 0.999), 1)) if wdays else start
            due_cache[key] = due_day
        due = received + (due_day - day).days * 86400
        if due <= now_ts:
            status = closed_states[bisect.bisect_left(cum_closed, random_() * cum_closed[-1])]
        else:
            status = open_states[bisect.bisect_left(cum_open, random_() * cum_open[-1])]
        finished = None
        if status in FINISHED:
            roll = random_()
            span = due - received
            if roll < 0.7:
                finished = received + int(span * (0.2 + 0.7 * random_()))
            elif roll < 0.9:
                finished = due - int(random_() * min(span * 0.1, 6 * 3600))
            else:
                finished = due + int(86400 * (0.1 + 9.9 * random_()))
            if finished >= now_ts:
                finished = received + int((now_ts - received) * (0.3 + 0.65 * random_()))
        moved = None
        if status != "received":
            moved = finished or received + int((min(due, now_ts) - received) * (0.1 + 0.8 * random_()))
        yield Plan(target, day, received, due, status, finished, moved)


class _TimeText:
    """UTC epoch seconds -> 'YYYY-MM-DD HH:MM:SS' (+ offset), through two small caches."""

    def __init__(self, suffix: str):
        self.suffix = suffix
        self.days: dict[int, str] = {}
        self.hms = [f"{h:02d}:{m:02d}:{s:02d}{suffix}" for h in range(24) for m in range(60) for s in range(60)]

    def __call__(self, ts: int) -> str:
        day, sec = divmod(ts, 86400)
        prefix = self.days.get(day)
        if prefix is None:
            prefix = self.days[day] = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat() + " "
        return prefix + self.hms[sec]


def generate(
    n: int, *, seed: int = 20260701, now: dt.datetime | None = None, years: float = 3.0,
    tune: bool = True, progress=None,
) -> Stats:
    """Insert ``n`` dossiers and their status history into the default database.

    ``tune`` switches SQLite to bulk-load PRAGMAs and PostgreSQL to trigger-free COPY (FK
    triggers off; the generator only writes ids it read from the database); tests pass False
    because they run inside a transaction.
    """
    from motcua.dossiers.models import Dossier, StatusChange
    from motcua.dossiers.states import NATIONAL_CODE

    started = time.perf_counter()
    now = now or dt.datetime.now(UTC)
    rng = random.Random(seed)
    targets = load_targets()
    today = now.astimezone(VN).date()
    calendar = WorkingDays(today - dt.timedelta(days=int(366 * years) + 10), today + dt.timedelta(days=400))

    d_cols = [f.column for f in Dossier._meta.concrete_fields]
    s_cols = [f.column for f in StatusChange._meta.concrete_fields]
    d_base = [_default(f) for f in Dossier._meta.concrete_fields]
    s_base = [_default(f) for f in StatusChange._meta.concrete_fields]
    di = {c: i for i, c in enumerate(d_cols)}
    si = {c: i for i, c in enumerate(s_cols)}
    pg = connection.vendor == "postgresql"
    # Times are written as UTC text; PostgreSQL needs the offset to read them as such.
    utc = _TimeText("+00" if pg else "")

    with connection.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers_dossier")
        next_id = c.fetchone()[0] + 1
        c.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers_statuschange")
        next_sc = c.fetchone()[0] + 1
    seq: dict[tuple[str, dt.date], int] = {}
    stats = Stats()
    # Applicants come from pools: one random draw per row instead of a dozen.
    pool_rng = random.Random(seed + 1)
    people = []
    for _ in range(POOL):
        idn, birth, gender = id_number(pool_rng, "066" if pool_rng.random() < 0.8 else "054")
        people.append((
            f"{pool_rng.choice(SURNAMES)} {pool_rng.choice(MIDDLE)} {pool_rng.choice(GIVEN)}",
            idn, birth.isoformat(), gender, phone(pool_rng),
            f"{pool_rng.randrange(1, 300)} {pool_rng.choice(STREETS)}",
        ))
    # The staff search reads the folded name (Dossier.applicant_name_folded, set by save()).
    folded_names = {p[0]: fold(p[0]) for p in people}
    i_folded = di["applicant_name_folded"]
    pick = random.Random(seed + 2).getrandbits
    day_text: dict[dt.date, str] = {}
    (i_id, i_code, i_pv, i_field, i_recv, i_comp, i_cur, i_channel, i_name, i_idn, i_birth,
     i_gender, i_addr, i_phone, i_sub, i_rec, i_clock, i_tv, i_tu, i_due, i_odue, i_status,
     i_nat, i_digit, i_paid, i_created, i_updated, i_fin, i_ret, i_supp) = (di[c] for c in (
        "id", "code", "procedure_version_id", "field_id", "receiving_unit_id",
        "competent_unit_id", "current_unit_id", "channel", "applicant_name",
        "applicant_id_number", "applicant_birth_date", "applicant_gender", "applicant_address",
        "applicant_phone", "submitted_at", "received_at", "clock_start", "time_value",
        "time_unit", "due_at", "original_due_at", "status", "national_status", "digitised",
        "paid_online", "created_at", "updated_at", "finished_at", "returned_at",
        "supplement_count"))
    s_id, s_dossier, s_from, s_to, s_action, s_unit, s_at, s_due = (si[c] for c in (
        "id", "dossier_id", "from_status", "to_status", "action", "unit_id", "at", "due_at"))
    by_status = stats.by_status

    def rows() -> Iterator[tuple[list, list[list]]]:
        nonlocal next_id, next_sc
        for t, day, received, due, status, finished, moved in _plan(n, rng, now, years, targets, calendar):
            key = (t.receiving_code, day)
            seq[key] = number = seq.get(key, 0) + 1
            ymd = day_text.get(day)
            if ymd is None:
                ymd = day_text[day] = f"{day:%y%m%d}"
            name, idn, birth, gender, tel, address = people[pick(POOL_BITS)]
            roll = pick(10) / 1024
            channel = 1 if roll < 0.55 else (2 if roll < 0.95 else 3)
            rec_s, due_s = utc(received), utc(due)
            row = d_base[:]
            row[i_id] = next_id
            row[i_code] = f"{t.receiving_code}-{ymd}-{number:04d}"
            row[i_pv] = t.version_id
            row[i_field] = t.field_id
            row[i_recv] = t.receiving_id
            row[i_comp] = t.competent_id
            row[i_cur] = current = t.receiving_id if status in AT_RECEPTION_OR_NEW else t.competent_id
            row[i_channel] = channel
            row[i_name] = name
            row[i_folded] = folded_names[name]
            row[i_idn] = idn
            row[i_birth] = birth
            row[i_gender] = gender
            row[i_addr] = address
            row[i_phone] = tel
            row[i_sub] = row[i_rec] = row[i_clock] = row[i_created] = rec_s
            row[i_tv] = t.time_value
            row[i_tu] = t.time_unit
            row[i_due] = row[i_odue] = due_s
            row[i_status] = status
            row[i_nat] = NATIONAL_CODE[status]
            row[i_digit] = channel == 2 or roll < 0.33
            row[i_paid] = channel == 2 and roll > 0.75
            row[i_updated] = utc(moved or received)
            if finished is not None:
                row[i_fin] = fin_s = utc(finished)
                if status == "returned":
                    row[i_ret] = fin_s
            if status == "supplement_requested":
                row[i_supp] = 1
            first = s_base[:]
            first[s_id] = next_sc
            first[s_dossier] = next_id
            first[s_to] = "received"
            first[s_action] = "receive"
            first[s_unit] = t.receiving_id
            first[s_at] = rec_s
            first[s_due] = due_s
            next_sc += 1
            if moved is None:
                history = [first]
            else:
                last = s_base[:]
                last[s_id] = next_sc
                last[s_dossier] = next_id
                last[s_from] = "received"
                last[s_to] = last[s_action] = status
                last[s_unit] = current
                last[s_at] = utc(moved)
                last[s_due] = due_s
                history = [first, last]
                next_sc += 1
            next_id += 1
            by_status[status] = by_status.get(status, 0) + 1
            yield row, history

    writer = _PgWriter if pg else _SqliteWriter
    with writer(d_cols, s_cols, tune=tune) as w:
        batch_d, batch_s = [], []
        for row, history in rows():
            batch_d.append(row)
            batch_s.extend(history)
            if len(batch_d) >= BATCH:
                w.write(batch_d, batch_s)
                stats.dossiers += len(batch_d)
                stats.status_changes += len(batch_s)
                batch_d, batch_s = [], []
                if progress:
                    progress(stats.dossiers, n)
        if batch_d:
            w.write(batch_d, batch_s)
            stats.dossiers += len(batch_d)
            stats.status_changes += len(batch_s)
    _write_sequences(seq)
    _write_open_pauses()
    stats.seconds = time.perf_counter() - started
    return stats


# A paused dossier has its open stop of the clock (DossierPause), as the state table's handlers
# write it: the supplement and payment paths read it when the dossier resumes (the payment IPN
# figure confirmed a payment on a generated dossier and failed on the missing pause).
PAUSED = {"supplement_requested": "supplement", "awaiting_payment": "payment"}
RESUME_STATUS = "appraising"


def _write_open_pauses() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for status, kind in PAUSED.items():
            # The pause starts with the status change that entered the paused state.
            cur.execute(
                "INSERT INTO dossiers_dossierpause "
                "(dossier_id, kind, started_at, ended_at, resume_status, items, reason) "
                "SELECT d.id, %s, (SELECT MAX(s.at) FROM dossiers_statuschange s "
                "WHERE s.dossier_id = d.id AND s.to_status = %s), NULL, %s, '', '' "
                "FROM dossiers_dossier d WHERE d.status = %s "
                "AND NOT EXISTS (SELECT 1 FROM dossiers_dossierpause p "
                "WHERE p.dossier_id = d.id AND p.ended_at IS NULL)",
                [kind, status, RESUME_STATUS, status],
            )


def _default(f):
    if f.has_default():
        return f.get_default()
    return None if f.null else f.get_default()


def _write_sequences(seq: dict[tuple[str, dt.date], int]) -> None:
    """Record the last number used per unit and day, so real intake never reuses a code."""
    from motcua.dossiers.models import CodeSequence

    existing = {
        (u, d): pk for pk, u, d in CodeSequence.objects.values_list("id", "unit_code", "day")
    }
    new = [CodeSequence(unit_code=u, day=d, last=last) for (u, d), last in seq.items() if (u, d) not in existing]
    with transaction.atomic():
        CodeSequence.objects.bulk_create(new, batch_size=5000)
        for key, pk in existing.items():
            if key in seq:
                CodeSequence.objects.filter(pk=pk, last__lt=seq[key]).update(last=seq[key])


class _SqliteWriter:
    def __init__(self, d_cols, s_cols, *, tune: bool):
        self.tune = tune
        self.d_sql = _insert("dossiers_dossier", d_cols, "?")
        self.s_sql = _insert("dossiers_statuschange", s_cols, "?")

    def __enter__(self):
        connection.ensure_connection()
        self.raw = connection.connection
        self.indexes = []
        if self.tune:
            self.raw.execute("PRAGMA journal_mode=WAL")
            self.raw.execute("PRAGMA synchronous=OFF")
            self.raw.execute("PRAGMA cache_size=-400000")
            self.raw.execute("PRAGMA foreign_keys=OFF")
            # Building an index once after the load beats updating ~20 of them per row.
            self.indexes = self.raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN ('dossiers_dossier', 'dossiers_statuschange')"
            ).fetchall()
            for name, _ in self.indexes:
                self.raw.execute(f'DROP INDEX "{name}"')
        return self

    def write(self, d_rows, s_rows):
        if self.tune:
            # One big transaction per batch; Django's IMMEDIATE mode is not needed by a sole writer.
            self.raw.execute("BEGIN")
            self.raw.executemany(self.d_sql, d_rows)
            self.raw.executemany(self.s_sql, s_rows)
            self.raw.execute("COMMIT")
        else:
            self.raw.executemany(self.d_sql, d_rows)
            self.raw.executemany(self.s_sql, s_rows)

    def __exit__(self, *exc):
        for _, sql in self.indexes:
            self.raw.execute(sql)
        if self.tune:
            self.raw.execute("PRAGMA synchronous=NORMAL")
            self.raw.execute("PRAGMA foreign_keys=ON")
            self.raw.execute("ANALYZE")
        return False


class _PgWriter:
    def __init__(self, d_cols, s_cols, *, tune: bool):
        self.tune = tune
        self.d_copy = f"COPY dossiers_dossier ({', '.join(d_cols)}) FROM STDIN"
        self.s_copy = f"COPY dossiers_statuschange ({', '.join(s_cols)}) FROM STDIN"

    def __enter__(self):
        connection.ensure_connection()
        self.raw = connection.connection
        self.indexes = []
        if self.tune:
            # Secondary indexes (not those backing a primary key or unique constraint) are
            # rebuilt once after the load.
            with self.raw.cursor() as cur:
                cur.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "WHERE i.tablename IN ('dossiers_dossier', 'dossiers_statuschange') "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || "
                    "quote_ident(i.indexname))::regclass)"
                )
                self.indexes = cur.fetchall()
                for name, _ in self.indexes:
                    cur.execute(f'DROP INDEX "{name}"')
        return self

    def write(self, d_rows, s_rows):
        with self.raw.transaction(), self.raw.cursor() as cur:
            if self.tune:
                # FK triggers off for the load: ids come from the database itself.
                cur.execute("SET LOCAL session_replication_role = replica")
            with cur.copy(self.d_copy) as copy:
                for row in d_rows:
                    copy.write_row(row)
            with cur.copy(self.s_copy) as copy:
                for row in s_rows:
                    copy.write_row(row)

    def __exit__(self, *exc):
        with self.raw.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '512MB'")
            for _, sql in self.indexes:
                cur.execute(sql)
        if exc[0] is None:
            with self.raw.cursor() as cur:
                for table in ("dossiers_dossier", "dossiers_statuschange"):
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                    )
                if self.tune:
                    cur.execute("ANALYZE dossiers_dossier")
                    cur.execute("ANALYZE dossiers_statuschange")
        return False


def _insert(table: str, cols: list[str], mark: str) -> str:
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"
