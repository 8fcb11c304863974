"""Per-request cost breakdown of the benchmarked paths, in-process (``docs/performance.md``).

    .venv/bin/python bench/profile_requests.py var/bench/sqlite [--runs 200] [--only lookup]

Serves the requests of a dataset kept by ``bench/run.py --keep`` (its ``fixtures.json``)
through Django's own request handler, in this process, with the production settings that
the bench's gunicorn uses (``bench.baseline.settings``, DEBUG off). For each path it reports,
per request: the wall time and the CPU time of this process (medians of ``--runs``; on a shared machine the CPU
time is the figure to compare), the SQL statements with how many write and
how many run inside a transaction (on SQLite: while holding the database's single write
lock), the time spent in the database driver, and a cProfile breakdown by phase (the
cumulative time of named functions: authentication, the service, the serializer, the access
log, template rendering, ...). Load is not generated: these are the costs of one request, which
the wrk figures multiply.

A PostgreSQL dataset: pass its work folder and ``--database-url postgres://…/motcua_bench``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for entry in (str(ROOT / "src"), str(ROOT)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

# (label, file suffix, function name): cumulative time of these functions is a "phase". Phases
# may nest (the serializer runs inside the view); the table says so.
PHASES = (
    ("token authentication", "accounts/authentication.py", "authenticate_credentials"),
    ("session authentication", "contrib/auth/middleware.py", "get_user"),
    ("permission check (IsStaff)", "dossiers/api.py", "has_permission"),
    ("intake: request validation", "dossiers/api.py", "_version"),
    ("serializer .is_valid (input, filters)", "rest_framework/serializers.py", "is_valid"),
    ("intake: dossier_receive (service)", "services/intake.py", "dossier_receive"),
    ("intake: checks and draft before the lock", "services/intake.py", "_draft"),
    ("intake: writes inside the transaction", "services/intake.py", "_insert"),
    ("lookup: detail_read (the one read)", "dossiers/access.py", "detail_read"),
    ("lookup: access log (record_view)", "dossiers/access.py", "record_view"),
    ("lookup: head query (version, change counter)", "dossiers/conditional.py", "head"),
    ("lookup: ETag", "dossiers/conditional.py", "tag"),
    ("lookup: detail body", "dossiers/detail_body.py", "detail_body"),
    ("serializer .data", "rest_framework/serializers.py", "data"),
    ("public status selector", "portal/selectors.py", "dossier_public_status"),
    ("template rendering", "django/template/backends/django.py", "render"),
    ("CSRF token", "django/middleware/csrf.py", "get_token"),
    ("worklist: dossier_list", "dossiers/selectors.py", "dossier_list"),
    ("worklist: page (ids + rows)", "dossiers/pagination.py", "page"),
    ("worklist: record_list", "dossiers/access.py", "record_list"),
    ("workspace home view", "workspace/views.py", "home"),
    ("middleware + view (whole handler)", "django/core/handlers/base.py", "_get_response"),
)


def setup(database_url: str, workdir: Path) -> None:
    from bench import server

    env = server.production_env(database_url, workdir)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    import django

    django.setup()


class Statements:
    """A database execute wrapper counting statements, writes, statements in a transaction,
    and the time spent in the driver; with ``watch_transactions``, also the wall time of each
    outermost transaction from BEGIN to the end of COMMIT (on SQLite: how long the database's
    single write lock is held, which bounds concurrent intakes)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.count = self.writes = self.in_atomic = 0
        self.seconds = 0.0
        self.sql: list[str] = []
        self.transactions: list[float] = []
        self.transactions_cpu: list[float] = []
        self._begun: float | None = None
        self._begun_cpu = 0.0

    def watch_transactions(self, connection) -> None:
        """Time every outermost transaction of ``connection``: from the moment
        ``set_autocommit(False)`` returns (SQLite has then run ``BEGIN IMMEDIATE`` and holds the
        write lock; PostgreSQL sends BEGIN with the first statement, which comes after) to the
        moment ``commit()`` returns (the lock is released inside it). Wraps the connection
        object's own methods, which ``transaction.atomic`` calls; a rollback is not counted."""
        set_autocommit, commit = connection.set_autocommit, connection.commit

        def timed_set_autocommit(autocommit, *args, **kwargs):
            out = set_autocommit(autocommit, *args, **kwargs)
            if not autocommit:
                self._begun, self._begun_cpu = time.perf_counter(), time.thread_time()
            return out

        def timed_commit(*args, **kwargs):
            out = commit(*args, **kwargs)
            if self._begun is not None:
                self.transactions.append(time.perf_counter() - self._begun)
                self.transactions_cpu.append(time.thread_time() - self._begun_cpu)
                self._begun = None
            return out

        connection.set_autocommit = timed_set_autocommit
        connection.commit = timed_commit

    def __call__(self, execute, sql, params, many, context):
        from django.db import connection

        self.count += 1
        head = sql.lstrip()[:6].upper()
        self.writes += head in ("INSERT", "UPDATE", "DELETE")
        self.in_atomic += connection.in_atomic_block
        self.sql.append(sql[:120])
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0


