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

from django.db import connection, transaction

UTC = dt.UTC
VN = dt.timezone(dt.timedelta(hours=7))
BATCH = 20_000

SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý H'".split()
MIDDLE = "Văn Thị Hữu Minh Ngọc Thanh Quốc Đức Thu Xuân".split()
GIVEN = "An Bình Châu Dũng Giang Hà Hải Hạnh Hòa Hùng Hương Khoa Lan Linh Long Mai Nam Nga Phúc Quân Sơn Tâm Thảo Trang Tuấn Vy Y".split()
STREETS = "Lê Duẩn|Nguyễn Tất Thành|Phan Bội Châu|Hùng Vương|Y Jút|Mai Hắc Đế|Trần Phú".split("|")

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
AT_RECEPTION = {"issued", "result_ready", "returned", "withdrawn", "stopped", "refused_after_appraisal"}


@dataclass
class Stats:
    dossiers: int = 0
    status_changes: int = 0
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """What a dossier can be received for: one procedure version at one receiving unit."""

    version_id: int
    field_id: int
    receiving_id: int
    receiving_code: str
    competent_id: int
    time_value: float
    time_unit: str


def id_number(rng: random.Random, province: str = "066") -> tuple[str, dt.date, str]:
    """A well-formed personal ID (số định danh): province, century/sex digit, year, 6 random."""
    year = rng.randint(1945, 2007)
    female = rng.random() < 0.5
    century = (year // 100 - 19) * 2 + (1 if female else 0)
    birth = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    number = f"{province}{century}{year % 100:02d}{rng.randrange(1_000_000):06d}"
    return number, birth, "female" if female else "male"


def phone(rng: random.Random) -> str:
    """A Vietnamese mobile number (09x, 03x, 08x, 07x + 7 digits)."""
    return f"0{rng.choice('9387')}{rng.randrange(10):d}{rng.randrange(10_000_000):07d}"


def load_targets() -> list[tuple[Target, float]]:
    """Procedure x receiving unit pairs with their popularity weight."""
    from motcua.catalog.models import ProcedureVersion
    from motcua.org.models import RECEIVING_KINDS, Unit, UnitKind

    units = {u.id: u for u in Unit.objects.all()}
    centers = [u for u in units.values() if u.kind in RECEIVING_KINDS]
    if not centers:
        raise RuntimeError("no receiving unit (trung tâm, điểm tiếp nhận): seed the province first")
    province_centers = [u for u in centers if u.level == "tinh"] or centers
    commune_centers = [u for u in centers if u.level == "xa"] or centers
    rng = random.Random(7)
    # Population of a commune: skewed, a few wards hold most people.
    population = {u.id: rng.lognormvariate(0, 0.8) for u in commune_centers}
    versions = list(
        ProcedureVersion.objects.filter(status="published")
        .order_by("procedure__code")
        .prefetch_related("receiving_units")
    )
    if not versions:
        raise RuntimeError("no published procedure: seed the province first")
    # Commune procedures (civil status, residence) are the bulk of a center's traffic.
    ranked = sorted(versions, key=lambda v: (v.level != "xa", rng.random()))
    targets = []
    for rank, version in enumerate(ranked, start=1):
        popularity = 1.0 / rank**1.1
        value, unit = version.effective_time
        value = float(value) if value is not None else 3.0
        unit = unit or "working_days"
        receiving = list(version.receiving_units.all()) or (
            commune_centers if version.level == "xa" else province_centers
        )
        total = sum(population.get(u.id, 1.0) for u in receiving)
        for center in receiving:
            competent = version.agency_id
            parent = units.get(center.parent_id)
            if version.level == "xa" and parent is not None and parent.kind == UnitKind.COMMUNE:
                competent = parent.id
            share = population.get(center.id, 1.0) / total
            targets.append((
                Target(version.id, version.field_id, center.id, center.code, competent, value, unit),
                popularity * share,
            ))
    return targets


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


def _plan(n: int, rng: random.Random, now: dt.datetime, years: float, targets, calendar) -> Iterator[dict]:
    """Yield the facts of ``n`` dossiers in receipt order (code sequences need it)."""
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
    # Morning peak: minutes after 07:00, two sessions.
    minutes = [m for m in range(0, 600) if not 270 <= m < 390]
    minute_w = list(itertools.accumulate(3.0 if m < 270 else 2.0 for m in minutes))
    chosen = rng.choices(target_list, cum_weights=cum_targets, k=n)
    for day_i, target in zip(picks, chosen, strict=True):
        day = days[day_i]
        minute = minutes[bisect.bisect_left(minute_w, rng.random() * minute_w[-1])]
        received = dt.datetime(day.year, day.month, day.day, 7, 0, tzinfo=VN) + dt.timedelta(
            minutes=minute, seconds=rng.randrange(60)
        )
        value = target.time_value
        if target.time_unit == "calendar_days":
            due_day = day + dt.timedelta(days=max(int(value), 1))
        else:
            wdays = value if target.time_unit == "working_days" else value / 8
            start = day if received.hour < 15 else calendar.add(day, 1)
            due_day = calendar.add(start, max(int(wdays + 0.999), 1)) if wdays else start
        due = dt.datetime.combine(due_day, received.timetz())
        if due <= now:
            status = closed_states[bisect.bisect_left(cum_closed, rng.random() * cum_closed[-1])]
        else:
            status = open_states[bisect.bisect_left(cum_open, rng.random() * cum_open[-1])]
        finished = None
        if status in FINISHED:
            roll = rng.random()
            span = (due - received).total_seconds()
            if roll < 0.7:
                finished = received + dt.timedelta(seconds=span * rng.uniform(0.2, 0.9))
            elif roll < 0.9:
                finished = due - dt.timedelta(seconds=rng.uniform(0, min(span * 0.1, 6 * 3600)))
            else:
                finished = due + dt.timedelta(days=rng.uniform(0.1, 10))
            if finished >= now:
                finished = received + (now - received) * rng.uniform(0.3, 0.95)
        moved = None
        if status != "received":
            moved = finished or received + (min(due, now) - received) * rng.uniform(0.1, 0.9)
        yield {
            "target": target, "received": received, "due": due, "status": status,
            "finished": finished, "moved": moved,
        }


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
    tz = "+00" if pg else ""

    def _utc(d: dt.datetime) -> str:
        return d.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") + tz

    with connection.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers_dossier")
        next_id = c.fetchone()[0] + 1
        c.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers_statuschange")
        next_sc = c.fetchone()[0] + 1
    seq: dict[tuple[str, dt.date], int] = {}
    stats = Stats()
    id_rng = random.Random(seed + 1)

    def rows() -> Iterator[tuple[list, list[list]]]:
        nonlocal next_id, next_sc
        for plan in _plan(n, rng, now, years, targets, calendar):
            t: Target = plan["target"]
            received, due, status = plan["received"], plan["due"], plan["status"]
            day = received.date()
            key = (t.receiving_code, day)
            seq[key] = number = seq.get(key, 0) + 1
            row = d_base[:]
            idn, birth, gender = id_number(id_rng, "066" if id_rng.random() < 0.8 else "054")
            channel = 1 if (r := id_rng.random()) < 0.55 else (2 if r < 0.95 else 3)
            rec_s, due_s = _utc(received), _utc(due)
            row[di["id"]] = next_id
            row[di["code"]] = f"{t.receiving_code}-{day:%y%m%d}-{number:04d}"
            row[di["procedure_version_id"]] = t.version_id
            row[di["field_id"]] = t.field_id
            row[di["receiving_unit_id"]] = t.receiving_id
            row[di["competent_unit_id"]] = t.competent_id
            row[di["current_unit_id"]] = t.receiving_id if status in AT_RECEPTION or status == "received" else t.competent_id
            row[di["channel"]] = channel
            row[di["applicant_name"]] = (
                f"{id_rng.choice(SURNAMES)} {id_rng.choice(MIDDLE)} {id_rng.choice(GIVEN)}"
            )
            row[di["applicant_id_number"]] = idn
            row[di["applicant_birth_date"]] = birth.isoformat()
            row[di["applicant_gender"]] = gender
            row[di["applicant_address"]] = f"{id_rng.randrange(1, 300)} {id_rng.choice(STREETS)}"
            row[di["applicant_phone"]] = phone(id_rng)
            row[di["submitted_at"]] = rec_s
            row[di["received_at"]] = rec_s
            row[di["clock_start"]] = rec_s
            row[di["time_value"]] = t.time_value
            row[di["time_unit"]] = t.time_unit
            row[di["due_at"]] = due_s
            row[di["original_due_at"]] = due_s
            row[di["status"]] = status
            row[di["national_status"]] = NATIONAL_CODE[status]
            row[di["digitised"]] = channel == 2 or id_rng.random() < 0.6
            row[di["paid_online"]] = channel == 2 and id_rng.random() < 0.5
            row[di["created_at"]] = rec_s
            row[di["updated_at"]] = _utc(plan["moved"] or received)
            if plan["finished"] is not None:
                row[di["finished_at"]] = _utc(plan["finished"])
                if status == "returned":
                    row[di["returned_at"]] = row[di["finished_at"]]
            if status == "supplement_requested":
                row[di["supplement_count"]] = 1
            history = []
            first = s_base[:]
            first[si["id"]] = next_sc
            first[si["dossier_id"]] = next_id
            first[si["to_status"]] = "received"
            first[si["action"]] = "receive"
            first[si["unit_id"]] = t.receiving_id
            first[si["at"]] = rec_s
            first[si["due_at"]] = due_s
            history.append(first)
            next_sc += 1
            if plan["moved"] is not None:
                last = s_base[:]
                last[si["id"]] = next_sc
                last[si["dossier_id"]] = next_id
                last[si["from_status"]] = "received"
                last[si["to_status"]] = status
                last[si["action"]] = status
                last[si["unit_id"]] = row[di["current_unit_id"]]
                last[si["at"]] = _utc(plan["moved"])
                last[si["due_at"]] = due_s
                history.append(last)
                next_sc += 1
            next_id += 1
            stats.by_status[status] = stats.by_status.get(status, 0) + 1
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
    stats.seconds = time.perf_counter() - started
    return stats


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
        if self.tune:
            self.raw.execute("PRAGMA journal_mode=WAL")
            self.raw.execute("PRAGMA synchronous=OFF")
            self.raw.execute("PRAGMA cache_size=-400000")
            self.raw.execute("PRAGMA foreign_keys=OFF")
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
