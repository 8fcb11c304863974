"""The application server as in production: gunicorn, DEBUG off, on 127.0.0.1 only."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str, var_dir: Path, *, secret_key: str | None = None) -> dict:
    """Environment of a production process with the bench baseline views mounted."""
    env = dict(os.environ)
    env.update({
        "MOTCUA_ENV": "production",
        "MOTCUA_SECRET_KEY": secret_key or secrets.token_urlsafe(50),
        # A throwaway audit key: production refuses to start without one (docs/security.md).
        "MOTCUA_AUDIT_KEY": "bench:" + secrets.token_urlsafe(48),
        "MOTCUA_ALLOWED_HOSTS": "127.0.0.1",
        "MOTCUA_PUBLIC_BASE_URL": "http://127.0.0.1",
        "MOTCUA_SECURE_COOKIES": "0",  # plain HTTP on loopback: no HTTPS redirect, no HSTS
        "MOTCUA_DATABASE_URL": database_url,
        "MOTCUA_VAR_DIR": str(var_dir),
        "MOTCUA_BENCH_VIEWS": "1",
        # The payment IPN figure signs its notifications with this merchant's secret
        # (production has no default one).
        "MOTCUA_VNPAY_TMN_CODE": "MOTCUABENCH",
        "MOTCUA_VNPAY_HASH_SECRET": "bench:" + secrets.token_urlsafe(32),
        "MOTCUA_VNPAY_PAYMENT_URL": "http://127.0.0.1/bench-gateway/",
        "MOTCUA_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "bench.baseline.settings",
        # ROOT: the bench package (bench.baseline) is not part of the installed product.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH")])
        ),
    })
    env.pop("MOTCUA_DEBUG", None)
    return env


class Gunicorn:
    """``with Gunicorn(env, workers=3) as server: server.url``"""

    def __init__(self, env: dict, *, workers: int, log: Path, port: int | None = None):
        self.env = env
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        # Django's own error log (tracebacks of 500s) goes to stderr: keep it with gunicorn's.
        self._log = open(self.log, "a")  # noqa: SIM115 - closed in __exit__
        cmd = [
            str(BIN / "gunicorn"), "motcua.config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--worker-class", "sync", "--backlog", "2048", "--timeout", "120",
            "--error-logfile", str(self.log), "--log-level", "warning",
        ]
        self.proc = subprocess.Popen(
            cmd, env=self.env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {self.log}")
            try:
                urllib.request.urlopen(self.url + "/api/schema/", timeout=2).read(1)
                return self
            except urllib.error.HTTPError:
                return self  # it answers: any HTTP status means the workers are up
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log}")

    def __exit__(self, *exc) -> bool:
        if self.proc and self.proc.poll() is None:
            # Only the process group this object started.
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()
        return False


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    # wrk does not follow redirects either: a page answering 302 (say, to the login page, when
    # the session is not valid) must show as 302, not as the 200 of the page it points to.
    def redirect_request(self, *args, **kwargs):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


def fetch(url: str, *, method: str = "GET", body: bytes | None = None, headers: dict | None = None,
          timeout: float = 60):
    """One request: (status, body text); status 0 when it timed out or the connection failed.
    Used to check an endpoint before loading it."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _NO_REDIRECTS.open(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")
    except OSError as err:  # URLError, TimeoutError, ConnectionError
        return 0, f"no answer within {timeout:.0f} s ({err.__class__.__name__})"


def fetch_tag(url: str, *, headers: dict | None = None, timeout: float = 60):
    """(status, ETag or None) of one GET: the conditional lookup's figure collects the tags a
    caching client would hold."""
    req = urllib.request.Request(url, method="GET", headers=headers or {})
    try:
        with _NO_REDIRECTS.open(req, timeout=timeout) as resp:
            resp.read()
            return resp.status, resp.headers.get("ETag")
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("ETag")
    except OSError:
        return 0, None


def drain(url: str, *, timeout: float = 300) -> float:
    """Wait until the workers answer again (requests wrk gave up on are still being served);
    returns the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        status, _ = fetch(url, timeout=timeout)
        if status:
            break
    return time.monotonic() - start
