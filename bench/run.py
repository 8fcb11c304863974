"""``make bench``: Motcua's speed, measured as ratios against baselines from the same run.

    .venv/bin/python bench/run.py [--scale 1] [--db sqlite,postgresql] [--duration 10] ...

For each database (SQLite, and PostgreSQL when 127.0.0.1:5432 answers):

1. build a fresh database with the synthetic dataset (``bench/generate.py``, 1M dossiers per
   scale unit) in a child process;
2. start gunicorn as in production (MOTCUA_ENV=production, DEBUG off, a generated secret key)
   with ``bench.baseline.settings``, which adds the raw baseline views;
3. drive each endpoint and its baseline with wrk over 127.0.0.1 (``bench/loadgen.py``);
4. time the official report for one year in a child process;
5. drop the database (``--keep`` keeps it).

The worktime engine's own benchmark (``bench/worktime.py`` ``run()``) runs once, in a child
process because it pins itself to one CPU. Results: a table on stdout and
``bench/results/latest.json`` (see ``bench/results.py`` for the keys).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(ROOT / "src") not in sys.path:
    sys.path.insert(1, str(ROOT / "src"))

from bench import loadgen, results, server  # noqa: E402

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = "motcua_bench"
MILLION = 1_000_000
VN = dt.timezone(dt.timedelta(hours=7))


def log(msg: str) -> None:
    # Vietnam time in parent and Django children alike (Django sets TZ in its process).
    print(f"[{dt.datetime.now(VN):%H:%M:%S}] {msg}", flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=float, default=1.0, help="millions of dossiers (10 = 10M)")
    p.add_argument("--dossiers", type=int, help="exact number of dossiers (overrides --scale)")
    p.add_argument("--db", default="sqlite,postgresql", help="comma list: sqlite, postgresql")
    p.add_argument("--duration", type=int, default=10, help="seconds of load per figure")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: 2 x cores)")
    p.add_argument("--report-runs", type=int, default=5)
    p.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    p.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    p.add_argument("--reuse", action="store_true",
                   help="reuse a database kept by an earlier --keep run of the same size "
                        "(migrated, not regenerated); implies --keep")
    p.add_argument("--only", choices=["http", "report"],
                   help="measure only the HTTP figures or only the official report")
    p.add_argument("--figures", default=",".join(HTTP_FIGURES),
                   help="comma list of HTTP figures to measure: " + ", ".join(HTTP_FIGURES))
    p.add_argument("--port", type=int, default=0,
                   help="gunicorn's port on 127.0.0.1 (0: any free port)")
    p.add_argument("--pg-name", default=PG_NAME,
                   help="PostgreSQL database to build (dropped afterwards unless --keep)")
    p.add_argument("--compare", type=Path,
                   help="results file to compare with (default: the newest one committed under "
                        "docs/results/ for the same number of dossiers)")
    p.add_argument("--fail-on-regression", action="store_true",
                   help="exit with status 3 when a figure fell by more than 20%%")
    p.add_argument("--skip-worktime", action="store_true")
    p.add_argument("--rebuild", choices=["always", "never"], default="always",
                   help="run reports_rebuild after loading (never: time the exact report path)")
    p.add_argument("--merge", action="store_true",
                   help="keep the other databases' figures (and worktime, if skipped) from --out")
    p.add_argument("--clients", type=int, default=50,
                   help="booking figure: clients racing for the last places of a slot")
    p.add_argument("--displays", type=int, default=50,
                   help="display figure: server-sent-event displays on uvicorn")
    p.add_argument("--courier-dossiers", type=int, default=2000,
                   help="courier figure: paper dossiers waiting at the center over the day")
    p.add_argument("--phase", choices=["prepare", "report", "refresh", "path"],
                   help=argparse.SUPPRESS)
    p.add_argument("--path", help=argparse.SUPPRESS)
    p.add_argument("--path-size", type=int, default=0, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.n = args.dossiers if args.dossiers is not None else int(args.scale * MILLION)
    args.dbs = [d.strip() for d in args.db.split(",") if d.strip()]
    for db in args.dbs:
        if db not in ("sqlite", "postgresql"):
            p.error(f"unknown database {db!r}")
    args.figures = [f.strip() for f in args.figures.split(",") if f.strip()]
    for name in args.figures:
        if name not in HTTP_FIGURES:
            p.error(f"unknown figure {name!r} (known: {', '.join(HTTP_FIGURES)})")
    args.workers = args.workers or 2 * (os.cpu_count() or 1)
    args.keep = args.keep or args.reuse
    return args


# --- child phases (inside Django) -------------------------------------------------------------


def child(args) -> None:
    from bench import phases

    workdir = args.workdir
    if args.phase == "prepare":
        phases.prepare(dossiers=args.n, workdir=workdir, rebuild=args.rebuild, log=log)
    elif args.phase == "refresh":
        phases.refresh(workdir, log)
    elif args.phase == "path":
        from bench import paths

        print("PATH " + json.dumps(paths.run(args.path, size=args.path_size, workdir=workdir)),
              flush=True)
    else:
        ledger = workdir / "ledger.json"
        rebuilt = ledger.exists() and json.loads(ledger.read_text())["rebuilt"]
        out = phases.report(runs=args.report_runs, ledger=rebuilt)
        (workdir / "report.json").write_text(json.dumps(out))


# --- the driver -------------------------------------------------------------------------------


def pg_available() -> str | None:
    """None when PostgreSQL answers on 127.0.0.1:5432, else why not."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except Exception as exc:
        return f"PostgreSQL not reachable on 127.0.0.1:5432: {exc.__class__.__name__}"


