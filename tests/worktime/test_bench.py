"""Smoke test: bench/worktime.py runs and reports every key the `make bench` driver reads."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "worktime.py"
KEYS = {
    "deadlines_per_s",
    "hours_with_pauses_per_s",
    "numpy_per_call_per_s",
    "holidays_per_s",
    "recompute_1m_s",
}


def test_bench_runs_small(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_worktime", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(n=300, recompute_n=300)
    assert KEYS <= result.keys()
    assert all(result[k] > 0 for k in KEYS)
    assert result["holidays_pkg_mismatches"] == 0
    out = tmp_path / "wt.json"
    assert bench.main(["--n", "200", "--recompute-n", "200", "--json", str(out)]) == 0
    assert KEYS <= set(json.loads(out.read_text()))
