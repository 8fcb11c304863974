"""axe-core (WCAG 2.1 AA) over every staff and public page, as each demo role, in Chromium;
any serious or critical violation fails. Also the keyboard and screen-reader behaviour that a
static page check cannot see: the skip link, the intake's first field focused, Enter in a text
field accepting nothing, and the focus moving to the notice after an htmx action."""

from __future__ import annotations

import os

import time_machine

from tests.axe import axe_violations, blocking
from tests.browser import BROWSER
from tests.factories import vn

pytestmark = BROWSER
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

START = vn(2027, 3, 1, 8, 30)  # a Monday, later than any real clock here (cookie expiry)
PUBLIC = ["/", "/thu-tuc/", "/thu-tuc/?q=cccd", "/tra-cuu/", "/bao-cao/cong-khai/",
          "/dang-nhap/", "/khong-co-trang-nay/"]
ROLES = ["tiepnhan1", "chuyenvien.xd", "lanhdao.xd", "quanly", "quantri"]
WORKLISTS = ["mine", "unit", "due_soon", "overdue", "paused", "to_return", "all"]
REPORTS = ["/bao-cao/", "/bao-cao/chi-so/", "/bao-cao/cham-diem/", "/bao-cao/khoi-luong/",
           "/bao-cao/ho-so/?metric=received&preset=month"]


def _load_demo():
    """What ``make run`` shows: the demo province and its dossiers."""
    import io

    from django.core.management import call_command

    call_command("demo_load", stdout=io.StringIO())


def _context(browser, width=1280):
    # axe-core is injected as a script: the site's CSP (no inline script) would refuse it, so
    # these contexts bypass the CSP; what they check is accessibility, not the CSP.
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN",
                                  bypass_csp=True)
    context.set_default_timeout(30_000)
    return context


def _login(page, base, username):
    from motcua.demo import DEMO_PASSWORD

    page.goto(base + "/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()


def _public_pages() -> list[str]:
    from motcua.catalog.models import Field, Procedure
    from motcua.dossiers.models import Dossier

    procedure = Procedure.objects.filter(current__isnull=False).order_by("code").first()
    field = Field.objects.order_by("order").first()
    agency = procedure.current.agency
    dossier = Dossier.objects.exclude(status="submitted").order_by("id").first()
    return [*PUBLIC, f"/thu-tuc/{procedure.code}/", f"/linh-vuc/{field.slug}/",
            f"/co-quan/{agency.code}/", f"/tra-cuu/{dossier.code}/"]


def _staff_pages(username: str) -> list[str]:
    from django.contrib.auth import get_user_model

    from motcua.dossiers import selectors as dossier_selectors
    from motcua.workspace.selectors import reception_units

    user = get_user_model().objects.get(username=username)
    pages = ["/can-bo/", *[f"/can-bo/ho-so/?list={key}" for key in WORKLISTS],
             "/can-bo/tim/?q=tran", "/can-bo/xin-loi/", "/in/so-theo-doi/", *REPORTS,
             "/thu-tuc/"]  # a public page with the staff header
    if reception_units(user):
        pages.append("/can-bo/tiep-nhan/")
    for dossier in dossier_selectors.visible_to(user).order_by("id")[:3]:
        pages += [f"/can-bo/ho-so/{dossier.code}/", f"/in/ho-so/{dossier.code}/"]
    return pages


def test_no_serious_or_critical_wcag_violation_on_any_page(live_server, transactional_db,
                                                          browser):
    failures: list[str] = []
    checked = 0
    with time_machine.travel(START, tick=True):
        _load_demo()
        base = live_server.url
        runs = [(None, _public_pages(), 1280), (None, _public_pages()[:4], 390)]
        runs += [(username, _staff_pages(username), 1280) for username in ROLES]
        runs.append(("tiepnhan1", ["/can-bo/", "/can-bo/ho-so/?list=all",
                                   "/can-bo/tiep-nhan/"], 390))
        for username, paths, width in runs:
            context = _context(browser, width)
            page = context.new_page()
            if username:
                _login(page, base, username)
            for path in paths:
                response = page.goto(base + path)
                assert response.status < 500, (username, path, response.status)
                checked += 1
                for line in blocking(axe_violations(page)):
                    failures.append(f"{username or 'anonymous'} {width}px {path}: {line}")
            context.close()
    assert checked > 60
    assert not failures, "\n".join(failures)


def test_keyboard_and_screen_reader_behaviour(live_server, transactional_db, browser):
    from motcua.dossiers.models import Dossier

    with time_machine.travel(START, tick=True):
        _load_demo()
        base = live_server.url
        context = _context(browser)
        page = context.new_page()
        _login(page, base, "tiepnhan1")

        # The first Tab reaches the skip link, which moves on to the main content.
        page.goto(base + "/can-bo/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

        # The intake opens on its first field; Enter in a text field accepts nothing.
        page.goto(base + "/can-bo/tiep-nhan/")
        assert page.evaluate("document.activeElement.id") == "id_q"
        assert page.is_hidden("#intake-form button[disabled]")
        before = Dossier.objects.count()
        page.fill("#id_name", "Nguyễn Văn Enter")
        page.focus("#id_name")
        page.keyboard.press("Enter")
        page.wait_for_timeout(800)
        assert page.url.endswith("/can-bo/tiep-nhan/")
        assert Dossier.objects.count() == before

        # An htmx action: the focus goes to the "Đã thực hiện…" notice and the persistent
        # live region says it.
        context.close()
        context = _context(browser)
        page = context.new_page()
        _login(page, base, "lanhdao.xd")
        dossier = Dossier.objects.filter(status="transferred",
                                         current_unit__code__endswith=".13.H15").first()
        page.goto(base + f"/can-bo/ho-so/{dossier.code}/")
        page.click("#action-assign summary")
        page.select_option("#action-assign select", index=1)
        page.click("#action-assign button[type=submit]")
        page.wait_for_selector("#action-done")
        page.wait_for_function("document.activeElement && document.activeElement.id === 'action-done'")
        page.wait_for_function(
            "document.getElementById('live-status').textContent.includes('Đã thực hiện')")
        top = page.evaluate("document.getElementById('action-done').getBoundingClientRect().top")
        assert -2 <= top < 900  # in view, not 3,000 px above it
        context.close()