def pg_recreate(name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def run_child(phase: str, env: dict, args, workdir: Path) -> None:
    cmd = [sys.executable, str(ROOT / "bench" / "run.py"), "--phase", phase,
           "--dossiers", str(args.n), "--workdir", str(workdir),
           "--report-runs", str(args.report_runs), "--rebuild", args.rebuild]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True)


def worktime_figures() -> dict:
    """``bench/worktime.py`` ``run()``, in a child process (it pins itself to one CPU)."""
    if not (ROOT / "bench" / "worktime.py").exists():
        return {**dict.fromkeys(results.WORKTIME_KEYS), "note": "n/a (missing: bench/worktime.py)"}
    code = (
        "import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[1] + '/src']; "
        "from bench.worktime import run; print('WORKTIME ' + json.dumps(run()))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True,
                         cwd=ROOT, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("WORKTIME "):
            return json.loads(line[len("WORKTIME "):])
    return {**dict.fromkeys(results.WORKTIME_KEYS),
            "note": f"n/a (bench/worktime.py failed: {out.stderr.strip()[-300:]})"}


class HttpRun:
    """What every HTTP figure needs: the server, the fixtures, wrk's options, helpers."""

    def __init__(self, base: str, fx: dict, args, workdir: Path, env: dict | None = None):
        self.base, self.fx, self.args, self.workdir = base, fx, args, workdir
        self.env = env if env is not None else dict(os.environ)
        self.opts = {"workdir": workdir, "duration": args.duration,
                     "connections": args.connections, "threads": args.threads}
        self.auth = {"Authorization": f"Token {fx['token']}"}

    def probe(self, path: str, *, method="GET", body=None, headers=None) -> tuple[int, str]:
        return server.fetch(self.base + path, method=method, body=body, headers=headers)

    def settle(self) -> None:
        # A run whose requests outlived it leaves the workers busy: the next figure must not
        # start behind them.
        waited = server.drain(self.base + "/bench/raw-select/" + self.fx["sample_code"])
        if waited > 1:
            log(f"  (waited {waited:.0f} s for the workers to finish the previous run)")

    def in_django(self, name: str, size: int = 0) -> dict:
        """``bench/paths.py`` ``<name>`` in a child process on the bench database: its dict,
        or a ``note`` saying why there is none (a failing path never stops the run)."""
        cmd = [sys.executable, str(ROOT / "bench" / "run.py"), "--phase", "path", "--path", name,
               "--path-size", str(size), "--workdir", str(self.workdir)]
        try:
            out = subprocess.run(cmd, env=self.env, cwd=ROOT, capture_output=True, text=True,
                                 timeout=PATH_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            return {"note": f"n/a ({name}: no answer within {PATH_TIMEOUT_S} s)"}
        return path_result(name, out.returncode, out.stdout, out.stderr)

    # Each baseline runs right before its figure: the machine may be shared, and a ratio of
    # two runs seconds apart is what stays comparable.
    def raw_insert(self):
        return loadgen.run(self.base,
                           loadgen.lua_post("/bench/raw-insert", '{"code": "__RANDOM6__"}'),
                           name="raw-insert", **self.opts)

    def raw_select(self, codes: Path):
        return loadgen.run(self.base, loadgen.lua_get_codes("/bench/raw-select/{code}", codes),
                           name="raw-select", **self.opts)


def figure_intake(run: HttpRun, out: dict) -> None:
    fx = run.fx
    body = fx["intake"]["body"].replace("__RANDOM6__", "000001")
    status, text = run.probe(fx["intake"]["path"], method="POST", body=body.encode(),
                             headers={**run.auth, "Content-Type": "application/json"})
    if status == 201 or status == 200:
        baseline = run.raw_insert()
        fig = loadgen.run(run.base, loadgen.lua_post(fx["intake"]["path"], fx["intake"]["body"],
                                                     run.auth), name="intake", **run.opts)
        out["intake"] = results.figure(fig, baseline)
    else:
        out["intake"] = results.missing(f"POST /api/v1/dossiers answered {status}: {text[:160]}")
    log(f"  intake: {_short(out['intake'])}")


def _lookup_figure(key: str, path: str, headers: dict, codes: Path, sample: str):
    def measure(run: HttpRun, out: dict) -> None:
        status, text = run.probe(path.replace("{code}", sample(run.fx)), headers=headers(run))
        if status == 200:
            baseline = run.raw_select(codes(run.fx))
            fig = loadgen.run(run.base, loadgen.lua_get_codes(path, codes(run.fx), headers(run)),
                              name=key, **run.opts)
            out[key] = results.figure(fig, baseline)
        else:
            out[key] = results.missing(f"missing: GET {path} answered {status}")
        log(f"  {key}: {_short(out[key])}")
    return measure


figure_lookup = _lookup_figure(
    "lookup", "/api/v1/dossiers/{code}", lambda run: run.auth,
    lambda fx: Path(fx["center_codes_file"]), lambda fx: fx["center_sample_code"])
REVALIDATE_CODES = 500


def figure_lookup_revalidate(run: HttpRun, out: dict) -> None:
    """The staff lookup as a client that caches makes it: each request sends back the ETag it
    was given for that dossier (``If-None-Match``) and gets a 304. The cold ``lookup`` figure
    (no validator, the whole body every time) is unchanged beside it. Tags are collected
    first, one plain GET per code, for the first REVALIDATE_CODES of the center's codes; the
    raw-select baseline runs over the same codes."""
    path = "/api/v1/dossiers/{code}"
    codes = Path(run.fx["center_codes_file"]).read_text().split()[:REVALIDATE_CODES]
    tagged, refused = [], ""
    for code in codes:
        status, etag = server.fetch_tag(run.base + path.replace("{code}", code), headers=run.auth)
        if status != 200 or not etag:
            refused = f"GET {path} answered {status} without an ETag" if status == 200 else \
                f"GET {path} answered {status}"
            break
        tagged.append((code, etag))
    if tagged and not refused:
        code, etag = tagged[0]
        status, _ = server.fetch_tag(run.base + path.replace("{code}", code),
                                     headers={**run.auth, "If-None-Match": etag})
        if status != 304:
            refused = f"If-None-Match answered {status}, not 304"
    if refused or not tagged:
        out["lookup_revalidate"] = results.missing(f"missing: {refused or 'no codes'}")
    else:
        tag_file = run.workdir / "codes-tagged.txt"
        tag_file.write_text("".join(f"{c}\t{t}\n" for c, t in tagged))
        code_file = run.workdir / "codes-tagged-plain.txt"
        code_file.write_text("".join(f"{c}\n" for c, _ in tagged))
        baseline = run.raw_select(code_file)
        fig = loadgen.run(run.base, loadgen.lua_get_codes_revalidate(path, tag_file, run.auth),
                          name="lookup_revalidate", **run.opts)
        out["lookup_revalidate"] = results.figure(fig, baseline)
    log(f"  lookup_revalidate: {_short(out['lookup_revalidate'])}")


figure_lookup_page = _lookup_figure(
    "lookup_page", "/tra-cuu/{code}/", lambda run: {},
    lambda fx: Path(fx["codes_file"]), lambda fx: fx["sample_code"])


def figure_worklists(run: HttpRun, out: dict) -> None:
    """Worklists: absolute p95, no baseline; at 8 connections, then one at a time."""
    fx, args, workdir, opts = run.fx, run.args, run.workdir, run.opts
    leader_auth = {"Authorization": f"Token {fx['worklists']['token']}"}
    worklists = {}
    session = {"Cookie": fx["worklists"]["session"]}
    for name, file in fx["worklists"]["files"].items():
        first = fx["worklists"]["first"][name]
        status, text = run.probe(first, headers=leader_auth)
        if status == 200:
            fig = loadgen.run(run.base, loadgen.lua_get_paths(Path(file), leader_auth),
                              name=f"worklist-{name}", **opts)
            worklists[name] = fig.as_dict()
            run.settle()
        else:
            worklists[name] = {"p95_ms": None, "note": f"n/a (GET {first} answered {status})"}
        log(f"  worklist {name}: {_short(worklists[name])}")
    page = fx["worklists"].get("page", "/can-bo/")
    status, text = run.probe(page, headers=session)
    if status == 200:
        pfile = workdir / "paths-page.txt"
        pfile.write_text(page + "\n")
        fig = loadgen.run(run.base, loadgen.lua_get_paths(pfile, session), name="worklist-page",
                          **opts)
        worklists["workspace_page"] = fig.as_dict()
        run.settle()
    else:
        worklists["workspace_page"] = {"p95_ms": None, "note": (
            f"n/a (missing: GET {page} answered {status})" if status else f"n/a (GET {page}: {text})")}
    log(f"  worklist page: {_short(worklists['workspace_page'])}")
    out["worklists"] = worklists
    # The same lists one request at a time: what a clerk waits when the server is not
    # saturated (above, 8 connections keep both cores busy and p95 is mostly queueing).
    single = {**opts, "connections": 1, "threads": 1}
    alone = {}
    for name, file in fx["worklists"]["files"].items():
        if worklists[name].get("p95_ms") is not None:
            alone[name] = loadgen.run(run.base, loadgen.lua_get_paths(Path(file), leader_auth),
                                      name=f"worklist-{name}-1", **single).as_dict()
            log(f"  worklist {name}, 1 connection: {_short(alone[name])}")
    if worklists["workspace_page"].get("p95_ms") is not None:
        alone["workspace_page"] = loadgen.run(
            run.base, loadgen.lua_get_paths(workdir / "paths-page.txt", session),
            name="worklist-page-1", **single).as_dict()
        log(f"  worklist page, 1 connection: {_short(alone['workspace_page'])}")
    out["worklists_one_connection"] = alone
    if alone:
        out["worklist_p95_ms_one_connection"] = max(w["p95_ms"] for w in alone.values()
                                                    if w.get("p95_ms") is not None)
    measured = [w["p95_ms"] for w in worklists.values() if w.get("p95_ms") is not None]
    # A list whose requests all outlived the run is at least that slow.
    stuck = [n for n, w in worklists.items() if w.get("requests") == 0]
    measured += [args.duration * 1000.0 for _ in stuck]
    out["worklist_p95_ms"] = max(measured) if measured else None
    if stuck:
        out["worklist_note"] = f"no request completed within {args.duration} s: {', '.join(stuck)}"


# --- the new paths (issue 18 item 6): floor, payments, courier, ops ----------------------------

PATH_TIMEOUT_S = 300


def path_result(name: str, returncode: int, stdout: str, stderr: str) -> dict:
    """The ``PATH {...}`` line a ``--phase path`` child printed, else why it has none."""
    for line in stdout.splitlines():
        if line.startswith("PATH "):
            return json.loads(line[len("PATH "):])
    why = (stderr.strip().splitlines() or [f"exit status {returncode}"])[-1]
    return {"note": f"n/a ({name} failed: {why[-240:]})"}


def figure_booking(run: HttpRun, out: dict) -> None:
    """Booking under contention (issue 15): bookings/s on a slot's last places; overbooked
    must be 0 on every database."""
    out["booking"] = run.in_django("booking", run.args.clients)
    log(f"  booking: {_short_path(out['booking'])}")


def figure_display(run: HttpRun, out: dict) -> None:
    """Call to display (issue 15): p95 from a call's commit to its event on 50 displays < 1 s."""
    out["display"] = run.in_django("display", run.args.displays)
    log(f"  display: {_short_path(out['display'])}")


def figure_ipn(run: HttpRun, out: dict) -> None:
    """Payment IPN (issue 14): the signed VNPay notification, once (00, confirmed), then
    under load: the duplicate path (02) that a gateway's retries take. Ratio against the raw
    SELECT baseline: a duplicate reads the payment under lock and writes its audit event."""
    made = run.in_django("ipn")
    if "path" not in made:
        out["ipn"] = {**results.missing("no IPN fixture"), "note": made.get("note", "n/a")}
    else:
        status, text = run.probe(made["path"])
        if status == 200 and '"00"' in text:
            baseline = run.raw_select(Path(run.fx["codes_file"]))
            pfile = run.workdir / "paths-ipn.txt"
            pfile.write_text(made["path"] + "\n")
            fig = loadgen.run(run.base, loadgen.lua_get_paths(pfile), name="ipn", **run.opts)
            out["ipn"] = results.figure(fig, baseline)
            status, text = run.probe(made["path"])
            out["ipn"]["duplicate_answer"] = text[:80]
            run.settle()
        else:
            out["ipn"] = results.missing(f"GET /thanh-toan/vnpay/ipn/ answered {status}: "
                                         f"{text[:160]}")
    log(f"  ipn: {_short(out['ipn'])}")


def figure_submission(run: HttpRun, out: dict) -> None:
    """Online submission with uploads (issue 13): five 5 MB files and the submit < 2 s."""
    out["submission"] = run.in_django("submission", 5)
    log(f"  submission: {_short_path(out['submission'])}")


def figure_courier(run: HttpRun, out: dict) -> None:
    """Courier day (issue 16): run_create at each pickup time over N waiting paper dossiers."""
    out["courier"] = run.in_django("courier", run.args.courier_dossiers)
    log(f"  courier: {_short_path(out['courier'])}")


def figure_backup(run: HttpRun, out: dict) -> None:
    """``motcua backup`` of the bench database (issue 17): seconds and size."""
    out["backup"] = run.in_django("backup")
    log(f"  backup: {_short_path(out['backup'])}")


def _short_path(fig: dict) -> str:
    if fig.get("note"):
        return fig["note"]
    return ", ".join(f"{k} {v}" for k, v in fig.items() if not isinstance(v, list | dict))


# The HTTP figures, in the order they run; ``--figures`` picks some of them by name.
#
# Extension point for the paths other features are adding (online submission with uploads,
# booking under contention, call-to-display latency, payment IPN, courier day, backup): write
# ``figure_<name>(run: HttpRun, out: dict)`` that probes its endpoint once (a missing feature
# is ``results.missing(...)``, never a crash), measures its baseline right before it when it
# has one, stores ``results.figure(fig, baseline)`` (or an absolute ``fig.as_dict()``) under
# ``out[<name>]``, and add it here; give it a target in ``results.TARGETS`` if it is a ratio.
# The fixtures it needs come from ``bench/phases.py`` ``prepare()`` (fixtures.json).
HTTP_FIGURES: dict = {
    "intake": figure_intake,
    "lookup": figure_lookup,
    "lookup_revalidate": figure_lookup_revalidate,
    "lookup_page": figure_lookup_page,
    "worklists": figure_worklists,
    "booking": figure_booking,
    "display": figure_display,
    "ipn": figure_ipn,
    "submission": figure_submission,
    "courier": figure_courier,
    # Last: it reads the whole database, and the figures above add their rows to it.
    "backup": figure_backup,
}


def measure_http(base: str, fx: dict, args, workdir: Path, env: dict | None = None) -> dict:
    """The selected HTTP figures of one database, each next to its baseline."""
    run = HttpRun(base, fx, args, workdir, env)
    out: dict = {}
    for name in args.figures:
        HTTP_FIGURES[name](run, out)
    return out


def _short(fig: dict) -> str:
    if fig.get("p95_ms") is None:
        return fig.get("note", "n/a")
    ratio = f", ratio {fig['ratio']:.2f}" if fig.get("ratio") is not None else ""
    return f"{fig['rps']:,.0f}/s p95 {fig['p95_ms']:.1f} ms{ratio}" + (
        f" ({fig['errors']} errors)" if fig.get("errors") else "")


def bench_database(db: str, args, secret: str, data: dict) -> dict:
    """Fill ``data`` as figures come in, so a late failure keeps the earlier ones."""
    workdir, pg_name = dataset_place(db, args)
    url = (f"sqlite:///{workdir / 'bench.sqlite3'}" if db == "sqlite"
           else f"postgres://postgres@127.0.0.1:5432/{pg_name}")
    env = server.production_env(url, args.workdir, secret_key=secret)
    reused = args.reuse and _kept(db, workdir, args.n, pg_name)
    try:
        if reused:
            log(f"{db}: reusing the kept {args.n:,} dossiers (migrate only)")
            subprocess.run([sys.executable, "-m", "motcua", "migrate", "--noinput", "-v", "0"],
                           env=env, cwd=ROOT, check=True)
            run_child("refresh", env, args, workdir)  # vacuum, a session under this key
            data["reused"] = True
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir(parents=True)
            if db == "postgresql":
                pg_recreate(pg_name)
            log(f"{db}: building {args.n:,} dossiers")
            t0 = time.perf_counter()
            run_child("prepare", env, args, workdir)
            data["prepare_s"] = round(time.perf_counter() - t0, 1)
        fx = json.loads((workdir / "fixtures.json").read_text())
        data["generate_s"] = round(fx["timings"]["generate_s"], 1)
        data["reports_rebuild"] = fx["reports_rebuild"]
        data["province"] = fx["loader"]
        if args.only != "report":
            log(f"{db}: serving with gunicorn ({args.workers} workers), wrk {args.threads} "
                f"threads x {args.connections} connections, {args.duration} s per figure")
            with server.Gunicorn(env, workers=args.workers, log=workdir / "gunicorn.log",
                                port=args.port or None) as srv:
                data.update(measure_http(srv.url, fx, args, workdir, env))
        if args.only != "http":
            log(f"{db}: official report, {args.report_runs} runs")
            run_child("report", env, args, workdir)
            rep = json.loads((workdir / "report.json").read_text())
            data["report_year_s"] = rep.get("report_year_s")
            data["report"] = rep
            if rep.get("note"):
                data["report_note"] = rep["note"]
            log(f"  report: {rep}")
    finally:
        if not args.keep:
            if db == "postgresql":
                pg_recreate(pg_name, drop_only=True)
            else:
                for f in workdir.glob("bench.sqlite3*"):
                    f.unlink()
    return data


def dataset_place(db: str, args) -> tuple[Path, str]:
    """Work folder and PostgreSQL database of one dataset: the default size has the plain
    names, other sizes their own, so a kept 10M dataset survives a 1M run."""
    suffix = "" if args.n == MILLION else f"_{args.n}"
    return args.workdir / f"{db}{suffix.replace('_', '-')}", args.pg_name + suffix


def _kept(db: str, workdir: Path, n: int, pg_name: str = PG_NAME) -> bool:
    """Whether ``workdir`` holds a finished dataset of ``n`` dossiers for ``db``."""
    fixtures = workdir / "fixtures.json"
    if not fixtures.exists():
        return False
    fx = json.loads(fixtures.read_text())
    if fx.get("dossiers", sum(fx.get("by_status", {}).values())) != n:
        return False
    if db == "sqlite":
        return (workdir / "bench.sqlite3").exists()
    import psycopg

    with psycopg.connect(PG_ADMIN) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (pg_name,)).fetchone() is not None


# What the HTTP figures need besides the Python packages: a Debian package and the venv's
# gunicorn (pyproject). ``make bench`` installs wrk when it runs as root (Makefile: bench-tools).
INSTALL_HINT = {
    "wrk": "apt-get install wrk   (or run `make bench` as root: it installs it)",
    "gunicorn": "make .venv/.installed   (pip install -e '.[dev]')",
}


def preflight(args, *, which=shutil.which) -> list[str]:
    """The tools the requested figures need and that are missing, each with how to get it.

    Checked before anything slow (collectstatic, the dataset): without wrk the first HTTP figure
    would fail only after minutes of building a million dossiers."""
    missing = []
    if args.only != "report":
        if which("wrk") is None:
            missing.append("wrk")
        if not server.BIN.joinpath("gunicorn").exists() and which("gunicorn") is None:
            missing.append("gunicorn")
    return [f"{tool}: {INSTALL_HINT[tool]}" for tool in missing]


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.phase:
        child(args)
        return 0
    if missing := preflight(args):
        print("make bench: missing before any measurement:", *missing,
              "(or measure only the official report: BENCH_ARGS='--only report')",
              sep="\n  ", file=sys.stderr)
        return 2
    started = time.perf_counter()
    args.workdir.mkdir(parents=True, exist_ok=True)
    out = {
        "machine": results.machine(),
        "dossiers": args.n,
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        # The machine may be shared: say how busy it was.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "config": {"duration_s": args.duration, "connections": args.connections,
                   "threads": args.threads, "gunicorn_workers": args.workers},
    }
    if args.merge and args.out.exists():
        previous = json.loads(args.out.read_text())
        if previous.get("dossiers") == args.n:
            for key in ("sqlite", "postgresql"):
                if key not in args.dbs and key in previous:
                    out[key] = previous[key]
            if args.skip_worktime and "worktime" in previous:
                out["worktime"] = previous["worktime"]
            out["merged_from"] = previous.get("started_at")
    import secrets

    secret = secrets.token_urlsafe(50)
    # Static files once, as a production deployment would (manifest storage needs them).
    env = server.production_env("sqlite:///" + str(args.workdir / "static.sqlite3"), args.workdir,
                                secret_key=secret)
    subprocess.run([sys.executable, "-m", "motcua", "collectstatic", "--noinput", "-v", "0"],
                   env=env, cwd=ROOT, check=True)
    for db in ("sqlite", "postgresql"):
        if db not in args.dbs:
            continue
        if db == "postgresql" and (why := pg_available()):
            out[db] = {"skipped": why}
            log(f"postgresql skipped: {why}")
            continue
        out[db] = {}
        try:
            bench_database(db, args, secret, out[db])
        except Exception as exc:
            log(f"{db}: FAILED {exc!r}")
            out[db]["error"] = f"failed: {exc!r}"[:300]
            if "intake" not in out[db]:
                out[db]["skipped"] = out[db]["error"]
    if not args.skip_worktime:
        log("worktime engine (bench/worktime.py run())")
        out["worktime"] = worktime_figures()
    out["total_s"] = round(time.perf_counter() - started, 1)
    out["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print()
    print(results.table(out))
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out} "
          f"in {out['total_s'] / 60:.1f} min")
    fell = regression_guard(out, args)
    return 3 if fell and args.fail_on_regression else 0


