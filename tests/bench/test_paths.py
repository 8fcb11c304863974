"""The new paths' figures (issue 18 item 6): selectable, in the results file, in the table and
in the regression guard; a path that fails is a note, never a crash. Plumbing only, no timing."""

from __future__ import annotations

import json

import pytest

from bench import results, run
from tests.dossiers.conftest import receive, world  # noqa: F401 - fixtures


def _paths_db(*, overbooked=0, p95=240.0, ipn_ratio=0.5, courier_s=1.5, backup_s=2.0,
              submit_s=0.8):
    return {
        "booking": {"clients": 50, "places": 3, "rounds": 3, "attempts_per_s": 300.0,
                    "bookings_per_s": 18.0, "booked": 9, "expected": 9,
                    "overbooked": overbooked},
        "display": {"displays": 50, "calls": 5, "events": 250, "expected_events": 250,
                    "p50_ms": 80.0, "p95_ms": p95, "max_ms": 400.0},
        "ipn": {"rps": 100.0 * ipn_ratio, "p50_ms": 5.0, "p95_ms": 20.0, "p99_ms": 30.0,
                "baseline_rps": 100.0, "ratio": ipn_ratio, "requests": 300, "errors": 0},
        "submission": {"files": 5, "mb_each": 5, "seconds": submit_s, "code": "X"},
        "courier": {"dossiers": 2000, "runs": 4, "listed": 2000, "seconds": courier_s,
                    "run_s": [courier_s / 4] * 4},
        "backup": {"seconds": backup_s, "mb": 12.5},
    }


def _results(**kw):
    return {"dossiers": 5000, "machine": {}, "sqlite": _paths_db(**kw)}


def test_each_new_path_is_a_selectable_figure():
    for name in results.PATH_KEYS:
        assert name in run.HTTP_FIGURES
    args = run.parse_args(["--figures", "booking,backup", "--clients", "7", "--displays", "9",
                           "--courier-dossiers", "11"])
    assert args.figures == ["booking", "backup"]
    assert (args.clients, args.displays, args.courier_dossiers) == (7, 9, 11)
    # The backup reads the whole database: it runs after the figures that add rows.
    assert list(run.HTTP_FIGURES)[-1] == "backup"


def test_unknown_figure_is_refused():
    with pytest.raises(SystemExit):
        run.parse_args(["--figures", "booking,teleport"])


def test_measure_http_runs_only_the_selected_figures_into_the_results(monkeypatch, tmp_path):
    asked = []

    def fake_in_django(self, name, size=0):
        asked.append((name, size))
        return _paths_db()[name]

    monkeypatch.setattr(run.HttpRun, "in_django", fake_in_django)
    args = run.parse_args(["--figures", "booking,courier", "--clients", "12",
                           "--courier-dossiers", "300", "--workdir", str(tmp_path)])
    out = run.measure_http("http://127.0.0.1:1", {"token": "t"}, args, tmp_path, env={})
    assert asked == [("booking", 12), ("courier", 300)]
    assert set(out) == {"booking", "courier"}


def test_a_child_without_its_line_is_a_note_not_a_crash():
    ok = run.path_result("backup", 0, 'noise\nPATH {"seconds": 1.0, "mb": 2.0}\n', "")
    assert ok == {"seconds": 1.0, "mb": 2.0}
    failed = run.path_result("courier", 1, "", "Traceback...\nValueError: no center\n")
    assert failed["note"].startswith("n/a (courier failed: ValueError: no center")


def test_table_and_markdown_show_each_path_with_its_target():
    text = results.table(_results())
    for label in ("booking, 50 clients", "overbooked 0", "call to display, 50 displays",
                  "p95 < 1 s", "payment IPN", "ratio 0.50",
                  "online submission, 5 x 5 MB", "0.80 s", "courier day, 4 runs", "motcua backup",
                  "12.5 MB"):
        assert label in text
    md = results.markdown(_results(p95=1500.0, submit_s=2.5))
    assert "| sqlite | call to display, 50 displays |" in md
    assert "p95 < 1 s **missed**" in md
    assert "< 2 s **missed**" in md


def test_the_regression_guard_compares_the_new_paths():
    assert results.regressions(_results(), _results()) == []
    slower = _results(ipn_ratio=0.3, courier_s=3.0, backup_s=2.2, submit_s=1.6)
    names = [line.split(":")[0] for line in results.regressions(slower, _results())]
    assert names == ["sqlite courier 2000 dossiers", "sqlite ipn ratio",
                     "sqlite submission 5 files"]
    worse_display = _results(p95=400.0)
    (line,) = results.regressions(worse_display, _results())
    assert line.startswith("sqlite display 50 displays p95: fell 40%")


def test_an_overbooked_slot_is_broken_whatever_the_speed(tmp_path):
    assert results.broken(_results()) == []
    current = _results(overbooked=2)
    assert results.broken(current) == ["sqlite booking: 2 places overbooked (must be 0)"]
    # The guard reports it even without any committed results to compare with.
    reference = tmp_path / "previous.json"
    reference.write_text(json.dumps(_results()))
    args = run.parse_args(["--compare", str(reference), "--out", str(tmp_path / "out.json")])
    args.n = 5000
    fell = run.regression_guard(current, args)
    assert fell[0] == "sqlite booking: 2 places overbooked (must be 0)"
    assert json.loads((tmp_path / "out.json").read_text())["broken"] == fell[:1]


def test_the_courier_day_batches_anew_on_a_kept_dataset(world, receive):  # noqa: F811
    """Run twice on the same data (as ``--reuse`` does), the courier path creates its runs and
    batches each time, on a day no earlier run used, instead of timing the existing runs."""
    from bench import paths

    for _ in range(6):
        receive()
    first = paths.courier(3)
    second = paths.courier(3)
    for out in (first, second):
        assert out["dossiers"] == 3
        assert out["created"] == out["runs"] > 0
        assert out["listed"] == 3
