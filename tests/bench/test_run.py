"""The driver's options: reusing a kept dataset, measuring one part only."""

from __future__ import annotations

import json

import pytest

from bench import run


def test_reuse_implies_keep_and_only_is_parsed():
    args = run.parse_args(["--reuse", "--only", "report", "--scale", "10"])
    assert args.keep and args.reuse
    assert args.only == "report"
    assert args.n == 10_000_000


def test_a_kept_sqlite_dataset_is_reused_only_at_its_own_size(tmp_path):
    assert not run._kept("sqlite", tmp_path, 1000)  # nothing kept
    (tmp_path / "fixtures.json").write_text(json.dumps({"dossiers": 1000}))
    assert not run._kept("sqlite", tmp_path, 1000)  # fixtures without the database file
    (tmp_path / "bench.sqlite3").write_bytes(b"")
    assert run._kept("sqlite", tmp_path, 1000)
    assert not run._kept("sqlite", tmp_path, 2000)


def test_fixtures_of_older_runs_are_sized_by_their_status_counts(tmp_path):
    (tmp_path / "fixtures.json").write_text(json.dumps({"by_status": {"returned": 700,
                                                                      "appraising": 300}}))
    (tmp_path / "bench.sqlite3").write_bytes(b"")
    assert run._kept("sqlite", tmp_path, 1000)


def test_each_size_has_its_own_dataset_place(tmp_path):
    one = run.parse_args(["--workdir", str(tmp_path)])
    ten = run.parse_args(["--workdir", str(tmp_path), "--scale", "10"])
    assert run.dataset_place("postgresql", one) == (tmp_path / "postgresql", "motcua_bench")
    assert run.dataset_place("postgresql", ten) == (tmp_path / "postgresql-10000000",
                                                    "motcua_bench_10000000")
    assert run.dataset_place("sqlite", ten)[0] == tmp_path / "sqlite-10000000"


def test_a_probe_reports_a_redirect_instead_of_following_it():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from bench import server

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302 if self.path == "/can-bo/" else 200)
            self.send_header("Location", "/dang-nhap/")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        status, _ = server.fetch(f"http://127.0.0.1:{httpd.server_address[1]}/can-bo/")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert status == 302


def _which_without(*tools):
    import shutil

    return lambda name: None if name in tools else shutil.which(name)


def test_preflight_names_wrk_when_it_is_not_on_the_path():
    args = run.parse_args([])
    missing = run.preflight(args, which=_which_without("wrk"))
    assert len(missing) == 1 and missing[0].startswith("wrk: apt-get install wrk")
    # The report alone needs no load generator.
    assert run.preflight(run.parse_args(["--only", "report"]),
                         which=_which_without("wrk")) == []


