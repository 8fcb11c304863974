"""The refusal path in a real browser (issue 10): the agency leader refuses ("Từ chối giải
quyết") with a reason, the dossier returns to the one-stop desk, the receptionist prints the
refusal notice and hands it to the citizen, and the citizen's lookup page says "Từ chối giải
quyết" with the reason and no promised date. Also: the live ID check re-runs when the birth date
or the gender changes."""

from __future__ import annotations

import time_machine
from playwright.sync_api import expect

from tests.browser import BROWSER
from tests.factories import vn
from tests.workspace.test_browser import act, signed_in

pytestmark = BROWSER

PASSWORD = "matkhau-thu-nghiem"
REASON = "Công trình nằm trong hành lang bảo vệ đường bộ."
START = vn(2027, 3, 1, 8, 30)  # a Monday in the future of any real clock here


def test_refusal_from_the_leader_to_the_citizens_lookup(live_server, transactional_db, browser,
                                                        world, bring):
    from motcua.dossiers.models import Dossier, NoticeDelivery

    with time_machine.travel(START, tick=True):
        dossier = bring("appraising")
        base = live_server.url

        # 1. The agency leader refuses, with the reason.
        ctx_l, page = signed_in(browser, base, "lanhdao", PASSWORD)
        page.goto(f"{base}/can-bo/ho-so/{dossier.code}/")
        act(page, "refuse", lambda p: p.fill("#action-refuse textarea", REASON))
        assert page.inner_text("#status").strip() == "Từ chối giải quyết"
        # The refusal notice is offered for printing at once.
        assert "Thông báo từ chối giải quyết hồ sơ" in page.inner_text("#print-now")
        ctx_l.close()

        # 2. Back at the one-stop desk: a tile and an action are waiting.
        ctx_r, page = signed_in(browser, base, "tiepnhan", PASSWORD)
        assert page.inner_text("#tile-notices .count").strip() == "1"
        page.click("#tile-notices")
        page.click(f"text={dossier.code}")
        page.wait_for_selector("#action-hand_over_notice")
        notice = page.locator("#print a", has_text="Thông báo từ chối giải quyết hồ sơ")
        with page.expect_popup() as popup:
            notice.click()
        printed = popup.value
        printed.wait_for_load_state()
        assert REASON in printed.content()
        printed.close()

        # 3. Handed over by post, with the waybill number.
        def post(p):
            p.select_option("#id_hand_over_notice-how", "post")
            p.fill("#id_hand_over_notice-reference", "EB123456789VN")

        act(page, "hand_over_notice", post)
        assert "Trao thông báo cho công dân" in page.inner_text("#action-done")
        assert page.locator("#action-hand_over_notice").count() == 0
        ctx_r.close()

        # 4. The citizen scans the receipt's code.
        context = browser.new_context(locale="vi-VN")
        citizen = context.new_page()
        citizen.goto(f"{base}/tra-cuu/{dossier.code}/")
        assert citizen.inner_text("#lookup-status").strip() == "Từ chối giải quyết"
        assert citizen.inner_text("#lookup-reason").strip() == REASON
        body = citizen.inner_text("main")
        assert "Hẹn trả kết quả" not in body
        assert "Đã trao lúc" in body
        context.close()
    assert NoticeDelivery.objects.get(dossier=dossier).reference == "EB123456789VN"
    assert Dossier.objects.get(pk=dossier.pk).status == "refused_after_appraisal"


def test_live_id_check_follows_birth_date_and_gender(live_server, transactional_db, browser,
                                                     world):
    with time_machine.travel(START, tick=True):
        ctx, page = signed_in(browser, live_server.url, "tiepnhan", PASSWORD)
        page.goto(f"{live_server.url}/can-bo/tiep-nhan/")
        # 066 (Đắk Lắk), 0 = male born 19xx, 90 = 1990.
        page.fill("#id_id_number", "066090001234")
        page.fill("#id_birth_date", "04/05/1990")
        page.select_option("#id_gender", "male")
        page.locator("#id_id_number").dispatch_event("change")
        expect(page.locator("#check-id_number")).to_contain_text("Hợp lệ")
        page.select_option("#id_gender", "female")
        expect(page.locator("#check-id_number")).to_contain_text("giới tính")
        page.select_option("#id_gender", "male")
        expect(page.locator("#check-id_number")).to_contain_text("Hợp lệ")
        page.fill("#id_birth_date", "04/05/1991")
        page.locator("#id_birth_date").dispatch_event("change")
        expect(page.locator("#check-id_number")).to_contain_text("năm sinh")
        ctx.close()