def cases(fx: dict, workdir: Path) -> dict:
    """name -> (method, path-maker, headers, body): the requests ``bench/run.py`` drives."""
    from bench import phases
    from motcua.accounts.tokens import token_for_key

    codes = Path(fx["codes_file"]).read_text().split()
    center_codes = Path(fx["center_codes_file"]).read_text().split()
    auth = {"HTTP_AUTHORIZATION": f"Token {fx['token']}"}
    leader_auth = {"HTTP_AUTHORIZATION": f"Token {fx['worklists']['token']}"}
    leader = token_for_key(fx["worklists"]["token"]).user
    cookie = phases.staff_session(leader)
    lists = {name: Path(file).read_text().split() for name, file in fx["worklists"]["files"].items()}
    rng = random.Random(7)

    def intake_body():
        return fx["intake"]["body"].replace("__RANDOM6__", f"{rng.randrange(10**6):06d}")

    # The conditional lookup: a client holding the ETag of each dossier it was sent sends it
    # back (If-None-Match) and gets a 304. Tags are collected on first use, one plain GET per
    # code over the first 200 codes (before the timed requests: in the warm-up).
    tags: dict[str, str] = {}
    chosen: list[str] = []

    def revalidate_path():
        if not tags:
            from django.test import Client

            client = Client(REMOTE_ADDR="127.0.0.1", HTTP_HOST="127.0.0.1")
            for code in center_codes[:200]:
                etag = client.get(f"/api/v1/dossiers/{code}", **auth).get("ETag")
                if etag:
                    tags[code] = etag
        chosen[:] = [rng.choice(sorted(tags) or center_codes[:1])]
        return f"/api/v1/dossiers/{chosen[0]}"

    def revalidate_headers():
        tag = tags.get(chosen[0]) if chosen else None
        return {**auth, **({"HTTP_IF_NONE_MATCH": tag} if tag else {})}

    out = {
        "intake": ("POST", lambda: fx["intake"]["path"], auth, intake_body),
        # The intake's baseline: one INSERT in one transaction through the same middleware.
        "raw_insert": ("POST", lambda: "/bench/raw-insert", {},
                       lambda: json.dumps({"code": f"{rng.randrange(10**6):06d}"})),
        "lookup": ("GET", lambda: f"/api/v1/dossiers/{rng.choice(center_codes)}", auth, None),
        "lookup_revalidate": ("GET", revalidate_path, revalidate_headers, None),
        # The lookups' baseline (bench/baseline/views.py): one indexed SELECT through the same
        # middleware, the figure the HTTP ratio divides by; a path's CPU time over this one's,
        # inverted, is the in-process counterpart of its HTTP ratio.
        "raw_select": ("GET", lambda: f"/bench/raw-select/{rng.choice(center_codes)}", {}, None),
        "lookup_page": ("GET", lambda: f"/tra-cuu/{rng.choice(codes)}/", {}, None),
    }
    # The bench's IPN figure (bench/run.py, figure_ipn): a pending payment and its signed
    # notification (bench/paths.py, with this process's merchant secret), sent once in the
    # warm-up (00: confirmed); every timed call is the duplicate path (02) of a gateway's
    # retries. Made on first use only: it writes a payment to the dataset.
    ipn: list[str] = []

    def ipn_path():
        if not ipn:
            from bench import paths as made

            ipn.append(made.ipn(1)["path"])
        return ipn[0]

    out["ipn"] = ("GET", ipn_path, {}, None)
    for name, paths in lists.items():
        out[f"worklist {name}"] = ("GET", lambda paths=paths: rng.choice(paths), leader_auth, None)
    out["worklist workspace_page"] = ("GET", lambda: fx["worklists"].get("page", "/can-bo/"),
                                      {"HTTP_COOKIE": cookie}, None)
    return out


