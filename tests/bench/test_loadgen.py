"""wrk scripts and their output: the Lua runs in the real wrk against a loopback server."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import loadgen

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000
  2 threads and 8 connections
  4000 requests in 10.00s, 1.2MB read
  Non-2xx or 3xx responses: 100
BENCH {"requests":4000,"duration_us":10000000,"non2xx":100,"socket_errors":2,"p50_us":1500,"p95_us":4200,"p99_us":9100,"max_us":12000}
"""


def test_parse_reads_percentiles_and_counts_only_successes():
    fig = loadgen.parse(WRK_OUTPUT)
    assert fig.rps == 390.0  # (4000 - 100 non-2xx) / 10 s
    assert (fig.p50_ms, fig.p95_ms, fig.p99_ms) == (1.5, 4.2, 9.1)
    assert fig.errors == 102


def test_parse_run_where_nothing_completed():
    fig = loadgen.parse('BENCH {"requests":0,"duration_us":10000000,"non2xx":0,"socket_errors":0,'
                        '"p50_us":0,"p95_us":0,"p99_us":0,"max_us":0}')
    assert fig.rps == 0 and fig.p95_ms is None
    assert fig.note == "no request completed within 10 s"


def test_parse_refuses_output_without_the_done_line():
    with pytest.raises(ValueError, match="no BENCH line"):
        loadgen.parse("Running 10s test\nunable to connect")


def test_only_loopback(tmp_path):
    with pytest.raises(ValueError, match="127.0.0.1"):
        loadgen.run("http://10.0.0.1:80", "", workdir=tmp_path, name="x")


class _Recorder(BaseHTTPRequestHandler):
    seen: list = []

    def _reply(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.seen.append((self.command, self.path, self.headers.get("Authorization"), body))
        self.send_response(201 if self.command == "POST" else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _reply

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # wrk drops its connections when its time is up


@pytest.fixture
def server():
    # A handler class of its own per server: a request of the previous test that its server
    # is still finishing must not land in this test's list.
    recorder = type("Recorder", (_Recorder,), {"seen": []})
    httpd = _Server(("127.0.0.1", 0), recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", recorder.seen
    httpd.shutdown()
    httpd.server_close()


needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk not installed")


@needs_wrk
def test_get_script_varies_codes_and_sends_headers(server, tmp_path):
    url, seen = server
    codes = tmp_path / "codes.txt"
    codes.write_text("A-260101-0001\nB-260101-0002\nC-260101-0003\n")
    script = loadgen.lua_get_codes("/tra-cuu/{code}/", codes, {"Authorization": "Token abc"})
    fig = loadgen.run(url, script, workdir=tmp_path, name="get", duration=1, connections=2, threads=1)
    assert fig.requests > 0 and fig.errors == 0
    paths = {path for _, path, _, _ in seen}
    assert paths <= {"/tra-cuu/A-260101-0001/", "/tra-cuu/B-260101-0002/", "/tra-cuu/C-260101-0003/"}
    assert len(paths) > 1
    assert {auth for _, _, auth, _ in seen} == {"Token abc"}


@needs_wrk
def test_post_script_sends_fresh_ids(server, tmp_path):
    url, seen = server
    body = json.dumps({"applicant": {"id_number": "066085__RANDOM6__", "name": "Nguyễn Văn \"A\""}},
                      ensure_ascii=False)
    fig = loadgen.run(url, loadgen.lua_post("/api/v1/dossiers", body), workdir=tmp_path,
                      name="post", duration=1, connections=2, threads=1)
    assert fig.requests > 0 and fig.errors == 0
    ids = set()
    for method, path, _, sent in seen:
        assert (method, path) == ("POST", "/api/v1/dossiers")
        data = json.loads(sent)
        assert data["applicant"]["name"] == 'Nguyễn Văn "A"'
        ids.add(data["applicant"]["id_number"])
    assert all(len(i) == 12 and i.isdigit() and i.startswith("066085") for i in ids)
    assert len(ids) > 1


@needs_wrk
def test_paths_script(server, tmp_path):
    url, seen = server
    paths = tmp_path / "paths.txt"
    paths.write_text("/api/v1/dossiers?unit=3&status=appraising\n/api/v1/dossiers?overdue=1\n")
    loadgen.run(url, loadgen.lua_get_paths(paths), workdir=tmp_path, name="paths", duration=1,
                connections=2, threads=1)
    assert {p for _, p, _, _ in seen} == {"/api/v1/dossiers?unit=3&status=appraising",
                                         "/api/v1/dossiers?overdue=1"}
