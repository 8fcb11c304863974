"""The results file (``bench/results/latest.json``) and the table printed on stdout.

Shape (other tools read these keys)::

    {"machine": {...}, "dossiers": N,
     "sqlite": {"intake": FIG, "lookup": FIG, "worklist_p95_ms": ms, "report_year_s": s, ...},
     "postgresql": {... same ...},
     "worktime": {"deadlines_per_s", "numpy_per_call_per_s", "holidays_per_s", "recompute_1m_s"}}

where FIG = {"rps", "p50_ms", "p95_ms", "p99_ms", "baseline_rps", "ratio"}; a figure that
could not be measured holds ``None`` values and a ``note`` saying why ("n/a (missing: …)").
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

FIGURE_KEYS = ("rps", "p50_ms", "p95_ms", "p99_ms", "baseline_rps", "ratio")
WORKTIME_KEYS = ("deadlines_per_s", "numpy_per_call_per_s", "holidays_per_s", "recompute_1m_s")
# lookup_revalidate: the same staff lookup sent with If-None-Match (a client that caches), held
# to the lookup's target; "lookup" stays the cold request that builds the whole body.
TARGETS = {"intake": 0.30, "lookup": 0.60, "lookup_revalidate": 0.60, "lookup_page": 0.60}
WORKLIST_P95_MS = 50.0
REPORT_S = 0.5
# The new paths (bench/paths.py): each figure's key, its number, and its target as the issue
# that built it said; None: measured and guarded against regressions, no absolute target.
DISPLAY_P95_MS = 1000.0  # issue 15: call to display on 50 displays
SUBMISSION_S = 2.0  # issue 13: five 5 MB files uploaded and submitted
PATH_KEYS = ("booking", "display", "ipn", "submission", "courier", "backup")


def path_rows(data: dict):
    """``(label, value, target, ok)`` for each new-path figure a database measured."""
    b = data.get("booking")
    if b:
        if b.get("note"):
            yield "booking under contention", b["note"], "overbooked = 0", None
        else:
            yield (f"booking, {b['clients']} clients on {b['places']} last places x{b['rounds']}",
                   f"{b['bookings_per_s']:,.1f} bookings/s ({b['attempts_per_s']:,.0f} attempts/s), "
                   f"overbooked {b['overbooked']}", "overbooked = 0", b["overbooked"] == 0)
    d = data.get("display")
    if d:
        if d.get("note") or d.get("p95_ms") is None:
            yield "call to display", d.get("note", "no event arrived"), "p95 < 1 s", None
        else:
            yield (f"call to display, {d['displays']} displays",
                   f"p50 {d['p50_ms']:.0f} ms, p95 {d['p95_ms']:.0f} ms, "
                   f"{d['events']}/{d['expected_events']} events",
                   "p95 < 1 s", d["p95_ms"] < DISPLAY_P95_MS and d["events"] == d["expected_events"])
    f = data.get("ipn")
    if f:
        if f.get("ratio") is None:
            yield "payment IPN (duplicate)", f.get("note", "n/a"), "ratio (no target)", None
        else:
            yield ("payment IPN (duplicate)",
                   f"{f['rps']:,.0f}/s p95 {f['p95_ms']:.1f} ms, raw {f['baseline_rps']:,.0f}/s, "
                   f"ratio {f['ratio']:.2f}", "ratio (no target)", None)
    u = data.get("submission")
    if u:
        if u.get("note"):
            yield "online submission with uploads", u["note"], "< 2 s", None
        else:
            yield (f"online submission, {u['files']} x {u['mb_each']} MB",
                   f"{u['seconds']:.2f} s", f"< {SUBMISSION_S:.0f} s", u["seconds"] < SUBMISSION_S)
    c = data.get("courier")
    if c:
        if c.get("note"):
            yield "courier day", c["note"], "(no target)", None
        else:
            yield (f"courier day, {c['runs']} runs", f"{c['seconds']:.2f} s for {c['dossiers']:,} "
                   f"dossiers ({c['listed']:,} listed)", "(no target)", None)
    k = data.get("backup")
    if k:
        if k.get("note"):
            yield "motcua backup", k["note"], "(no target)", None
        else:
            yield "motcua backup", f"{k['seconds']:.2f} s, {k['mb']:,.1f} MB", "(no target)", None


def machine() -> dict:
    """What the figures were measured on."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": _sqlite_version(),
        "postgresql": _pg_version(),
    }


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def _pg_version() -> str | None:
    try:
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
            capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def missing(reason: str) -> dict:
    """A figure that could not be measured."""
    return {**dict.fromkeys(FIGURE_KEYS), "note": f"n/a ({reason})"}


