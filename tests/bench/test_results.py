"""The results file keeps the keys other tools read; the table shows every figure."""

from __future__ import annotations

from bench.loadgen import Figure
from bench.run import parse_args

from bench import results


def _fig(rps):
    return Figure(rps=rps, p50_ms=2.0, p95_ms=5.0, p99_ms=9.0, requests=int(rps * 10), errors=0)


def _sample():
    db = {
        "intake": results.figure(_fig(120.0), _fig(400.0)),
        "lookup": results.figure(_fig(300.0), _fig(400.0)),
        "lookup_page": results.missing("missing: GET /tra-cuu/{code}/ answered 404"),
        "worklists": {"unit_status": _fig(80.0).as_dict(),
                      "workspace_page": {"p95_ms": None, "note": "n/a (missing: /can-bo/)"}},
        "worklist_p95_ms": 5.0,
        "report_year_s": 0.21,
    }
    return {
        "machine": results.machine(), "dossiers": 1000,
        "sqlite": db, "postgresql": {"skipped": "PostgreSQL not reachable"},
        "worktime": {"deadlines_per_s": 1e6, "numpy_per_call_per_s": 2e5,
                     "holidays_per_s": 1e4, "recompute_1m_s": 3.5},
    }


def test_figure_has_the_contract_keys_and_ratio():
    fig = results.figure(_fig(120.0), _fig(400.0))
    assert set(results.FIGURE_KEYS) <= set(fig)
    assert fig["ratio"] == 0.3 and fig["baseline_rps"] == 400.0


def test_missing_figure_keeps_the_keys():
    fig = results.missing("missing: x")
    assert set(results.FIGURE_KEYS) <= set(fig) and fig["rps"] is None
    assert fig["note"] == "n/a (missing: x)"


def test_table_shows_figures_targets_and_gaps():
    text = results.table(_sample())
    assert "intake POST /api/v1/dossiers" in text and ">= 30% ok" in text
    assert ">= 60% ok" in text  # lookup 300/400 = 0.75
    assert "n/a (missing: GET /tra-cuu/{code}/ answered 404)" in text
    assert "n/a (missing: /can-bo/)" in text
    assert "postgresql n/a (PostgreSQL not reachable)" in text
    assert "deadlines_per_s 1,000,000" in text


def test_missed_target_is_flagged():
    sample = _sample()
    sample["sqlite"]["intake"] = results.figure(_fig(40.0), _fig(400.0))
    assert ">= 30% MISSED" in results.table(sample)


def test_machine_names_cpu_and_cores():
    m = results.machine()
    assert m["cores"] >= 1 and m["python"]


def test_scale_flag():
    assert parse_args(["--scale", "10"]).n == 10_000_000
    assert parse_args([]).n == 1_000_000
    assert parse_args(["--dossiers", "500", "--scale", "3"]).n == 500
    assert parse_args(["--db", "sqlite"]).dbs == ["sqlite"]


def test_one_connection_worklists_are_shown_beside_the_loaded_ones():
    sample = _sample()
    slow = Figure(rps=100.0, p50_ms=60.0, p95_ms=90.0, p99_ms=99.0, requests=1000, errors=0)
    sample["sqlite"]["worklists"]["unit_status"] = slow.as_dict()
    sample["sqlite"]["worklists_one_connection"] = {"unit_status": _fig(200.0).as_dict()}
    text = results.table(sample)
    loaded = next(line for line in text.splitlines() if "worklist unit_status " in line
                  and "1 conn" not in line)
    alone = next(line for line in text.splitlines() if "worklist unit_status 1 conn" in line)
    assert "MISSED" in loaded and "p95 < 50 ms ok" in alone
    assert "| sqlite | worklist unit_status 1 conn | 200 |" in results.markdown(sample)


def test_markdown_leaves_out_a_database_the_run_did_not_measure():
    sample = _sample()
    del sample["postgresql"]
    text = results.markdown(sample)
    assert "| sqlite | intake" in text and "| postgresql |" not in text
