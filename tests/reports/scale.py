"""Scale measurements for the statistics ledger, the aggregate report and the legacy import.

Not a test (timings go in reports, not assertions). Run against a scratch database:

    MOTCUA_DATABASE_URL=sqlite:////tmp/scale.sqlite3 .venv/bin/python tests/reports/scale.py \\
        setup gen:1000000 rebuild:sql report
    MOTCUA_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_scale_1 ... (same)
    ... csv:1000000:/tmp/import.csv import:/tmp/import.csv

``gen`` writes dossiers with varied histories (reception, processing steps, supplement pauses
with a restarted due, payment waits, apologies, early / on-time / late ends, returns, dossiers
stuck open or paused) over the three years before today, straight into the tables (COPY on
PostgreSQL), without the ledger, as a bulk loader does.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")

VN = dt.timezone(dt.timedelta(hours=7))
AGENCIES, COMMUNES, FIELDS, PROCEDURES = 25, 120, 30, 300


def setup() -> None:
    from django.core.management import call_command

    from motcua.catalog.models import Procedure
    from tests.factories import CenterFactory, FieldFactory, UnitFactory, published_procedure

    call_command("migrate", verbosity=0, interactive=False)
    if Procedure.objects.exists():
        return
    rng = random.Random(1)
    center = CenterFactory(code="000.00.00.H15", name="Trung tâm tỉnh")
    agencies = [UnitFactory(code=f"000.00.{i:02d}.H15", name=f"Sở {i}") for i in range(1, AGENCIES + 1)]
    communes = [
        CenterFactory(code=f"000.{i // 100 + 1:02d}.{i % 100:02d}.H15", name=f"Xã {i}",
                      kind="commune_center", level="xa")
        for i in range(COMMUNES)
    ]
    fields = [FieldFactory(code=f"F{i:02d}", name=f"Lĩnh vực {i}") for i in range(FIELDS)]
    for i in range(PROCEDURES):
        if i % 3:
            published_procedure(agency=rng.choice(agencies), receiving_units=[center],
                                code=f"1.{i:06d}", field=rng.choice(fields[:20]),
                                time_value=rng.choice([3, 5, 10, 15, 20]), steps=[], documents=[])
        else:
            published_procedure(agency=communes[0], receiving_units=communes, code=f"2.{i:06d}",
                                field=rng.choice(fields[20:]), level="xa",
                                time_value=rng.choice([1, 3, 5]), steps=[], documents=[])


def _targets():
    from motcua.catalog.models import ProcedureVersion
    from motcua.org.models import Unit

    center = Unit.objects.get(code="000.00.00.H15").pk
    communes = list(Unit.objects.filter(kind="commune_center").values_list("pk", flat=True))
    targets = []
    for v in ProcedureVersion.objects.values("id", "field_id", "agency_id", "level",
                                             "legal_time_value", "procedure__code"):
        weight = 1.0 / (1 + len(targets)) ** 0.8  # Zipf-like: a few procedures carry most
        days = int(v["legal_time_value"])
        if v["level"] == "xa":
            for c in communes:
                targets.append((v["id"], v["field_id"], c, c, days, v["procedure__code"], weight / 30))
        else:
            targets.append((v["id"], v["field_id"], center, v["agency_id"], days,
                            v["procedure__code"], weight))
    return targets


def _history(rng, received, due, today):
    """[(at, to_status, due_at)], final status, finished, returned, original, rescheduled."""
    h = [(received, "received", due)]
    at = received + dt.timedelta(hours=rng.uniform(0.2, 4))
    steps = rng.choice([("transferred", "assigned", "appraising"), ("appraising",),
                        ("assigned", "appraising", "awaiting_approval", "signed")])
    original, rescheduled = due, None
    for status in steps:
        if at > today:
            return h, h[-1][1], None, None, original, rescheduled
        h.append((at, status, None))
        at += dt.timedelta(hours=rng.uniform(1, 40))
    r = rng.random()
    if r < 0.08 and at < today:  # supplement: pause, then restart the time limit
        h.append((at, "supplement_requested", None))
        at += dt.timedelta(days=rng.uniform(1, 20))
        if rng.random() < 0.1 or at > today:
            return h, "supplement_requested", None, None, original, rescheduled
        due = at + (due - received)
        original = due
        h.append((at, "appraising", due))
        at += dt.timedelta(hours=rng.uniform(1, 60))
    elif r < 0.1 and at < today:
        rescheduled = due + dt.timedelta(days=5)  # apology: a new date for the citizen
        h.append((at, "appraising", rescheduled))
    late = rng.random()
    if late < 0.03:
        return h, h[-1][1], None, None, original, rescheduled  # stuck open
    span = (due - received) * (rng.uniform(0.2, 0.95) if late < 0.9 else rng.uniform(1.0, 1.6))
    end = max(at, received + span)
    if end > today:
        return h, h[-1][1], None, None, original, rescheduled
    if rng.random() < 0.03:
        h.append((end, rng.choice(["withdrawn", "stopped"]), None))
        return h, h[-1][1], end, None, original, rescheduled
    h.append((end, "result_ready", None))
    if rng.random() < 0.05:
        h.append((end + dt.timedelta(hours=1), "awaiting_payment", None))
    back = end + dt.timedelta(hours=rng.uniform(1, 96))
    if back > today:
        return h, h[-1][1], end, None, original, rescheduled
    h.append((back, "returned", None))
    return h, "returned", end, back, original, rescheduled


def gen(n: int, *, seed: int = 7) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from motcua.core.bulk import insert_fields, insert_tuples
    from motcua.dossiers.models import Dossier, StatusChange
    from motcua.dossiers.states import NATIONAL_CODE
    from motcua.reports.ledger import calendar

    rng = random.Random(seed)
    targets = _targets()
    weights = [t[6] for t in targets]
    cal = calendar()
    now = timezone.now()
    today = now - dt.timedelta(days=1)
    first = (now - dt.timedelta(days=3 * 365)).astimezone(VN).date()
    days = [first + dt.timedelta(d) for d in range((today.astimezone(VN).date() - first).days)]
    days = [d for d in days if cal.is_working_day(d)]
    fields = insert_fields(Dossier)
    names = ["id", *[f.attname for f in fields]]
    base = {f.attname: f.get_default() for f in fields}
    base |= {"applicant_name": "Nguyễn Văn A", "created_at": now, "updated_at": now,
             "applicant_kind": "citizen", "time_unit": "working_days"}
    start_id = (Dossier.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    change_names = ["dossier_id", "from_status", "to_status", "action", "at", "due_at", "reason"]
    t0 = time.perf_counter()
    changes_total = 0
    with transaction.atomic():
        for chunk in range(0, n, 50_000):
            dossiers, changes = [], []
            for i in range(start_id + chunk, start_id + min(n, chunk + 50_000)):
                version, field, unit, agency, limit, _code, _w = rng.choices(targets, weights)[0]
                day = rng.choice(days)
                received = dt.datetime.combine(day, dt.time(7, 30), VN) + dt.timedelta(
                    minutes=rng.randrange(540))
                due = cal.deadline(received, _days(limit)) if rng.random() < 0.02 else (
                    received + dt.timedelta(days=limit * 1.4))
                hist, status, finished, returned, original, rescheduled = _history(
                    rng, received, due, today)
                channel = rng.choices([1, 2, 3], [55, 40, 5])[0]
                fee = rng.random() < 0.3
                row = base | {
                    "code": f"S-{i:09d}", "procedure_version_id": version, "field_id": field,
                    "receiving_unit_id": unit, "competent_unit_id": agency,
                    "current_unit_id": agency, "channel": channel, "submitted_at": received,
                    "received_at": received, "clock_start": received,
                    "due_at": rescheduled or original, "original_due_at": original,
                    "rescheduled_due_at": rescheduled, "finished_at": finished,
                    "returned_at": returned, "status": status,
                    "national_status": NATIONAL_CODE[status], "digitised": rng.random() < 0.6,
                    "fee_total": 50000 if fee else 0, "paid_online": fee and channel == 2,
                }
                dossiers.append((i, *(row[k] for k in names[1:])))
                prev = ""
                for at, to, due_at in hist:
                    changes.append((i, prev, to, "gen", at, due_at or due, ""))
                    prev = to
            insert_tuples(Dossier, names, dossiers)
            insert_tuples(StatusChange, change_names, changes)
            changes_total += len(changes)
            print(f"  {chunk + len(dossiers):,} dossiers, {changes_total:,} changes, "
                  f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                for table in ("dossiers_dossier", "dossiers_statuschange"):
                    c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT MAX(id) FROM {table}))")
    with connection.cursor() as c:
        c.execute("ANALYZE")
    print(f"gen {n:,}: {time.perf_counter() - t0:.1f} s ({changes_total:,} changes)")


def _days(n):
    from motcua.worktime import Duration

    return Duration.working_days(n)


def rebuild(method: str = "auto") -> None:
    from django.db import connection

    from motcua.reports.aggregates import ledger_rebuild
    from motcua.reports.models import DailyStat

    t0 = time.perf_counter()
    rows = ledger_rebuild(method=method)
    print(f"rebuild ({method}): {time.perf_counter() - t0:.1f} s, {rows:,} DailyStat rows "
          f"({DailyStat.objects.count():,})")
    with connection.cursor() as c:
        c.execute("ANALYZE")


def report(runs: int = 5) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from motcua.reports.engine import official_report

    year = dt.date.today().year - 1
    for by in ("agency", "field", "unit", "procedure"):
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            r = official_report(date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31), by=by)
            times.append(time.perf_counter() - t0)
        times.sort()
        print(f"report {year} by {by}: median {times[len(times) // 2] * 1000:.0f} ms "
              f"(method {r.method}, {len(r.rows)} rows, received {r.total.received:,})")
    if os.environ.get("EXPLAIN"):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            official_report(date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31), by="agency")
        prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        with connection.cursor() as c:
            for q in ctx.captured_queries:
                if "reports_" in q["sql"] and q["sql"].startswith("SELECT"):
                    c.execute(prefix + q["sql"])
                    print(q["sql"][:300])
                    print("\n".join(str(r) for r in c.fetchall()))


def counts() -> None:
    from motcua.dossiers.models import Dossier, StatusChange
    from motcua.reports.models import DailyStat, LedgerState

    for model in (Dossier, StatusChange, DailyStat, LedgerState):
        print(f"{model.__name__}: {model.objects.count():,}")


def write_csv(n: int, path: str, seed: int = 11) -> None:
    """An import file of ``n`` rows (legacy statuses 2, 4–10) over the three years before today."""
    import csv

    from django.utils import timezone

    from motcua.dossiers.importer import COLUMNS

    rng = random.Random(seed)
    targets = _targets()
    weights = [t[6] for t in targets]
    from motcua.org.models import Unit

    codes = dict(Unit.objects.values_list("pk", "code"))
    now = timezone.now()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i in range(n):
            _v, _f, unit, _a, limit, proc, _w = rng.choices(targets, weights)[0]
            received = now - dt.timedelta(days=rng.uniform(60, 1000))
            received = received.astimezone(VN).replace(microsecond=0)
            status = rng.choice([2, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10, 10])
            due = "" if rng.random() < 0.5 else (received + dt.timedelta(days=limit * 1.4)).isoformat()
            finished = returned = ""
            if status >= 7:
                end = received + dt.timedelta(days=rng.uniform(0.1, limit * 2))
                finished = end.isoformat()
                if status == 10:
                    returned = (end + dt.timedelta(hours=5)).isoformat()
            w.writerow([f"L-{i:09d}", proc, codes[unit], f"Công dân {i}",
                        f"066{i:09d}" if i % 3 else "", rng.choice([1, 2, 3]),
                        received.isoformat(), due, finished, returned, status])
    print(f"csv {n:,} rows -> {path}")


def do_import(path: str) -> None:
    from motcua.dossiers.importer import dossiers_import

    t0 = time.perf_counter()
    result = dossiers_import(path=path, progress=True)
    took = time.perf_counter() - t0
    print(f"import {result.imported:,}/{result.rows:,} rows: {took:.1f} s "
          f"({took / max(result.rows, 1) * 1000:.3f} ms/row), errors {len(result.errors)}")


def main(argv: list[str]) -> None:
    import django

    django.setup()
    for arg in argv:
        name, *params = arg.split(":")
        if name == "setup":
            setup()
        elif name == "gen":
            gen(int(params[0]))
        elif name == "rebuild":
            rebuild(*params)
        elif name == "report":
            report()
        elif name == "counts":
            counts()
        elif name == "csv":
            write_csv(int(params[0]), params[1])
        elif name == "import":
            do_import(params[0])
        else:
            raise SystemExit(f"unknown step {arg}")


if __name__ == "__main__":
    main(sys.argv[1:])