def figure(real, baseline) -> dict:
    """A measured figure next to its baseline (both ``loadgen.Figure``)."""
    ratio = round(real.rps / baseline.rps, 3) if baseline and baseline.rps else None
    out = {
        "rps": real.rps, "p50_ms": real.p50_ms, "p95_ms": real.p95_ms, "p99_ms": real.p99_ms,
        "baseline_rps": baseline.rps if baseline else None, "ratio": ratio,
        "requests": real.requests, "errors": real.errors,
    }
    if getattr(real, "note", ""):
        out["note"] = real.note
    if baseline:
        out["baseline_p50_ms"] = baseline.p50_ms
        out["baseline_p95_ms"] = baseline.p95_ms
        out["baseline_p99_ms"] = baseline.p99_ms
    return out


def _fmt(value, spec: str) -> str:
    if value is None:
        return "n/a"
    return format(value, spec)


def _wt_spec(key: str) -> str:
    # Rates ("…_per_s") are whole numbers; durations ("…_s") keep two decimals.
    return ",.0f" if key.endswith("per_s") else ",.2f"


def _verdict(ok: bool | None) -> str:
    return {True: "ok", False: "MISSED", None: ""}[ok]


def table(results: dict) -> str:
    """The human-readable table printed at the end of ``make bench``."""
    lines = []
    m = results.get("machine", {})
    lines.append(
        f"Motcua benchmark, {results.get('dossiers', 0):,} dossiers — {m.get('cpu', '?')}, "
        f"{m.get('cores', '?')} cores, {m.get('memory_gb', '?')} GB, Python {m.get('python', '?')}"
    )
    head = f"{'database':<11}{'figure':<28}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'baseline/s':>12}{'ratio':>7}  target"
    lines.append(head)
    lines.append("-" * len(head))
    labels = {
        "intake": "intake POST /api/v1/dossiers",
        "lookup": "lookup GET /api/v1/dossiers/…",
        "lookup_revalidate": "  same, If-None-Match (304)",
        "lookup_page": "lookup page /tra-cuu/…/",
    }
    for db in ("sqlite", "postgresql"):
        data = results.get(db)
        if not data:
            continue
        if data.get("skipped"):
            lines.append(f"{db:<11}n/a ({data['skipped']})")
            continue
        for key, label in labels.items():
            fig = data.get(key) or missing("not run")
            target = TARGETS[key]
            ok = None if fig.get("ratio") is None else fig["ratio"] >= target
            lines.append(
                f"{db:<11}{label:<28}{_fmt(fig['rps'], ',.0f'):>9}{_fmt(fig['p50_ms'], '.1f'):>9}"
                f"{_fmt(fig['p95_ms'], '.1f'):>9}{_fmt(fig['p99_ms'], '.1f'):>9}"
                f"{_fmt(fig['baseline_rps'], ',.0f'):>12}{_fmt(fig['ratio'], '.2f'):>7}  "
                f">= {target:.0%} {_verdict(ok)} {fig.get('note', '')}".rstrip()
            )
        for name, fig in _worklist_rows(data):
            ok = None if fig.get("p95_ms") is None else fig["p95_ms"] < WORKLIST_P95_MS
            lines.append(
                f"{db:<11}{('worklist ' + name)[:27]:<28}{_fmt(fig.get('rps'), ',.0f'):>9}"
                f"{_fmt(fig.get('p50_ms'), '.1f'):>9}{_fmt(fig.get('p95_ms'), '.1f'):>9}"
                f"{_fmt(fig.get('p99_ms'), '.1f'):>9}{'':>12}{'':>7}  "
                f"p95 < {WORKLIST_P95_MS:.0f} ms {_verdict(ok)} {fig.get('note', '')}".rstrip()
            )
        rep = data.get("report_year_s")
        # The target is set at 10M dossiers; at a smaller scale the same bound is a floor.
        ok = None if rep is None else rep < REPORT_S
        lines.append(
            f"{db:<11}{'official report, 1 year':<28}{'':>9}{_fmt(rep, '.3f') + ' s':>9}"
            f"{'':>9}{'':>9}{'':>12}{'':>7}  < {REPORT_S} s at 10M {_verdict(ok)} "
            f"{data.get('report_note', '')}".rstrip()
        )
        for label, value, target, ok in path_rows(data):
            lines.append(f"{db:<11}{label:<50}{value}  {target} {_verdict(ok)}".rstrip())
        gen = data.get("generate_s")
        if gen is not None:
            lines.append(f"{db:<11}{'dataset generation':<28}{_fmt(gen, '.0f') + ' s':>9}")
    wt = results.get("worktime") or {}
    if wt:
        lines.append("")
        lines.append("worktime (one core): " + ", ".join(
            f"{k} {_fmt(wt.get(k), _wt_spec(k))}" for k in WORKTIME_KEYS
        ) + (f"  {wt['note']}" if wt.get("note") else ""))
        if wt.get("deadlines_per_s") and wt.get("numpy_per_call_per_s"):
            lines.append(
                f"  deadlines vs numpy.busday_offset per call: {wt['deadlines_per_s'] / wt['numpy_per_call_per_s']:.2f}x; "
                f"vs holidays: {wt['deadlines_per_s'] / wt['holidays_per_s']:.1f}x"
                if wt.get("holidays_per_s") else ""
            )
    return "\n".join(lines)


