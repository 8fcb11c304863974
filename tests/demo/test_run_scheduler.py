"""``make run``'s server runs the scheduler beside it and stops it with it."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads /proc to find the processes")
def test_runserver_demo_runs_the_scheduler_and_stops_it(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"MOTCUA_DATABASE_URL", "MOTCUA_REDIS_URL", "RUN_MAIN",
                        "DJANGO_SETTINGS_MODULE"}}
    env.update(MOTCUA_VAR_DIR=str(tmp_path), PYTHONPATH=str(ROOT / "src"),
               PYTHONUNBUFFERED="1")
    python = [sys.executable, "-m", "motcua"]
    subprocess.run(python + ["migrate", "--noinput", "-v", "0"], env=env, check=True,
                   cwd=tmp_path, timeout=300)
    port = free_port()
    log = (tmp_path / "server.log").open("w+")
    server = subprocess.Popen(python + ["runserver_demo", f"127.0.0.1:{port}"], env=env,
                              cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        def scheduler_pid():
            text = (tmp_path / "server.log").read_text()
            for line in text.splitlines():
                if line.startswith("Bộ lập lịch (huey) đang chạy, pid "):
                    return int(line.rsplit(" ", 1)[1].rstrip("."))
            return None

        pid = wait_for(scheduler_pid, 60, "the scheduler to start")
        db = tmp_path / "motcua.sqlite3"

        def heartbeat():
            with sqlite3.connect(db) as conn:
                return conn.execute("select beat_at, pid from notifications_schedulerheartbeat"
                                    " where name = 'scheduler'").fetchone()

        beat = wait_for(heartbeat, 60, "the scheduler's heartbeat")
        assert beat[1] == pid
        # The consumer knows the periodic jobs (the minute tick among them).
        def task_list():
            text = (tmp_path / "server.log").read_text()
            return text if "scheduler_tick" in text else None

        text = wait_for(task_list, 30, "the consumer's task list")
        assert "motcua.dossiers.tasks.send_deadline_warnings" in text
        # Each consumer line once: huey's own handler used to print it beside ours.
        started = [line for line in text.splitlines() if "Huey consumer started" in line]
        assert len(started) == 1, started
        # The web server answers beside it.
        wait_for(lambda: _listening(port), 60, "the web server")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/tra-cuu/", timeout=30) as page:
            assert page.status == 200
        assert alive(pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
    wait_for(lambda: not alive(pid), 15, "the scheduler to stop")
    # Nothing of the session is left (the reloader's child, the consumer).
    leftovers = [p for p in os.listdir("/proc") if p.isdigit() and alive(int(p))
                 and _session(int(p)) == server.pid]
    assert leftovers == []


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _session(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].split()[4])
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return None
