"""The driver's options: reusing a kept dataset, measuring one part only."""

from __future__ import annotations

import json

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
