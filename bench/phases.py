"""The parts of a benchmark run that happen inside Django, one database per process.

``python bench/run.py --phase prepare`` migrates, seeds the province, generates the dossiers
and writes ``fixtures.json`` (tokens, sample codes, request bodies, worklist paths) for the
load generator; ``--phase report`` times the official report in-process.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import time
from pathlib import Path

VN = dt.timezone(dt.timedelta(hours=7))


def setup() -> None:
    import django

    django.setup()


REPORT_BUDGET_S = 60


def prepare(
    *, dossiers: int, workdir: Path, seed: int = 20260701, rebuild: str = "always", log=print
) -> dict:
    """Build the dataset; return (and write) the fixtures the HTTP phase needs."""
    setup()
    from django.core.management import call_command, get_commands

    from bench import generate
    from bench import seed as seeding
    from bench.baseline.views import ensure_raw_table

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    timings["migrate_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    loader = seeding.load_province()
    timings["seed_s"] = time.perf_counter() - t0
    log(f"  province: {loader} ({timings['seed_s']:.1f} s)")

    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            log(f"  generated {done:,}/{total:,}")

    stats = generate.generate(dossiers, seed=seed, progress=progress)
    timings["generate_s"] = stats.seconds
    log(
        f"  {stats.dossiers:,} dossiers + {stats.status_changes:,} status changes "
        f"in {stats.seconds:.0f} s ({stats.dossiers / max(stats.seconds, 1e-9):,.0f}/s)"
    )

    wanted = rebuild != "never"
    rebuild = "n/a (missing: motcua reports_rebuild)"
    if "reports_rebuild" in get_commands() and not wanted:
        # Without the ledger the report runs on its exact path (a replay per dossier).
        rebuild = "skipped (--rebuild never)"
    elif "reports_rebuild" in get_commands():
        t0 = time.perf_counter()
        try:
            call_command("reports_rebuild", stdout=_Null())
            timings["reports_rebuild_s"] = time.perf_counter() - t0
            rebuild = f"{timings['reports_rebuild_s']:.1f} s"
        except Exception as exc:  # someone else's command: record, keep benchmarking
            rebuild = f"failed: {exc!r}"[:300]
    log(f"  reports_rebuild: {rebuild}")
    ensure_raw_table()
    vacuum(timings, log)

    (workdir / "ledger.json").write_text(json.dumps({"rebuilt": "reports_rebuild_s" in timings}))
    fixtures = {"dossiers": dossiers, "timings": timings, "loader": loader, "reports_rebuild": rebuild,
                "by_status": stats.by_status}
    fixtures.update(_http_fixtures(workdir, seed=seed))
    (workdir / "fixtures.json").write_text(json.dumps(fixtures, indent=1, default=str))
    return fixtures


def refresh(workdir: Path, log) -> None:
    """A kept dataset served again: vacuum it, and log the worklist leader in anew (a session
    is signed with the secret key of the run that made it; every run has its own)."""
    setup()
    from rest_framework.authtoken.models import Token

    vacuum({}, log)
    path = workdir / "fixtures.json"
    fixtures = json.loads(path.read_text())
    leader = Token.objects.get(key=fixtures["worklists"]["token"]).user
    fixtures["worklists"]["session"] = staff_session(leader)
    path.write_text(json.dumps(fixtures, indent=1, default=str))


def vacuum(timings: dict, log) -> None:
    """PostgreSQL: ``VACUUM (ANALYZE)`` after the bulk load, as autovacuum does on its own a
    minute after a restore (inserts trigger it since PostgreSQL 13). Until the visibility map
    is set no scan is index-only: a worklist page read 8,000 heap pages instead of 100."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return  # VACUUM cannot run inside a transaction (a test's)
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    timings["vacuum_s"] = time.perf_counter() - t0
    log(f"  vacuum (analyze): {timings['vacuum_s']:.1f} s")


class _Null:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def _sample_codes(n: int, *, receiving_unit: int | None = None) -> list[str]:
    """Up to ``n`` random existing codes (of one receiving unit, if given)."""
    from django.db import connection

    where, params = ("WHERE receiving_unit_id = %s", [receiving_unit]) if receiving_unit else ("", [])
    with connection.cursor() as c:
        c.execute(
            f"SELECT code FROM dossiers_dossier {where} ORDER BY RANDOM() LIMIT %s", [*params, n]
        )
        return [r[0] for r in c.fetchall()]


def _http_fixtures(workdir: Path, *, seed: int) -> dict:
    """Who calls what: a receptionist (intake, API lookups of their center's dossiers), the
    public (lookup page, any code), a leader of the busiest unit (worklists)."""
    from bench import seed as seeding

    rng = random.Random(seed + 2)
    user, center, token = seeding.bench_receptionist()
    public = _sample_codes(5000)
    own = _sample_codes(5000, receiving_unit=center.pk) or public
    (workdir / "codes.txt").write_text("\n".join(public) + "\n")
    (workdir / "codes-center.txt").write_text("\n".join(own) + "\n")
    return {
        "token": token, "center_id": center.pk,
        "codes_file": str(workdir / "codes.txt"), "sample_code": public[0] if public else "",
        "center_codes_file": str(workdir / "codes-center.txt"),
        "center_sample_code": own[0] if own else "",
        "intake": intake_request(center),
        "worklists": worklist_requests(workdir, rng),
    }


