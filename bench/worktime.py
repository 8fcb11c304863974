"""Benchmark of the working-time engine (motcua.worktime) against per-call baselines.

    .venv/bin/python bench/worktime.py [--n N] [--recompute-n N] [--json PATH]

Measures, in one run, single-threaded (``--pin`` also pins the process to one CPU; by default
the scheduler picks an idle core, which is steadier on a shared machine):

1. ``deadlines_per_s``: ``WorkCalendar.deadline`` per call, working-day durations (1-30 days),
   random aware starts 2019-2030 (Asia/Ho_Chi_Minh), default 15:00 cut-off;
2. ``hours_with_pauses_per_s``: working-hour durations (0.5-40 h) with 1-2 pauses each;
3. ``numpy_per_call_per_s``: ``numpy.busday_offset`` called once per deadline with the same
   holiday list and weekmask, compiled once into a ``busdaycalendar`` (the faster way to call
   it; ``numpy_holidays_arg_per_s`` passes ``holidays=``/``weekmask=`` on every call instead),
   ``roll="backward"`` so that, like ``add_working_days``, the start date itself never counts.
   numpy only moves dates: no time of day, no cut-off, and a weekmask cannot express make-up
   Saturdays (ngày làm bù), so its answers differ on those dates;
4. ``holidays_per_s``: python-holidays ``HolidayBase.get_nth_working_day`` per call (it walks
   day by day and knows the package's weekend working days);
5. ``recompute_1m_s``: ``motcua.worktime.recompute`` over 1M stored (start, duration, pauses,
   cut-off) rows: 70 % working days, 20 % working hours, 10 % calendar days; 20 % with pauses.
   With ``--recompute-n`` other than 1M the time is scaled to 1M (``recompute_measured_s`` is
   the raw time).

Rates are the best of five timed passes over the same inputs, in CPU time of this process
(``time.process_time``: the one-core rate, which other processes on a shared machine do not
dilute); every key also has a wall-clock twin (``*_wall``), and the load average is recorded.
``run()`` returns the same dict the ``--json`` file gets, for a ``make bench`` driver.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time as clock
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import numpy as np

from motcua.worktime import Duration, WorkCalendar, recompute

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST = datetime(2019, 1, 1, tzinfo=VN)
LAST = datetime(2030, 12, 1, tzinfo=VN)  # leaves room for 30 working days inside 2030
REPEATS = 5


def _pin_one_core(pin: bool) -> str:
    if not pin:
        return "single thread, not pinned"
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def _random_starts(rng: random.Random, n: int) -> list[datetime]:
    span = int((LAST - FIRST).total_seconds())
    return [FIRST + timedelta(seconds=rng.randrange(span)) for _ in range(n)]


def _timed(body: Callable[[], object]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one call of ``body``."""
    c0, w0 = clock.process_time(), clock.perf_counter()
    body()
    return clock.process_time() - c0, clock.perf_counter() - w0


def _best_rate(n: int, body: Callable[[], object]) -> tuple[float, float]:
    """Best (CPU-time, wall-clock) rates per second over REPEATS passes."""
    cpu = wall = float("inf")
    for _ in range(REPEATS):
        c, w = _timed(body)
        cpu, wall = min(cpu, c), min(wall, w)
    return n / cpu, n / wall


def _pauses_for(rng: random.Random, start: datetime) -> tuple[tuple[datetime, datetime], ...]:
    pauses = []
    at = start
    for _ in range(rng.choice((1, 2))):
        at += timedelta(minutes=rng.randrange(30, 3 * 24 * 60))
        end = at + timedelta(minutes=rng.randrange(0, 2 * 24 * 60))
        pauses.append((at, end))
        at = end
    return tuple(pauses)