def measure(name, case, *, runs: int, warmup: int, profile: bool = True) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_HOST="127.0.0.1")
    method, path, headers, body = case
    stmts = Statements()

    def one():
        where = path()
        sent = headers() if callable(headers) else headers
        if method == "POST":
            return client.post(where, data=body(), content_type="application/json", **sent)
        return client.get(where, **sent)

    for _ in range(warmup):
        response = one()
    if response.status_code >= 300 and response.status_code != 304:
        return {"name": name, "error": f"answered {response.status_code}: "
                                       f"{response.content[:200]!r}"}
    times, cpu, counts, writes, atomic, sql_s, held, held_cpu = [], [], [], [], [], [], [], []
    stmts.watch_transactions(connection)
    server0 = server_cpu()
    with connection.execute_wrapper(stmts):
        sample_sql = None
        for _ in range(runs):
            stmts.reset()
            t0, c0 = time.perf_counter(), time.process_time()
            one()
            times.append(time.perf_counter() - t0)
            # CPU time of this process: what the request costs, whatever else the machine runs
            # (wall time on a shared machine is mostly waiting for a core).
            cpu.append(time.process_time() - c0)
            counts.append(stmts.count)
            writes.append(stmts.writes)
            atomic.append(stmts.in_atomic)
            sql_s.append(stmts.seconds)
            # The longest transaction of the request (the intake's own; others are small).
            held.append(max(stmts.transactions, default=0.0))
            held_cpu.append(max(stmts.transactions_cpu, default=0.0))
            sample_sql = sample_sql or list(stmts.sql)
        server1 = server_cpu()
        profiler = cProfile.Profile()
        if profile:
            profiler.enable()
            for _ in range(runs):
                one()
            profiler.disable()
    return {
        "name": name,
        "ms": statistics.median(times) * 1000,
        "cpu_ms": statistics.median(cpu) * 1000,
        "queries": statistics.median(counts),
        "writes": statistics.median(writes),
        "in_transaction": statistics.median(atomic),
        "sql_ms": statistics.median(sql_s) * 1000,
        "transaction_ms": statistics.median(held) * 1000,
        # The same span in this thread's CPU time: what holding the lock costs without the
        # waits for a core that a loaded machine adds to the wall time.
        "transaction_cpu_ms": statistics.median(held_cpu) * 1000,
        # PostgreSQL's side of the machine time (its backend process's CPU over the timed
        # runs, mean per request): SQLite's is already in "cpu_ms".
        "server_cpu_ms": (None if server0 is None or server1 is None
                          else (server1 - server0) / runs * 1000),
        "phases": phase_times(profiler, runs) if profile else {},
        # Python function calls per request (cProfile's count): deterministic, so it compares
        # two trees on a loaded machine where CPU medians move by a third from run to run.
        "calls": calls_per_request(profiler, runs) if profile else None,
        "sql": sample_sql,
    }


