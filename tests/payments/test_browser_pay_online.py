"""Done-when path of issue 14 in a real browser: the citizen opens the signed payment link of a
dossier paused for its financial obligation, pays through the sandbox gateway (which calls the
IPN server-to-server over HTTP), comes back to the return page, and the dossier has resumed."""

from __future__ import annotations

import os

import time_machine
from playwright.sync_api import expect

from tests.browser import BROWSER
from tests.factories import vn

pytestmark = BROWSER
SHOTS = os.environ.get("MOTCUA_SCREENSHOTS", "/tmp")
START = vn(2027, 3, 1, 8, 30)  # a Monday in the future of any real clock here


def test_citizen_pays_online_and_the_paused_dossier_resumes(live_server, transactional_db,
                                                            browser, world, bring):
    from motcua.dossiers.states import Status
    from motcua.payments import links
    from motcua.payments.models import Payment, PaymentStatus

    with time_machine.travel(START, tick=True):
        dossier = bring("awaiting_payment")
        assert dossier.status == Status.AWAITING_PAYMENT
        base = live_server.url
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
        context.set_default_timeout(30_000)
        page = context.new_page()

        page.goto(base + links.pay_path(dossier))
        expect(page.locator("#due")).to_have_text("500.000")
        page.screenshot(path=f"{SHOTS}/payments-pay-phone.png", full_page=True)
        page.click("#pay-vnpay")

        # The sandbox gateway shows the server's amount.
        expect(page.locator("#sandbox-amount")).to_have_text("500.000")
        assert "/thanh-toan/sandbox/vnpay/" in page.url
        page.screenshot(path=f"{SHOTS}/payments-sandbox-phone.png", full_page=True)
        page.click("#sandbox-success")

        expect(page.locator("#outcome")).to_contain_text("Đã thanh toán")
        page.screenshot(path=f"{SHOTS}/payments-return-phone.png", full_page=True)
        payment = Payment.objects.get(dossier=dossier)
        assert payment.status == PaymentStatus.CONFIRMED
        dossier.refresh_from_db()
        assert dossier.status == Status.APPRAISING
        assert dossier.paid_online

        # Back on the payment page: nothing left to pay.
        page.goto(base + links.pay_path(dossier))
        expect(page.locator("#paid-all")).to_be_visible()
        expect(page.locator("#dossier-status")).to_have_text("Đang thẩm định")
        context.close()


def test_citizen_cancels_at_the_gateway_and_the_dossier_stays_paused(live_server,
                                                                     transactional_db, browser,
                                                                     world, bring):
    from motcua.dossiers.states import Status
    from motcua.payments import links
    from motcua.payments.models import Payment, PaymentStatus

    with time_machine.travel(START, tick=True):
        dossier = bring("awaiting_payment")
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(live_server.url + links.pay_path(dossier))
        page.screenshot(path=f"{SHOTS}/payments-pay-desktop.png", full_page=True)
        page.click("#pay-vnpay")
        page.click("#sandbox-failure")
        expect(page.locator("#outcome")).to_contain_text("không thành công")
        assert Payment.objects.get(dossier=dossier).status == PaymentStatus.FAILED
        dossier.refresh_from_db()
        assert dossier.status == Status.AWAITING_PAYMENT
        context.close()
