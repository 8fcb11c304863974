"""Browser tests drive Debian's chromium through Playwright (downloaded browsers do not work
here). Modules mark themselves with ``pytestmark = BROWSER`` and take the ``browser`` fixture
from tests/conftest.py."""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
# Without the networking flags chromium keeps dialling out on this closed network.
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium is not installed"),
]
