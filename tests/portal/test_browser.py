"""The home page search in a real browser (Debian chromium through Playwright)."""

from __future__ import annotations

import pytest

from motcua.demo import load_demo
from tests.browser import BROWSER

pytestmark = BROWSER


@pytest.fixture
def page(browser):
    return browser.new_page()


def test_unaccented_search_from_the_home_page_finds_the_accented_procedure(
    live_server, transactional_db, page
):
    load_demo()
    page.goto(live_server.url + "/")
    page.fill("input[name=q]", "cap doi can cuoc")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/thu-tuc/?q=*")
    results = page.locator("#results")
    assert "Cấp đổi thẻ căn cước" in results.inner_text()
    page.click("text=Cấp đổi thẻ căn cước")
    page.wait_for_url("**/thu-tuc/1.014063/")
    assert "7 ngày làm việc" in page.inner_text("main")
