"""The staff journey in a real browser (Debian chromium through Playwright, pytest-django's
live server): intake of a real procedure, assignment, appraisal, approval with an uploaded
result, return at the counter; and an apology with its Mẫu 04."""

from __future__ import annotations

import os
import re

import time_machine
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser import BROWSER
from tests.factories import vn

SHOTS = os.environ.get("MOTCUA_SCREENSHOTS", "/tmp")
# A Monday in the future of any real clock here, so session cookies set "now + 2 weeks" by the
# frozen server are not already expired for the browser.
START = vn(2027, 3, 1, 8, 30)

pytestmark = BROWSER


def signed_in(browser, base: str, username: str, password: str):
    """A fresh browser context (its own cookies) logged in as ``username``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.set_default_timeout(30_000)  # shared, loaded CI machines
    page = context.new_page()
    page.goto(base + "/dang-nhap/?next=/can-bo/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/can-bo/")
    return context, page


def act(page, action: str, fill=None) -> None:
    """Open the action's form, fill it, submit; wait for the HTMX success notice."""
    page.evaluate("document.getElementById('action-done')?.remove()")
    page.click(f"#action-{action} summary")
    if fill:
        fill(page)
    page.click(f"#action-{action} button[type=submit]")
    page.wait_for_selector("#action-done")


def status(page) -> str:
    return page.inner_text("#status").strip()


