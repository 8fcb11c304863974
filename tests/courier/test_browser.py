"""The courier's scan-and-confirm page on a phone (390 px), then the agency's officer confirming
a partial receipt, in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect

from motcua.courier import services
from motcua.courier.models import BatchStatus
from tests.browser import BROWSER
from tests.courier.conftest import at

pytestmark = BROWSER
PASSWORD = "matkhau-thu-nghiem"  # tests.factories.UserFactory
PHONE = {"width": 390, "height": 844}


def phone_login(browser, base: str, username: str):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(base + "/dang-nhap/?next=/can-bo/buu-chinh/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/can-bo/buu-chinh/")
    return context, page


def test_scan_and_confirm_on_a_phone(live_server, transactional_db, browser, courier_world,
                                     transferred):
    w = courier_world
    kept = transferred(at(2, 8, 0))
    lost = transferred(at(2, 8, 20))
    batch = services.run_create(actor=None, center=w.center, at=at(2, 9)).batches[0]
    url = f"{live_server.url}/can-bo/buu-chinh/lo/{batch.token}/"

    context, page = phone_login(browser, live_server.url, w.courier.username)
    page.goto(f"{url}?ma={kept.code}")  # what scanning the dossier's QR code opens
    expect(page.locator(".notice.success")).to_contain_text("thuộc lô này")
    confirm = page.get_by_role("button", name="Xác nhận đã lấy lô")
    box = confirm.bounding_box()
    assert box is not None and box["width"] > 300  # a thumb-sized button on the phone
    confirm.click()
    expect(page.get_by_text("Đã xác nhận nhận lô")).to_be_visible()
    expect(page.get_by_role("button", name="Xác nhận đã lấy lô")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()

    context, page = phone_login(browser, live_server.url, w.specialist.username)
    page.goto(url)
    page.get_by_label(lost.code).uncheck()
    page.get_by_role("button", name="Xác nhận đã nhận").click()
    expect(page.locator("dd.late")).to_contain_text(lost.code)
    context.close()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PARTIAL
