"""Tested as deployed (issue #17): deploy/nginx/motcua.conf in front of two gunicorn nodes, a
huey scheduler and a second (non-scheduling) huey consumer, against a fresh PostgreSQL
database and Redis, all started here on loopback ports.

Checks: a dossier received through node A is read through node B; a login session and the
throttle counters hold across nodes; protected result files go out through X-Accel-Redirect;
the scheduled job runs once, not once per consumer; killing a node under load loses no
accepted request and receives no dossier twice.

One test function (not several sharing a fixture) so that ``pytest -n 2`` never starts two
clusters. Runs in the PostgreSQL pass of .ci/run; skipped, saying why, without nginx,
PostgreSQL or Redis.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.deploy

REPO = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")
AUDIT_KEY = "nodes:" + "k" * 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(what: str, predicate: Callable[[], object], timeout: float = 60.0) -> object:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except Exception as exc:  # noqa: BLE001 - not up yet
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}: {last!r}")


def _requirements() -> tuple[str, str]:
    url = os.environ.get("MOTCUA_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the multi-node test runs against PostgreSQL: set MOTCUA_DATABASE_URL "
                    "(the PostgreSQL pass of .ci/run does)")
    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed (apt-get install nginx-light; make deploy-tools)")
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed (the test's TLS certificate)")
    return url, REDIS_URL


class Cluster:
    def __init__(self, tmp: Path, server_url: str, redis_url: str):
        import psycopg

        self.tmp = tmp
        self.procs: dict[str, subprocess.Popen] = {}
        self.db = f"motcua_nodes_{os.getpid()}"
        base = server_url.rsplit("/", 1)[0]
        self.admin_url = f"{base}/postgres"
        self.db_url = f"{base}/{self.db}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db}"')
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        self.port_a, self.port_b, self.https = _free_port(), _free_port(), _free_port()
        self.http = _free_port()
        self.var = tmp / "var"
        self.origin = f"https://127.0.0.1:{self.https}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
        self.env.update({
            "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
            "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
            "MOTCUA_ENV": "production",
            "MOTCUA_SECRET_KEY": "nodes-test-secret-" + "s" * 40,
            "MOTCUA_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MOTCUA_CSRF_TRUSTED_ORIGINS": self.origin,
            "MOTCUA_DATABASE_URL": self.db_url,
            "MOTCUA_REDIS_URL": redis_url,
            "MOTCUA_BEHIND_PROXY": "1",
            "MOTCUA_PUBLIC_BASE_URL": self.origin,
            "MOTCUA_AUDIT_KEY": AUDIT_KEY,
            "MOTCUA_VAR_DIR": str(self.var),
            "MOTCUA_MEDIA_ROOT": str(self.var / "media"),
            "MOTCUA_X_ACCEL_REDIRECT_PREFIX": "/protected-media/",
            "MOTCUA_THROTTLE_ANON": "5/minute",
            "MOTCUA_READY_SCHEDULER_MAX_AGE": "300",
            "MOTCUA_LOG_FORMAT": "json",
            "MOTCUA_STATIC_COMPRESS": "0",  # collectstatic without gzip/brotli: faster
        })

    # -- processes ---------------------------------------------------------------------------
    def run(self, *args: str) -> str:
        started = time.monotonic()
        done = subprocess.run([sys.executable, *args], env=self.env, cwd=self.tmp,
                              capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, done.stderr[-3000:]
        print(f"{args[-2:]}: {time.monotonic() - started:.1f} s")
        return done.stdout

    def start(self, name: str, command: list[str]) -> None:
        log = (self.tmp / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(command, env=self.env, cwd=self.tmp, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs[name]
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for name in list(self.procs):
            if self.procs[name].poll() is None:
                self.kill(name, signal.SIGTERM)
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')

    # -- set-up as docs/deployment.md does it ------------------------------------------------
    def deploy(self) -> dict:
        self.run("-m", "motcua", "migrate", "--noinput", "-v0")
        self.run("-m", "motcua", "collectstatic", "--noinput", "-v0")
        data = json.loads(self.run(str(REPO / "tests" / "ops" / "deploy_setup.py"))
                          .strip().splitlines()[-1])
        tls = self.tmp / "tls"
        tls.mkdir()
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(tls / "privkey.pem"), "-out", str(tls / "fullchain.pem")],
                       check=True, capture_output=True)
        self.cert = str(tls / "fullchain.pem")
        for name, port in (("node_a", self.port_a), ("node_b", self.port_b)):
            self.start(name, [sys.executable, "-m", "gunicorn", "motcua.config.wsgi:application",
                              "--bind", f"127.0.0.1:{port}", "--workers", "2",
                              "--graceful-timeout", "5", "--access-logfile", "-"])
        self.scheduler_started = time.monotonic()
        self.start("scheduler", [sys.executable, "-m", "motcua", "run_huey", "--workers", "1"])
        self.start("worker", [sys.executable, "-m", "motcua", "run_huey", "--workers", "1",
                              "--no-periodic"])
        self.start("nginx", [NGINX, "-p", str(self.tmp), "-e", str(self.tmp / "nginx-error.log"),
                             "-c", str(self.nginx_conf()), "-g", "daemon off;"])
        return data

    def nginx_conf(self) -> Path:
        site = (REPO / "deploy" / "nginx" / "motcua.conf").read_text()
        proxy = (REPO / "deploy" / "nginx" / "motcua-proxy.conf").read_text()
        (self.tmp / "motcua-proxy.conf").write_text(proxy)
        replacements = [
            ("127.0.0.1:8001", f"127.0.0.1:{self.port_a}"),
            ("127.0.0.1:8002", f"127.0.0.1:{self.port_b}"),
            ("listen 80;", f"listen 127.0.0.1:{self.http};"),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https} ssl http2;"),
            ("/etc/motcua/tls/", f"{self.tmp / 'tls'}/"),
            ("/srv/motcua/var/", f"{self.var}/"),
            ("/etc/nginx/motcua-proxy.conf", str(self.tmp / "motcua-proxy.conf")),
            ("/var/log/nginx/", f"{self.tmp}/"),
        ]
        for old, new in replacements:
            assert old in site, f"deploy/nginx/motcua.conf no longer has {old!r}"
            site = site.replace(old, new)
        site = re.sub(r"^\s*listen \[::\].*$", "", site, flags=re.M)
        (self.tmp / "site.conf").write_text(site)
        main = self.tmp / "nginx.conf"
        temp = self.tmp / "nginx-temp"
        temp.mkdir()
        # Workers run as this user (as root nginx would switch to nobody, who cannot read the
        # test's private folders); in production www-data reads MEDIA_ROOT through its group.
        user = pwd.getpwuid(os.getuid()).pw_name
        main.write_text(f"""
{"user " + user + ";" if os.getuid() == 0 else ""}
worker_processes 1;
pid {self.tmp / 'nginx.pid'};
error_log {self.tmp / 'nginx-error.log'};
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {self.tmp / 'nginx-access.log'};
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {self.tmp / 'site.conf'};
}}
""")
        return main

    # -- clients -----------------------------------------------------------------------------
    def node(self, which: str) -> str:
        return f"http://127.0.0.1:{self.port_a if which == 'a' else self.port_b}"

    def direct_headers(self) -> dict[str, str]:
        # What nginx adds (deploy/nginx/motcua-proxy.conf), for a request sent to one node.
        return {"Host": f"127.0.0.1:{self.https}", "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "198.51.100.20"}

    def sql(self, query: str, *params) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.db_url) as conn:
            return conn.execute(query, params).fetchall()


def _intake(data: dict, n: int) -> dict:
    return {
        "procedure": data["procedure"], "receiving_unit": data["receiving_unit"],
        "applicant": {"name": f"Nguyễn Văn Nút {n}", "id_number": f"0660900{n:05d}",
                      "address": "12 Lê Duẩn, Buôn Ma Thuột"},
        "documents": [{"required": pk, "provided_as": "original"} for pk in data["documents"]],
        "channel": 1, "delivery": {"method": "counter"},
    }


def _login(session, base: str, cluster: Cluster, *, post_to: str | None = None, **kw) -> None:
    page = session.get(f"{base}/dang-nhap/", **kw)
    assert page.status_code == 200, page.text[:500]
    if base.startswith("http://"):
        # Straight to a node (plain HTTP): the Secure cookies are sent by hand.
        kw["cookies"] = {c.name: c.value for c in session.cookies}
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{post_to or base}/dang-nhap/", data={
        "csrfmiddlewaretoken": token, "username": "tiepnhan", "password": "matkhau-thu-nghiem",
    }, allow_redirects=False, **{**kw, "headers": {**kw.get("headers", {}),
                                                   "Referer": f"{cluster.origin}/dang-nhap/",
                                                   "Origin": cluster.origin}})
    assert response.status_code == 302, response.text[:500]


def test_two_nodes_behind_nginx(tmp_path):
    server_url, redis_url = _requirements()
    import requests

    cluster = Cluster(tmp_path, server_url, redis_url)
    try:
        data = cluster.deploy()
        ready = _wait("/readyz through nginx", lambda: requests.get(
            f"{cluster.origin}/readyz", verify=cluster.cert, timeout=5).status_code == 200)
        assert ready
        print(f"ready after {time.monotonic() - cluster.scheduler_started:.1f} s")
        for which in "ab":
            _wait(f"node {which}", lambda w=which: requests.get(
                f"{cluster.node(w)}/readyz", headers=cluster.direct_headers(), timeout=5).ok)
        auth = {**cluster.direct_headers(), "Authorization": f"Token {data['token']}"}

        # 1. A dossier received through node A is read through node B.
        created = requests.post(f"{cluster.node('a')}/api/v1/dossiers", json=_intake(data, 1),
                                headers=auth, timeout=30)
        assert created.status_code == 201, created.text[:1000]
        code = created.json()["code"]
        read = requests.get(f"{cluster.node('b')}/api/v1/dossiers/{code}", headers=auth,
                            timeout=30)
        assert read.status_code == 200 and read.json()["code"] == code
        assert read.json()["applicant"]["name"] == "Nguyễn Văn Nút 1"

        # 2. A session made on node B is valid on node A (login page fetched on A).
        session = requests.Session()
        headers = cluster.direct_headers()
        _login(session, cluster.node("a"), cluster, post_to=cluster.node("b"), headers=headers)
        cookies = {c.name: c.value for c in session.cookies}  # Secure cookies, sent by hand
        staff_page = requests.get(f"{cluster.node('a')}/can-bo/", headers=headers,
                                  cookies=cookies, allow_redirects=False, timeout=30)
        assert staff_page.status_code == 200, staff_page.headers.get("Location")

        # 3. The anonymous throttle (5/minute) counts across nodes: 5 answers, then 429s.
        statuses = [requests.get(f"{cluster.node('ab'[i % 2])}/api/v1/procedures",
                                 headers={**headers, "X-Forwarded-For": "203.0.113.9"},
                                 timeout=30).status_code for i in range(10)]
        assert statuses == [200] * 5 + [429] * 5, statuses

        # 4. Result files leave through nginx's internal location (X-Accel-Redirect), after
        # Django's access check; the internal location cannot be asked for directly.
        browser = requests.Session()
        _login(browser, cluster.origin, cluster, verify=cluster.cert)
        download = browser.get(f"{cluster.origin}/can-bo/ho-so/{data['returned']}/ket-qua/",
                               verify=cluster.cert, timeout=30)
        assert download.status_code == 200, download.text[:500]
        assert download.content == (cluster.var / "media" / data["result_file"]).read_bytes()
        assert "X-Accel-Redirect" not in download.headers
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert requests.get(f"{cluster.origin}/protected-media/{data['result_file']}",
                            verify=cluster.cert, timeout=30).status_code == 404
        anonymous = requests.get(f"{cluster.origin}/can-bo/ho-so/{data['returned']}/ket-qua/",
                                 verify=cluster.cert, allow_redirects=False, timeout=30)
        assert anonymous.status_code in (302, 403) and not anonymous.content.startswith(b"%PDF")
        # Request ids: nginx's $request_id reaches Django and comes back; metrics from loopback.
        assert re.fullmatch(r"[0-9a-f]{32}", download.headers["X-Request-ID"])
        probe = requests.get(f"{cluster.origin}/healthz", verify=cluster.cert, timeout=30)
        assert re.fullmatch(r"[0-9a-f]{32}", probe.headers["X-Request-ID"])
        # ... and it is nginx's $request_id (in its access log), not one the app made up.
        _wait("the access log line", lambda: probe.headers["X-Request-ID"] in (
            cluster.tmp / "motcua.access.log").read_text(), timeout=10)
        metrics = requests.get(f"{cluster.origin}/metrics", verify=cluster.cert, timeout=30)
        assert "motcua_dossiers_received_total 2.0" in metrics.text

        # 5. The periodic job runs once per minute in the installation, not once per consumer:
        # both consumers are up and idle, and the heartbeat beat once per elapsed minute.
        import redis

        queue = redis.Redis.from_url(redis_url)
        _wait("both consumers started", lambda: all(
            "consumer started" in cluster.log(name).lower() for name in ("scheduler", "worker")))
        _wait("the queue drained", lambda: queue.llen("huey.redis.motcua") == 0)
        beats = cluster.sql("SELECT beats FROM notifications_schedulerheartbeat WHERE name = 'scheduler'")[0][0]
        minutes = int((time.monotonic() - cluster.scheduler_started) // 60)
        assert 1 <= beats <= minutes + 1, (beats, minutes)
        assert "Enqueueing periodic task" not in cluster.log("worker")

        # 6. Kill node B under load: every answered POST is in the database, none twice.
        before = {row[0] for row in cluster.sql("SELECT code FROM dossiers_dossier")}
        answered: list[str] = []
        failed: list[int] = []
        lock = threading.Lock()
        enough = threading.Event()

        def post(n: int) -> None:
            try:
                response = requests.post(
                    f"{cluster.origin}/api/v1/dossiers", json=_intake(data, 100 + n),
                    headers={"Authorization": f"Token {data['token']}"},
                    verify=cluster.cert, timeout=60)
            except requests.RequestException:
                with lock:
                    failed.append(-1)
                return
            with lock:
                if response.status_code == 201:
                    answered.append(response.json()["code"])
                else:
                    failed.append(response.status_code)
                if len(answered) >= 10:
                    enough.set()

        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(post, n) for n in range(60)]
            assert enough.wait(120), (answered, failed)
            cluster.kill("node_b")
            for future in futures:
                future.result()
        after = {row[0] for row in cluster.sql("SELECT code FROM dossiers_dossier")}
        new = after - before
        assert set(answered) <= new, set(answered) - new
        # A dossier without a 201 exists only when its client saw an error (the node died
        # after committing): nginx never re-sent a POST that had reached node B.
        assert len(new) - len(answered) <= len(failed), (len(new), len(answered), failed)
        assert len(answered) >= 40, (len(answered), failed)  # node A took over
        ids = cluster.sql("SELECT applicant_id_number, count(*) FROM dossiers_dossier "
                          "GROUP BY 1 HAVING count(*) > 1")
        assert ids == [], ids
        assert requests.get(f"{cluster.origin}/readyz", verify=cluster.cert,
                            timeout=10).status_code == 200
    except BaseException:
        for name in ("node_a", "node_b", "scheduler", "worker", "nginx-error"):
            path = tmp_path / f"{name}.log"
            if path.exists():
                print(f"==== {name}\n{path.read_text(errors='replace')[-4000:]}")
        raise
    finally:
        cluster.stop()