def _worklist_rows(data: dict):
    """Worklist figures under the run's load, then the same lists one request at a time."""
    yield from (data.get("worklists") or {}).items()
    for name, fig in (data.get("worklists_one_connection") or {}).items():
        yield f"{name} 1 conn", fig


def markdown(results: dict) -> str:
    """The results as Markdown tables, for docs/performance.md."""
    m = results.get("machine", {})
    out = [
        f"Measured {results.get('started_at', '?')} on {m.get('cpu', '?')}, {m.get('cores', '?')} "
        f"cores, {m.get('memory_gb', '?')} GB RAM, {m.get('os', '?')}, Python {m.get('python', '?')}, "
        f"SQLite {m.get('sqlite', '?')}, PostgreSQL {m.get('postgresql') or 'n/a'}; "
        f"{results.get('dossiers', 0):,} dossiers; load average at start "
        f"{results.get('load_average', 'n/a')}.",
        "",
        "| database | figure | req/s | p50 ms | p95 ms | p99 ms | baseline req/s | ratio | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    labels = {"intake": "intake `POST /api/v1/dossiers`", "lookup": "lookup `GET /api/v1/dossiers/{code}`",
              "lookup_revalidate": "lookup revalidated (`If-None-Match`, 304)",
              "lookup_page": "lookup page `/tra-cuu/{code}/`"}
    for db in ("sqlite", "postgresql"):
        if db not in results:
            continue  # not asked for in this run (--db)
        data = results.get(db) or {}
        if data.get("skipped"):
            out.append(f"| {db} | n/a ({data['skipped']}) | | | | | | | |")
            continue
        for key, label in labels.items():
            f = data.get(key) or missing("not run")
            target = TARGETS[key]
            ok = "" if f.get("ratio") is None else (" ok" if f["ratio"] >= target else " **missed**")
            out.append(
                f"| {db} | {label} | {_fmt(f['rps'], ',.0f')} | {_fmt(f['p50_ms'], '.1f')} | "
                f"{_fmt(f['p95_ms'], '.1f')} | {_fmt(f['p99_ms'], '.1f')} | "
                f"{_fmt(f['baseline_rps'], ',.0f')} | {_fmt(f['ratio'], '.2f')} | "
                f">= {target:.0%}{ok} {f.get('note', '')} |"
            )
        for name, f in _worklist_rows(data):
            ok = "" if f.get("p95_ms") is None else (" ok" if f["p95_ms"] < WORKLIST_P95_MS else " **missed**")
            out.append(
                f"| {db} | worklist {name} | {_fmt(f.get('rps'), ',.0f')} | {_fmt(f.get('p50_ms'), '.1f')} | "
                f"{_fmt(f.get('p95_ms'), '.1f')} | {_fmt(f.get('p99_ms'), '.1f')} | | | "
                f"p95 < {WORKLIST_P95_MS:.0f} ms{ok} {f.get('note', '')} |"
            )
        rep = data.get("report_year_s")
        ok = "" if rep is None else (" ok" if rep < REPORT_S else " **missed**")
        method = (data.get("report") or {}).get("report_method") or ""
        out.append(
            f"| {db} | official report, 1 year{f' ({method})' if method else ''} | | "
            f"{_fmt(rep, '.3f')} s | | | | | < {REPORT_S} s{ok} {data.get('report_note', '')} |"
        )
        for label, value, target, ok in path_rows(data):
            verdict = {True: " ok", False: " **missed**", None: ""}[ok]
            out.append(f"| {db} | {label} | {value} | | | | | | {target}{verdict} |")
    wt = results.get("worktime") or {}
    if wt:
        out += ["", "| worktime (one core) | value |", "|---|---:|"]
        for k in WORKTIME_KEYS:
            out.append(f"| {k} | {_fmt(wt.get(k), _wt_spec(k))} |")
    return "\n".join(out)


# --- the regression guard -----------------------------------------------------------------------

# A figure that fell by more than this fraction since the last committed results is flagged.
REGRESSION_TOLERANCE = 0.20
RESULTS_DIR = "docs/results"