def server_cpu() -> float | None:
    """CPU seconds (user + system) of this connection's PostgreSQL backend so far, from
    ``/proc`` (a server on this machine); None for SQLite or when it cannot be read."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def calls_per_request(profiler: cProfile.Profile, runs: int) -> float:
    profiler.create_stats()
    stats = getattr(profiler, "stats", {})
    return sum(nc for (_cc, nc, _tt, _ct, _callers) in stats.values()) / runs if stats else 0.0


def phase_times(profiler: cProfile.Profile, runs: int) -> dict[str, float]:
    """ms per request spent in each named phase (cumulative time of its function; cProfile's
    own overhead inflates every figure by a similar factor)."""
    profiler.create_stats()
    stats = getattr(profiler, "stats", {})
    if not stats:
        return {}
    out: dict[str, float] = {}
    for label, suffix, func in PHASES:
        total = sum(
            cumulative for (file, _line, fname), (_cc, _nc, _tt, cumulative, _callers)
            in stats.items() if fname == func and file.endswith(suffix)
        )
        if total:
            out[label] = total / runs * 1000
    return out


def markdown(rows: list[dict]) -> str:
    lines = ["| request | CPU ms | wall ms | statements | writes | in a transaction | SQL ms "
             "| BEGIN→COMMIT ms (wall / CPU) | Python calls | server CPU ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['name']} | {r['error']} | | | | | | | | |")
            continue
        lines.append(f"| {r['name']} | {r['cpu_ms']:.2f} | {r['ms']:.2f} | {r['queries']:.0f} | "
                     f"{r['writes']:.0f} | "
                     f"{r['in_transaction']:.0f} | {r['sql_ms']:.2f} | "
                     f"{r['transaction_ms']:.2f} / {r['transaction_cpu_ms']:.2f} | "
                     f"{'' if r.get('calls') is None else format(r['calls'], ',.0f')} | "
                     f"{'' if r.get('server_cpu_ms') is None else format(r['server_cpu_ms'], '.2f')} |")
    lines += ["", "Phases (cProfile, ms per request, profiler overhead included; phases nest):", ""]
    for r in rows:
        if "phases" in r:
            parts = ", ".join(f"{k} {v:.2f}" for k, v in r["phases"].items())
            lines.append(f"* **{r['name']}**: {parts}")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("workdir", type=Path, help="a dataset folder kept by bench/run.py --keep")
    p.add_argument("--database-url", help="default: the folder's bench.sqlite3")
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--only", help="comma list of request names (a name that is not one "
                                  "matches as a prefix: 'lookup' is the lookup alone, "
                                  "'look' the lookup and the lookup page)")
    p.add_argument("--json", type=Path, help="also write the rows (with sample SQL) here")
    p.add_argument("--no-profile", action="store_true",
                   help="time and count only (cProfile doubles the time of what it watches)")
    args = p.parse_args(argv)
    url = args.database_url or f"sqlite:///{args.workdir / 'bench.sqlite3'}"
    setup(url, args.workdir.parent)
    fx = json.loads((args.workdir / "fixtures.json").read_text())
    wanted = [w.strip() for w in (args.only or "").split(",") if w.strip()]
    rows = []
    requests = cases(fx, args.workdir)
    chosen = selected(list(requests), wanted)
    for name, case in requests.items():
        if name not in chosen:
            continue
        rows.append(measure(name, case, runs=args.runs, warmup=args.warmup,
                            profile=not args.no_profile))
        print(f"{name}: done", file=sys.stderr, flush=True)
    print(f"load average {os.getloadavg()}", file=sys.stderr)
    print(markdown(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False))
    return 0


def selected(names: list[str], wanted: list[str]) -> list[str]:
    """The request names ``--only`` asks for: each word is a name, or else a prefix of names
    (``lookup`` is the staff lookup alone, not the lookup page too); none asks for all."""
    if not wanted:
        return names
    return [name for name in names
            if any(name == w or (w not in names and name.startswith(w)) for w in wanted)]


if __name__ == "__main__":
    sys.exit(main())