def regression_guard(out: dict, args) -> list[str]:
    """Compare with the last committed results and say which figures fell by more than 20 %.

    The lines are printed and kept in the results file (``regressions``, ``compared_with``);
    with ``--fail-on-regression`` the run exits with status 3."""
    if args.compare:
        reference = (str(args.compare), json.loads(args.compare.read_text()))
    else:
        reference = results.last_committed(ROOT, args.n)
    # An overbooked slot is a failure whatever the earlier results said.
    wrong = results.broken(out)
    for line in wrong:
        print(f"BROKEN: {line}")
    if wrong:
        out["broken"] = wrong
        args.out.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    if reference is None:
        print(f"regression guard: no committed results for {args.n:,} dossiers to compare with")
        return wrong
    path, previous = reference
    fell = wrong + results.regressions(out, previous)
    out["compared_with"] = path
    out["regressions"] = fell
    args.out.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    if fell:
        print(f"REGRESSION against {path} (more than {results.REGRESSION_TOLERANCE:.0%} slower; "
              f"load average now {out.get('load_average_end')}, then {previous.get('load_average')}):")
        for line in fell:
            print(f"  {line}")
    else:
        print(f"regression guard: no figure fell by more than "
              f"{results.REGRESSION_TOLERANCE:.0%} against {path}")
    return fell


if __name__ == "__main__":
    sys.exit(main())
