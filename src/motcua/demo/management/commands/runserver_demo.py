"""``motcua runserver_demo [addrport]``: print the demo logins, then run the dev server with
the scheduler (huey's consumer: queued tasks and the periodic jobs) beside it.

The consumer is a child process of this command, started once (not again by the
autoreloader) and stopped when the server stops: Ctrl-C, SIGTERM, or this process dying
(Linux: the child asks the kernel for SIGTERM when its parent dies). ``--no-scheduler``
runs the server alone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import unicodedata

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from motcua.demo import DEMO_PASSWORD
from motcua.demo.citizens import CITIZENS
from motcua.demo.staff import STAFF
from motcua.demo.units import BY_KEY
from motcua.org.models import Role


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def box(lines: list[str]) -> str:
    """Lines framed in a box; widths count combining marks as zero."""
    inner = max(_width(line) for line in lines)
    out = ["┌" + "─" * (inner + 2) + "┐"]
    out += [f"│ {line}{' ' * (inner - _width(line))} │" for line in lines]
    out.append("└" + "─" * (inner + 2) + "┘")
    return "\n".join(out)


def demo_banner(base_url: str) -> str:
    lines = [
        "MỘT CỬA – BẢN MINH HỌA TỈNH ĐẮK LẮK",
        "",
        f"Cổng công khai:  {base_url}/",
        f"Cán bộ làm việc: {base_url}/can-bo/",
        f"Quản trị:        {base_url}/quan-tri/",
        "",
        f"Mật khẩu chung của mọi tài khoản: {DEMO_PASSWORD}",
        "",
    ]
    name_w = max(len(s.username) for s in STAFF)
    role_w = max(len(str(Role(s.role).label)) for s in STAFF)
    for spec in STAFF:
        where = BY_KEY[spec.unit].name
        if spec.counter:
            where += f", quầy {spec.counter}"
        label = str(Role(spec.role).label)
        lines.append(f"{spec.username:<{name_w}}  {label}{' ' * (role_w - len(label))}  {where}")
    if getattr(settings, "MOTCUA_DEV_IDP", False):
        lines += ["", f"Công dân (đăng nhập định danh thử nghiệm tại {base_url}/ho-so-cua-toi/):"]
        lines += [f"{c.username:<{name_w}}  {c.label}" for c in CITIZENS]
    return box(lines)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: SIGTERM this process when its parent dies (PR_SET_PDEATHSIG), so a killed
    server leaves no scheduler behind."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def start_scheduler() -> subprocess.Popen:
    """``motcua run_huey`` as a child process: the queued tasks and the periodic jobs."""
    return subprocess.Popen(
        [sys.executable, "-m", "motcua", "run_huey", "--workers", "2", "--worker-type", "thread"],
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def stop_scheduler(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # huey finishes the running task, then exits
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Command(RunserverCommand):
    help = ("In danh sách tài khoản minh họa rồi chạy máy chủ phát triển (như runserver) cùng "
            "bộ lập lịch (huey).")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-scheduler", action="store_false", dest="scheduler",
                            help="Không chạy bộ lập lịch (huey) kèm máy chủ.")

    def handle(self, *args, **options):
        # The autoreloader runs this command again in a child process (RUN_MAIN=true);
        # print the banner and start the scheduler once, from the parent.
        if os.environ.get("RUN_MAIN") == "true":
            return super().handle(*args, **options)
        addrport = options.get("addrport") or f"{self.default_addr}:{self.default_port}"
        host, _, port = addrport.rpartition(":")
        if not host:
            host, port = self.default_addr, addrport
        self.stdout.write(demo_banner(f"http://{host}:{port}"))
        if not options.get("scheduler", True):
            return super().handle(*args, **options)
        scheduler = start_scheduler()
        self.stdout.write(f"Bộ lập lịch (huey) đang chạy, pid {scheduler.pid}.")
        # SIGTERM ends the server through SystemExit, so the scheduler is stopped below (the
        # autoreloader installs the same handler).
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            return super().handle(*args, **options)
        finally:
            stop_scheduler(scheduler)
