"""Under the Content Security Policy, in a real browser: Swagger UI draws from the package's
files, and the language switch (now in site.js) still works; no CSP violation anywhere."""

from __future__ import annotations

from tests.browser import BROWSER

pytestmark = BROWSER


def _watch(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def console(msg):
        if msg.type == "error" and "favicon" not in msg.location.get("url", ""):
            errors.append(msg.text)

    page.on("console", console)
    return errors


def test_swagger_ui_draws_offline_under_the_csp(live_server, transactional_db, browser):
    context = browser.new_context()
    page = context.new_page()
    errors = _watch(page)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:") else None)
    page.goto(live_server.url + "/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30000)
    assert "Motcua API" in page.inner_text("#swagger-ui")
    assert page.locator(".opblock").count() > 5
    assert outside == [] and errors == []


def test_the_language_switch_works_without_inline_script(live_server, transactional_db,
                                                          browser):
    context = browser.new_context()
    page = context.new_page()
    errors = _watch(page)
    page.goto(live_server.url + "/tra-cuu/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert errors == []
