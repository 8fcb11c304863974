"""``motcua runserver_demo [addrport]``: print the demo logins, then run the dev server."""

from __future__ import annotations

import os
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


class Command(RunserverCommand):
    help = "In danh sách tài khoản minh họa rồi chạy máy chủ phát triển (như runserver)."

    def handle(self, *args, **options):
        # The autoreloader runs this command again in a child process (RUN_MAIN=true);
        # print the banner once, from the parent.
        if os.environ.get("RUN_MAIN") != "true":
            addrport = options.get("addrport") or f"{self.default_addr}:{self.default_port}"
            host, _, port = addrport.rpartition(":")
            if not host:
                host, port = self.default_addr, addrport
            self.stdout.write(demo_banner(f"http://{host}:{port}"))
        super().handle(*args, **options)