def test_bench_stops_before_building_anything_when_wrk_is_missing(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without wrk
    monkeypatch.setattr(run.subprocess, "run", lambda *a, **k: pytest.fail("started work"))
    monkeypatch.setattr(run, "bench_database", lambda *a, **k: pytest.fail("built a dataset"))
    assert run.main(["--workdir", str(tmp_path / "work"), "--out", str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err
    assert "missing" in err and "wrk" in err
    assert not (tmp_path / "o.json").exists()


def test_make_bench_installs_wrk_first_as_make_test_does_chromium():
    from pathlib import Path

    makefile = (Path(run.ROOT) / "Makefile").read_text()
    assert "bench: $(STAMP) bench-tools" in makefile
    # bench-tools installs wrk through the shared package list (need_packages, as chromium).
    assert "$(call need_packages,wrk)" in makefile


def test_figures_selects_some_http_figures_and_refuses_unknown_ones(capsys):
    args = run.parse_args(["--figures", "lookup,lookup_page"])
    assert args.figures == ["lookup", "lookup_page"]
    assert run.parse_args([]).figures == list(run.HTTP_FIGURES)
    with pytest.raises(SystemExit):
        run.parse_args(["--figures", "teleport"])
    assert "unknown figure 'teleport'" in capsys.readouterr().err


def test_measure_http_runs_only_the_selected_figures(monkeypatch, tmp_path):
    called = []
    monkeypatch.setitem(run.HTTP_FIGURES, "lookup", lambda r, out: called.append("lookup"))
    monkeypatch.setitem(run.HTTP_FIGURES, "intake", lambda r, out: called.append("intake"))
    args = run.parse_args(["--figures", "lookup"])
    run.measure_http("http://127.0.0.1:1", {"token": "t"}, args, tmp_path)
    assert called == ["lookup"]


def test_the_guard_flags_a_fall_and_keeps_it_in_the_results_file(tmp_path, capsys):
    previous = {"dossiers": 1000, "load_average": [0.1, 0.1, 0.1],
                "sqlite": {"lookup": {"ratio": 0.5}, "intake": {"ratio": 0.2}}}
    (tmp_path / "prev.json").write_text(json.dumps(previous))
    out = {"dossiers": 1000, "sqlite": {"lookup": {"ratio": 0.3}, "intake": {"ratio": 0.19}}}
    args = run.parse_args(["--dossiers", "1000", "--compare", str(tmp_path / "prev.json"),
                           "--out", str(tmp_path / "latest.json")])
    assert run.regression_guard(out, args) == ["sqlite lookup ratio: fell 40% (0.50 -> 0.30)"]
    assert "REGRESSION" in capsys.readouterr().out
    saved = json.loads((tmp_path / "latest.json").read_text())
    assert saved["regressions"] and saved["compared_with"].endswith("prev.json")


class _Run:
    def __init__(self, tmp_path, codes):
        (tmp_path / "codes-center.txt").write_text("\n".join(codes) + "\n")
        self.fx = {"center_codes_file": str(tmp_path / "codes-center.txt")}
        self.base, self.workdir, self.opts = "http://127.0.0.1:1", tmp_path, {}
        self.auth = {"Authorization": "Token abc"}
        self.selected = None

    def raw_select(self, codes):
        self.selected = codes.read_text().split()
        return run.loadgen.Figure(rps=400.0, p50_ms=1, p95_ms=2, p99_ms=3, requests=4000,
                                  errors=0)


def test_the_conditional_lookup_sends_back_each_codes_tag(tmp_path, monkeypatch):
    """The revalidation figure: one plain GET per code collects its ETag, a 304 is checked,
    then wrk sends each code with its own tag; the baseline selects the same codes."""
    asked = []

    def fetch_tag(url, *, headers=None, timeout=60):
        asked.append((url, dict(headers or {})))
        code = url.rsplit("/", 1)[1]
        return (304, f'W/"{code}"') if "If-None-Match" in (headers or {}) else (200, f'W/"{code}"')

    scripts = []
    monkeypatch.setattr(run.server, "fetch_tag", fetch_tag)
    monkeypatch.setattr(run.loadgen, "run", lambda base, script, **kw: scripts.append(script) or
                        run.loadgen.Figure(rps=300.0, p50_ms=1, p95_ms=2, p99_ms=3,
                                           requests=3000, errors=0))
    r = _Run(tmp_path, ["A-1", "B-2"])
    out: dict = {}
    run.figure_lookup_revalidate(r, out)
    assert out["lookup_revalidate"]["ratio"] == 0.75
    assert (tmp_path / "codes-tagged.txt").read_text() == 'A-1\tW/"A-1"\nB-2\tW/"B-2"\n'
    assert r.selected == ["A-1", "B-2"]
    assert asked[-1][1]["If-None-Match"] == 'W/"A-1"'
    assert 'headers["If-None-Match"] = tags[i]' in scripts[0]
    assert "lookup_revalidate" in run.HTTP_FIGURES and "lookup_revalidate" in run.results.TARGETS

    # A server that ignores If-None-Match gives no figure rather than a flattering one.
    monkeypatch.setattr(run.server, "fetch_tag", lambda url, headers=None, timeout=60: (200, 'W/"x"'))
    run.figure_lookup_revalidate(r, out)
    assert out["lookup_revalidate"]["ratio"] is None
    assert "not 304" in out["lookup_revalidate"]["note"]