def _speeds(results: dict) -> dict[str, float]:
    """Every figure of a results file as "higher is better" numbers, by a stable name.

    Ratios and rates are compared as they are; latencies and durations as their inverse, so
    that "fell by 20 %" means the same thing for each (a p95 that grew from 40 to 50 ms is a
    speed that fell by 20 %). Ratios rather than req/s for the HTTP figures with a baseline:
    they hold across machines and loads, absolute rates do not.
    """
    out: dict[str, float] = {}
    for db in ("sqlite", "postgresql"):
        data = results.get(db) or {}
        for key in TARGETS:
            fig = data.get(key) or {}
            if fig.get("ratio"):
                out[f"{db} {key} ratio"] = float(fig["ratio"])
        for name, fig in _worklist_rows(data):
            if fig.get("p95_ms"):
                out[f"{db} worklist {name} p95"] = 1.0 / float(fig["p95_ms"])
        if data.get("report_year_s"):
            out[f"{db} official report"] = 1.0 / float(data["report_year_s"])
        out.update(_path_speeds(db, data))
    for key in WORKTIME_KEYS:
        value = (results.get("worktime") or {}).get(key)
        if value:
            out[f"worktime {key}"] = float(value) if key.endswith("per_s") else 1.0 / float(value)
    return out


def _path_speeds(db: str, data: dict) -> dict[str, float]:
    """The new paths as "higher is better" numbers; the names carry the sizes (clients,
    displays, dossiers), so runs with other sizes are not compared."""
    out: dict[str, float] = {}
    b = data.get("booking") or {}
    if b.get("bookings_per_s"):
        out[f"{db} booking {b['clients']} clients bookings/s"] = float(b["bookings_per_s"])
    d = data.get("display") or {}
    if d.get("p95_ms"):
        out[f"{db} display {d['displays']} displays p95"] = 1.0 / max(float(d["p95_ms"]), 1.0)
    f = data.get("ipn") or {}
    if f.get("ratio"):
        out[f"{db} ipn ratio"] = float(f["ratio"])
    u = data.get("submission") or {}
    if u.get("seconds"):
        out[f"{db} submission {u['files']} files"] = 1.0 / max(float(u["seconds"]), 1e-3)
    c = data.get("courier") or {}
    if c.get("seconds"):
        out[f"{db} courier {c['dossiers']} dossiers"] = 1.0 / max(float(c["seconds"]), 1e-3)
    k = data.get("backup") or {}
    if k.get("seconds"):
        out[f"{db} backup"] = 1.0 / max(float(k["seconds"]), 1e-3)
    return out


def broken(results: dict) -> list[str]:
    """Rules that hold whatever the speed: a booking run that overbooked a slot."""
    lines = []
    for db in ("sqlite", "postgresql"):
        b = (results.get(db) or {}).get("booking") or {}
        if b.get("overbooked"):
            lines.append(f"{db} booking: {b['overbooked']} places overbooked (must be 0)")
    return lines


def regressions(current: dict, previous: dict, *,
                tolerance: float = REGRESSION_TOLERANCE) -> list[str]:
    """The figures of ``current`` that fell by more than ``tolerance`` against ``previous``,
    each as a line saying from what to what. Figures only one side measured are not compared,
    nor are runs of different sizes (a 10M worklist is not a 1M one)."""
    if current.get("dossiers") != previous.get("dossiers"):
        return []
    before, now = _speeds(previous), _speeds(current)
    lines = []
    for name in sorted(before.keys() & now.keys()):
        change = now[name] / before[name] - 1.0
        if change < -tolerance:
            lines.append(f"{name}: fell {-change:.0%} ({_shown(name, before[name])} -> "
                         f"{_shown(name, now[name])})")
    return lines


def _shown(name: str, speed: float) -> str:
    # Back from "higher is better" to the unit the table shows.
    if name.endswith(" p95"):
        return f"p95 {1.0 / speed:.1f} ms"
    if name.endswith(("official report", "_1m_s", " dossiers", " backup", " files")):
        return f"{1.0 / speed:.3f} s"
    return f"{speed:,.2f}" if speed < 100 else f"{speed:,.0f}"


def last_committed(root: Path, dossiers: int) -> tuple[str, dict] | None:
    """The newest results file committed under ``docs/results/`` for the same number of
    dossiers, as committed (``git show HEAD:…``, so an edited copy in the work tree does not
    count): ``(path, results)``, or None when there is none (or no git)."""
    try:
        log = subprocess.run(
            ["git", "log", "--format=", "--name-only", "--diff-filter=AM", "HEAD", "--",
             f"{RESULTS_DIR}/*.json"],
            cwd=root, capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    seen = set()
    for path in (line.strip() for line in log.splitlines()):
        if not path or path in seen:
            continue
        seen.add(path)
        shown = subprocess.run(["git", "show", f"HEAD:{path}"], cwd=root, capture_output=True,
                               text=True, timeout=30, check=False)
        if shown.returncode != 0:
            continue  # deleted since
        try:
            data = json.loads(shown.stdout)
        except ValueError:
            continue
        if data.get("dossiers") == dossiers:
            return path, data
    return None
