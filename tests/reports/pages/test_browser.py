"""The dashboard in a real browser (Debian chromium through Playwright): the charts draw
without JavaScript errors. Set MOTCUA_SCREENSHOT_DIR to keep screenshots of the pages."""

from __future__ import annotations

import os
from pathlib import Path

from django.test import Client

from tests.browser import BROWSER

pytestmark = BROWSER


def _shot(page, name: str) -> None:
    folder = os.environ.get("MOTCUA_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_dashboard_draws_its_charts_without_errors(
    live_server, transactional_db, time_machine, march, manager, browser
):
    from tests.reports.pages.conftest import NOW

    time_machine.move_to(NOW, tick=True)
    client = Client()
    client.force_login(manager)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.add_cookies([{
        "name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url,
    }])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def console(msg):
        # The browser asks for /favicon.ico on its own; that 404 is not the page's error.
        if msg.type == "error" and "favicon" not in msg.location.get("url", ""):
            errors.append(msg.text)

    page.on("console", console)

    page.goto(live_server.url + "/bao-cao/?preset=month")
    # A locator wait, not wait_for_function: the page's CSP forbids the eval that polling uses.
    page.locator("#chart-days").wait_for()
    page.evaluate("() => new Promise(r => (function check() { "
                  "window.Chart && Chart.getChart('chart-days') ? r() : setTimeout(check, 50) })())")
    drawn = page.evaluate(
        "['chart-days', 'chart-channels', 'chart-agencies', 'chart-fields']"
        ".map(id => Chart.getChart(id).data.datasets[0].data.length)"
    )
    assert drawn == [31, 3, 2, 2]
    box = page.locator("#chart-days").bounding_box()
    assert box["width"] > 100 and box["height"] > 100
    _shot(page, "dashboard")

    page.goto(live_server.url + "/bao-cao/cong-khai/")
    assert "Công khai kết quả giải quyết" in page.inner_text("main")
    _shot(page, "transparency")
    assert errors == []