def test_counter_to_counter_journey(live_server, transactional_db, browser):
    from motcua.demo import DEMO_PASSWORD, load_demo
    from motcua.dossiers.models import Dossier

    with time_machine.travel(START, tick=True):
        load_demo()
        base = live_server.url

        # 1. The receptionist takes in a dossier for a real procedure.
        ctx_r, page = signed_in(browser, base, "tiepnhan1", DEMO_PASSWORD)
        page.click("nav.ws-nav >> text=Tiếp nhận hồ sơ")
        page.wait_for_url("**/can-bo/tiep-nhan/")
        page.fill("#id_q", "kinh doanh van tai")
        # 84 procedures narrow down to the two about "kinh doanh vận tải".
        # A locator wait, not wait_for_function: the page's CSP forbids the eval that uses.
        expect(page.locator("#procedure-box option")).to_have_count(3)
        # The search box is debounced (300 ms): let a trailing search swap the list before
        # choosing, and choose again if a late swap replaced the select after the choice.
        page.wait_for_timeout(600)
        for attempt in range(3):
            option = page.locator("#procedure-box option", has_text="1.000703")
            page.select_option("#procedure-box select", value=option.get_attribute("value"))
            try:
                page.wait_for_selector("#documents .checklist li", timeout=10_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
        items = page.locator("#documents .checklist li")
        assert items.count() == 2
        assert "Giấy đề nghị cấp Giấy phép kinh doanh theo mẫu" in items.nth(0).inner_text()
        items.nth(0).locator("input[value=original]").check()
        items.nth(1).locator("input[value=copy]").check()
        page.fill("#id_name", "Y Bhin Niê")
        page.fill("#id_birth_date", "15/08/1985")
        page.select_option("#id_gender", "male")
        page.fill("#id_id_number", "066085001234")
        page.fill("#id_address", "45 Nguyễn Tất Thành, phường Buôn Ma Thuột")
        page.fill("#id_phone", "12345")
        page.press("#id_phone", "Tab")
        page.wait_for_selector("#check-phone.error")
        assert "Số điện thoại không phải số Việt Nam hợp lệ" in page.inner_text("#check-phone")
        page.fill("#id_phone", "0905 123 456")
        page.press("#id_phone", "Tab")
        page.wait_for_selector("#check-phone.ok")
        page.wait_for_selector("#check-id_number.ok")
        page.screenshot(path=f"{SHOTS}/workspace-intake.png", full_page=True)
        page.click("#btn-accept")
        page.wait_for_url(re.compile(r".*/can-bo/ho-so/.+/\?in=mau-01$"))
        code = page.inner_text("#dossier-main h1").strip()
        assert status(page) == "Đã tiếp nhận"
        with ctx_r.expect_page() as receipt:
            page.click("#print-now a")
        receipt.value.wait_for_load_state()
        assert code in receipt.value.content()
        assert "TIẾP NHẬN HỒ SƠ" in receipt.value.inner_text("body").upper()
        receipt.value.close()
        page.screenshot(path=f"{SHOTS}/workspace-dossier-received.png", full_page=True)
        act(page, "transfer")
        assert status(page) == "Đã chuyển cơ quan giải quyết"
        dossier_url = f"{base}/can-bo/ho-so/{code}/"

        # 2. The leader of the competent agency assigns it to a specialist.
        ctx_l, leader = signed_in(browser, base, "lanhdao.xd", DEMO_PASSWORD)
        leader.goto(dossier_url)
        act(leader, "assign",
            lambda p: p.select_option("#action-assign select", label="Đặng Văn Khoa"))
        assert status(leader) == "Đã phân công thụ lý"

        # 3. The specialist appraises and submits for approval.
        ctx_s, specialist = signed_in(browser, base, "chuyenvien.xd", DEMO_PASSWORD)
        specialist.click("#tile-mine")
        specialist.click(f"text={code}")
        act(specialist, "start_appraisal")
        act(specialist, "submit_for_approval")
        assert status(specialist) == "Chờ phê duyệt"

        # 4. The leader approves with the signed result and issues it back to the center.
        leader.goto(dossier_url)
        act(leader, "approve", lambda p: p.set_input_files(
            "#action-approve input[type=file]",
            files=[{"name": "giay-phep.pdf", "mimeType": "application/pdf",
                    "buffer": b"%PDF-1.4\n% Giay phep kinh doanh van tai\n%%EOF\n"}],
        ))
        assert status(leader) == "Đã ký duyệt"
        act(leader, "issue")
        assert status(leader) == "Đã ban hành, chuyển trả một cửa"

        # 5. The center receives the result and returns it to the applicant.
        page.goto(dossier_url)
        act(page, "receive_result")
        assert status(page) == "Có kết quả, chờ trả"
        act(page, "return_result")
        assert status(page) == "Đã trả kết quả"
        page.reload()
        assert status(page) == "Đã trả kết quả"
        assert "Trả kết quả" in page.inner_text("#timeline")
        page.screenshot(path=f"{SHOTS}/workspace-dossier.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        page.goto(f"{base}/can-bo/ho-so/?list=all")
        assert code in page.inner_text("#dossiers")
        page.screenshot(path=f"{SHOTS}/workspace-list-phone.png", full_page=True)
        for ctx in (ctx_r, ctx_l, ctx_s):
            ctx.close()

    d = Dossier.objects.get(code=code)
    assert d.status == "returned" and d.result_file.name and d.returned_to == "Y Bhin Niê"


def test_leader_apologises_for_a_late_dossier_and_prints_mau_04(live_server, transactional_db,
                                                               browser, world, bring):
    from motcua.dossiers.models import Apology

    with time_machine.travel(START, tick=True):
        d = bring("appraising")  # due in 5 working days
        world.leader.set_password("mat-khau-lanh-dao")
        world.leader.save()
        ctx, page = signed_in(browser, live_server.url, "lanhdao", "mat-khau-lanh-dao")
        page.goto(f"{live_server.url}/can-bo/ho-so/{d.code}/")
        act(page, "apologise", lambda p: (
            p.fill("#action-apologise textarea", "Chờ kết quả kiểm tra thực địa"),
            p.fill("#action-apologise input[name=apologise-new_date]", "12/03/2027"),
            p.fill("#action-apologise input[name=apologise-new_time]", "16:00"),
            p.screenshot(path=f"{SHOTS}/workspace-apology.png", full_page=True),
        ))
        assert "12/03/2027 16:00" in page.inner_text("#dossier-main")
        with ctx.expect_page() as letter:
            page.click("#print-now a")
        letter.value.wait_for_load_state()
        text = letter.value.inner_text("body")
        assert "Chờ kết quả kiểm tra thực địa" in text and d.code in text
        ctx.close()
    assert Apology.objects.get(dossier=d).reason == "Chờ kết quả kiểm tra thực địa"