def _recompute_rows(rng: random.Random, n: int, starts: list[datetime]) -> list[tuple]:
    days = [Duration.working_days(k) for k in range(1, 31)]
    hours = [Duration.working_hours(h) for h in (0.5, 1, 2, 4, 8, 16, 24, 40)]
    calendar_days = [Duration.calendar_days(k) for k in (7, 15, 30)]
    cutoffs = (time(15), time(15), time(16), None)
    paused = [_pauses_for(rng, s) for s in starts[:2000]]
    rows = []
    for i in range(n):
        start = starts[i % len(starts)]
        r = rng.random()
        duration = rng.choice(days if r < 0.7 else hours if r < 0.9 else calendar_days)
        pauses = paused[i % len(paused)] if rng.random() < 0.2 else ()
        if pauses and pauses[0][0] < start:
            pauses = ()
        rows.append((start, duration, pauses, rng.choice(cutoffs)))
    return rows


def run(
    n: int = 200_000, recompute_n: int = 1_000_000, seed: int = 20261126, pin: bool = False
) -> dict:
    """Run every measurement; ``n`` deadlines per engine measurement (baselines use
    ``min(n, 50_000)``: they are slower and their rate is stable well before that)."""
    pinned = _pin_one_core(pin)
    rng = random.Random(seed)
    t0 = clock.perf_counter()
    cal = WorkCalendar.vietnam()
    build_s = clock.perf_counter() - t0

    starts = _random_starts(rng, n)
    day_durations = [Duration.working_days(rng.randrange(1, 31)) for _ in range(n)]
    deadline = cal.deadline

    def ours_days() -> None:
        for s, d in zip(starts, day_durations, strict=True):
            deadline(s, d)

    deadlines_per_s = _best_rate(n, ours_days)

    five = Duration.working_days(5)
    bulk_per_s = _best_rate(n, lambda: cal.deadlines(starts, five))

    hour_durations = [Duration.working_hours(rng.randrange(1, 81) / 2) for _ in range(n)]
    pauses = [_pauses_for(rng, s) for s in starts]

    def ours_hours_paused() -> None:
        for s, d, p in zip(starts, hour_durations, pauses, strict=True):
            deadline(s, d, pauses=p)

    hours_with_pauses_per_s = _best_rate(n, ours_hours_paused)

    # Baselines: the same dates and day counts, one library call per deadline.
    nb = min(n, 50_000)
    start_dates = [s.date() for s in starts[:nb]]
    counts = [d.whole_days for d in day_durations[:nb]]
    years = range(2019, 2032)
    holiday_list = [d for d in cal.holidays if d.year in years and d.weekday() < 5]
    np_holidays = np.array(holiday_list, dtype="datetime64[D]")
    bdc = np.busdaycalendar(weekmask="1111100", holidays=np_holidays)
    np_dates = [np.datetime64(d, "D") for d in start_dates]
    busday_offset = np.busday_offset

    def numpy_busdaycal() -> None:
        for d, k in zip(np_dates, counts, strict=True):
            busday_offset(d, k, roll="backward", busdaycal=bdc)

    def numpy_holidays_arg() -> None:
        for d, k in zip(np_dates, counts, strict=True):
            busday_offset(d, k, roll="backward", weekmask="1111100", holidays=np_holidays)

    numpy_per_call_per_s = _best_rate(nb, numpy_busdaycal)
    numpy_holidays_arg_per_s = _best_rate(nb, numpy_holidays_arg)

    vn_holidays = holidays.country_holidays("VN", years=years)
    nth = vn_holidays.get_nth_working_day

    def holidays_nth() -> None:
        for d, k in zip(start_dates, counts, strict=True):
            nth(d, k)

    holidays_per_s = _best_rate(nb, holidays_nth)

    # Agreement on the sampled inputs (the n-th working day after the start date).
    sample = list(zip(start_dates, counts, strict=True))[:5000]
    ours = [cal.add_working_days(d, k) for d, k in sample]
    pkg_mismatch = sum(o != nth(d, k) for o, (d, k) in zip(ours, sample, strict=True))
    np_mismatch = sum(
        o != busday_offset(np.datetime64(d, "D"), k, roll="backward", busdaycal=bdc).item()
        for o, (d, k) in zip(ours, sample, strict=True)
    )

    rows = _recompute_rows(rng, recompute_n, starts)
    out: list = []
    recompute_s, recompute_wall_s = _timed(lambda: out.append(recompute(rows, cal)))
    assert len(out[0]) == recompute_n
    out.clear()  # free the 1M results before returning
    rows.clear()

    scale = 1_000_000 / recompute_n
    return {
        # CPU time of this (single-threaded) process: the one-core rate, undisturbed by other
        # processes on a shared machine. The *_wall twins are wall-clock.
        "deadlines_per_s": round(deadlines_per_s[0]),
        "hours_with_pauses_per_s": round(hours_with_pauses_per_s[0]),
        "numpy_per_call_per_s": round(numpy_per_call_per_s[0]),
        "holidays_per_s": round(holidays_per_s[0]),
        "recompute_1m_s": round(recompute_s * scale, 3),
        "bulk_deadlines_per_s": round(bulk_per_s[0]),
        "numpy_holidays_arg_per_s": round(numpy_holidays_arg_per_s[0]),
        "deadlines_per_s_wall": round(deadlines_per_s[1]),
        "hours_with_pauses_per_s_wall": round(hours_with_pauses_per_s[1]),
        "numpy_per_call_per_s_wall": round(numpy_per_call_per_s[1]),
        "holidays_per_s_wall": round(holidays_per_s[1]),
        "recompute_1m_wall_s": round(recompute_wall_s * scale, 3),
        "recompute_measured_s": round(recompute_s, 3),
        "recompute_n": recompute_n,
        "n": n,
        "baseline_n": nb,
        "calendar_build_s": round(build_s, 3),
        "agreement_sample": len(sample),
        "holidays_pkg_mismatches": pkg_mismatch,
        "numpy_mismatches": np_mismatch,
        "cpu": pinned,
        # Other processes on the machine skew every rate; recorded so a slow run can be told.
        "loadavg": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "holidays_version": holidays.__version__,
        "numpy_version": np.__version__,
        "date": date.today().isoformat(),
    }


