"""The engine is pure Python: importing it must not import Django."""

from __future__ import annotations

import subprocess
import sys


def test_no_django_import():
    code = (
        "import sys, motcua.worktime; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