def intake_request(center) -> dict:
    """A valid ``POST /api/v1/dossiers`` body for a procedure received at ``center``.

    ``__RANDOM6__`` is replaced per request by the load generator, so every dossier carries a
    different (well-formed) personal ID number.
    """
    from motcua.catalog.models import ProcedureVersion

    version = (
        ProcedureVersion.objects.filter(status="published", receiving_units=center)
        .exclude(legal_time_value=None)
        .order_by("procedure__code")
        .first()
    ) or (
        ProcedureVersion.objects.filter(status="published").exclude(legal_time_value=None)
        .order_by("procedure__code").first()
    )
    documents = [
        {"required": d.pk, "provided_as": "original", "copies": 1}
        for d in version.documents.order_by("order")
    ]
    body = {
        "procedure_version": version.pk,
        "procedure": version.procedure.code,
        "receiving_unit": center.code,
        "channel": 1,
        "applicant": {
            "kind": "person",
            "name": "Nguyễn Văn Đo",
            "id_number": "0660" + "85" + "__RANDOM6__",
            "birth_date": "1985-03-15",
            "gender": "male",
            "phone": "0912345678",
            "address": "12 Lê Duẩn, Buôn Ma Thuột",
        },
        "documents": documents,
        "request_summary": "Hồ sơ đo hiệu năng",
    }
    return {"path": "/api/v1/dossiers", "body": json.dumps(body, ensure_ascii=False)}


def worklist_requests(workdir: Path, rng: random.Random) -> dict:
    """Worklist paths for a leader (lãnh đạo) of the unit holding most open dossiers."""
    from django.db.models import Count
    from rest_framework.authtoken.models import Token

    from motcua.dossiers.models import Dossier
    from motcua.dossiers.states import FINAL

    open_qs = Dossier.objects.exclude(status__in=sorted(FINAL))
    top = open_qs.values("current_unit").annotate(n=Count("id")).order_by("-n").first()
    unit_id = top["current_unit"] if top else Dossier.objects.values_list("current_unit", flat=True)[:1][0]
    statuses = list(
        open_qs.filter(current_unit=unit_id).values("status").annotate(n=Count("id"))
        .order_by("-n").values_list("status", flat=True)
    ) or ["appraising"]
    user = leader(unit_id)
    token, _ = Token.objects.get_or_create(user=user)
    lists = {
        "unit_status": [f"/api/v1/dossiers?unit={unit_id}&status={s}" for s in statuses],
        "overdue": ["/api/v1/dossiers?overdue=1", f"/api/v1/dossiers?overdue=1&unit={unit_id}"],
    }
    files = {}
    for name, paths in lists.items():
        path = workdir / f"paths-{name}.txt"
        path.write_text("\n".join(paths) + "\n")
        files[name] = str(path)
    return {"unit": unit_id, "token": token.key, "files": files,
            "first": {k: v[0] for k, v in lists.items()}, "session": staff_session(user),
            "page": "/can-bo/"}


def leader(unit_id: int):
    from django.contrib.auth import get_user_model

    from motcua.org.models import Membership, Role, Unit

    user, _ = get_user_model().objects.get_or_create(
        username="bench-leader", defaults={"first_name": "Đo", "last_name": "Lãnh đạo"}
    )
    Membership.objects.get_or_create(user=user, unit=Unit.objects.get(pk=unit_id), role=Role.LEADER)
    return user


def staff_session(user) -> str:
    """A logged-in session cookie for ``user``, for the staff pages."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def report(*, runs: int = 5, year: int | None = None, ledger: bool = False) -> dict:
    """Median wall time of ``official_report`` for one year of the whole province.

    ``ledger``: the daily aggregates were rebuilt after loading, so the report may use them
    (``method="auto"``, as production does). Otherwise the exact path is timed: the ledger then
    only holds the dossiers the intake figure created, and reading it would time a report of
    nothing.
    """
    setup()
    official_report = None
    for module in ("motcua.reports", "motcua.reports.engine", "motcua.reports.services"):
        try:
            official_report = __import__(module, fromlist=["official_report"]).official_report
            break
        except (ImportError, AttributeError):
            continue
    if official_report is None:
        return {"report_year_s": None, "note": "n/a (missing: motcua.reports.official_report)"}
    today = dt.datetime.now(VN).date()
    year = year or today.year - 1
    date_from, date_to = dt.date(year, 1, 1), dt.date(year, 12, 31)
    kwargs = {} if ledger else {"method": "exact"}
    times = []
    rows = method = received = None
    try:
        for _ in range(runs):
            if sum(times) > REPORT_BUDGET_S:
                break  # a slow path is measured well enough by fewer runs
            t0 = time.perf_counter()
            result = official_report(date_from=date_from, date_to=date_to, **kwargs)
            times.append(time.perf_counter() - t0)
            rows = _count_rows(result)
            method = getattr(result, "method", None)
            received = _received(result)
    except TypeError:
        if kwargs:  # an engine without ``method``: time what it has
            return report(runs=runs, year=year, ledger=True)
        raise
    except Exception as exc:  # someone else's code: report the failure, keep the run going
        return {"report_year_s": None, "note": f"failed: {exc!r}"[:300]}
    out = {
        "report_year_s": round(statistics.median(times), 4),
        "report_runs_s": [round(t, 4) for t in times],
        "report_year": year,
        "report_rows": rows,
        "report_method": method,
        "report_received": received,
    }
    if not received:
        out["note"] = "report counted no dossier: timing a report of nothing"
    return out


def _received(result) -> int | None:
    """Dossiers the report counted (the total row's received total)."""
    total = getattr(result, "total", None)
    value = getattr(total, "received", None)
    if isinstance(value, int):
        return value
    data = total.to_dict() if hasattr(total, "to_dict") else {}
    received = data.get("received") if isinstance(data, dict) else None
    if isinstance(received, dict):
        received = received.get("total")
    return received if isinstance(received, int) else None


def _count_rows(result) -> int | None:
    rows = getattr(result, "rows", None)
    if rows is None and isinstance(result, dict):
        rows = result.get("rows")
    try:
        return len(rows) if rows is not None else None
    except TypeError:
        return None