def _table(r: dict) -> str:
    ours = r["deadlines_per_s"]

    def row(label: str, key: str, baseline: bool = False) -> str:
        ratio = f"{ours / r[key]:>9.2f}x" if baseline else f"{'':>10}"
        wall = f"{r[key + '_wall']:>12,}/s" if key + "_wall" in r else f"{'':>14}"
        return f"{label:<46}{r[key]:>12,}/s{wall}  {ratio}"

    lines = [
        f"{'measurement (single thread)':<46}{'CPU-time rate':>14}{'wall rate':>14}  "
        f"{'ours faster':>10}",
        "-" * 88,
        row("worktime deadline(), 1-30 working days", "deadlines_per_s"),
        row("worktime deadlines() bulk, 5 working days", "bulk_deadlines_per_s"),
        row("worktime deadline(), 0.5-40 h + 1-2 pauses", "hours_with_pauses_per_s"),
        row("numpy.busday_offset per call (busdaycalendar)", "numpy_per_call_per_s", True),
        row("numpy.busday_offset per call (holidays= arg)", "numpy_holidays_arg_per_s", True),
        row("holidays get_nth_working_day per call", "holidays_per_s", True),
        "-" * 88,
        f"recompute of 1M stored deadlines: {r['recompute_1m_s']:.2f} s CPU, "
        f"{r['recompute_1m_wall_s']:.2f} s wall ({r['recompute_n']:,} rows measured; "
        "target < 5 s)",
        f"n-th working day agreement on {r['agreement_sample']:,} samples: holidays package "
        f"{r['holidays_pkg_mismatches']} mismatches, numpy {r['numpy_mismatches']} "
        "(a weekmask cannot express make-up Saturdays)",
        f"calendar build {r['calendar_build_s']:.3f} s; {r['cpu']}; load average "
        f"{r['loadavg']}; Python {r['python']}, holidays {r['holidays_version']}, "
        f"numpy {r['numpy_version']}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200_000, help="deadlines per measurement")
    parser.add_argument("--recompute-n", type=int, default=1_000_000, help="rows to recompute")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--pin", action="store_true", help="pin the process to one CPU")
    args = parser.parse_args(argv)
    if args.n < 1 or args.recompute_n < 1:
        parser.error("--n and --recompute-n must be positive")
    result = run(n=args.n, recompute_n=args.recompute_n, pin=args.pin)
    print(_table(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
