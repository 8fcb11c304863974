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


# --- the regression guard ----------------------------------------------------------------------


def test_no_regression_against_itself_or_small_changes():
    assert results.regressions(_sample(), _sample()) == []
    now = _sample()
    now["sqlite"]["intake"]["ratio"] *= 0.85  # fell 15 %: noise on a shared machine
    assert results.regressions(now, _sample()) == []


def test_a_ratio_that_fell_more_than_20_percent_is_flagged():
    now = _sample()
    now["sqlite"]["lookup"]["ratio"] = _sample()["sqlite"]["lookup"]["ratio"] * 0.7
    (line,) = results.regressions(now, _sample())
    assert line.startswith("sqlite lookup ratio: fell 30%")


def test_latencies_and_durations_count_as_slower_when_they_grow():
    now = _sample()
    now["sqlite"]["worklists"]["unit_status"]["p95_ms"] = 5.0 / 0.7   # p95 5 -> 7.1 ms
    now["sqlite"]["report_year_s"] = 0.21 * 1.1                         # 10 % slower: fine
    now["worktime"]["recompute_1m_s"] = 3.5 * 2                          # twice as slow
    lines = results.regressions(now, _sample())
    assert [line.split(":")[0] for line in lines] == [
        "sqlite worklist unit_status p95", "worktime recompute_1m_s"]
    assert "p95 5.0 ms -> p95 7.1 ms" in lines[0]


def test_figures_measured_on_one_side_only_or_other_sizes_are_not_compared():
    now = _sample()
    now["sqlite"]["lookup_page"] = results.figure(_fig(10.0), _fig(400.0))  # not measured before
    del now["sqlite"]["intake"]                                             # not measured now
    assert results.regressions(now, _sample()) == []
    bigger = _sample()
    bigger["dossiers"] = 10 * bigger["dossiers"]
    bigger["sqlite"]["lookup"]["ratio"] = 0.01
    assert results.regressions(bigger, _sample()) == []


def test_last_committed_reads_the_newest_committed_file_of_the_same_size(tmp_path):
    import json
    import subprocess

    def git(*argv):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *argv], cwd=tmp_path,
                       check=True, capture_output=True)

    git("init", "-q")
    folder = tmp_path / "docs" / "results"
    folder.mkdir(parents=True)
    old, ten, new = _sample(), _sample(), _sample()
    old["started_at"], new["started_at"] = "old", "new"
    ten["dossiers"] = 10_000
    (folder / "bench-a.json").write_text(json.dumps(old))
    git("add", "-A")
    git("commit", "-q", "-m", "a")
    (folder / "bench-b.json").write_text(json.dumps(new))
    (folder / "bench-10.json").write_text(json.dumps(ten))
    git("add", "-A")
    git("commit", "-q", "-m", "b")
    # An uncommitted edit is not "the last committed results".
    (folder / "bench-b.json").write_text(json.dumps({**new, "started_at": "edited"}))
    path, data = results.last_committed(tmp_path, 1000)
    assert (path, data["started_at"]) == ("docs/results/bench-b.json", "new")
    assert results.last_committed(tmp_path, 10_000)[1]["dossiers"] == 10_000
    assert results.last_committed(tmp_path, 5) is None
