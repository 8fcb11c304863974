"""The floor end to end in a real browser: book the last place of a slot on /dat-lich/, check
in at the kiosk, be called from the counter (the display shows it, its speech file exists),
be served, rate the service on the counter's tablet, see the rating on the dashboard."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
import time_machine
from playwright.sync_api import expect

from motcua.floor.capacity import slots_for_day
from motcua.floor.models import Booking, Rating, Slot
from motcua.org.models import Role
from tests.browser import BROWSER
from tests.factories import staff, vn

pytestmark = BROWSER
SHOTS = os.environ.get("MOTCUA_SCREENSHOTS", "/tmp")
PASSWORD = "matkhau-thu-nghiem"
START = vn(2027, 3, 1, 8, 0)  # a Monday; the 08:30 slot can be checked in from 07:30


def new_page(browser, width=1280, height=900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    context.set_default_timeout(30_000)
    return context, context.new_page()


def sign_in(browser, base, username):
    context, page = new_page(browser)
    page.goto(base + "/dang-nhap/?next=/can-bo/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/can-bo/")
    return context, page


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_book_check_in_call_serve_rate(live_server, transactional_db, browser, settings,
                                       tmp_path, request):
    from motcua.org.models import Counter
    from tests.factories import CenterFactory
    from tests.floor.conftest import make_service

    settings.MOTCUA_FLOOR_SPEECH_DIR = tmp_path / "speech"
    with time_machine.travel(START, tick=True):
        center = CenterFactory(code="000.00.99.H15", name="Trung tâm Phục vụ hành chính công tỉnh")
        counter = Counter.objects.create(center=center, number=5, name="Căn cước")
        service = make_service(center, counters=[counter], places=2)
        staff(Role.RECEPTIONIST, center, username="quay5", counter=counter)
        staff(Role.CENTER_MANAGER, center, username="giamdoc")
        slot = slots_for_day(service, dt.date(2027, 3, 1))[2]  # 08:30–09:00
        Slot.objects.filter(pk=slot.pk).update(booked=1)  # one place left
        base = live_server.url

        # 1. Book the last place.
        ctx_c, page = new_page(browser)
        page.goto(f"{base}/dat-lich/?unit={center.code}")
        page.select_option("select[name=service]", "CANCUOC")
        page.fill("input[name=date]", "2027-03-01")
        page.click("#choose button[type=submit]")
        page.check(f"input[name=slot][value='{slot.pk}']")
        page.fill("input[name=name]", "Nguyễn Thị Hẹn")
        page.fill("input[name=phone]", "0905123456")
        page.screenshot(path=f"{SHOTS}/floor-book.png", full_page=True)
        page.click("#book-submit")
        expect(page.locator("#booking-code")).to_be_visible()
        page.screenshot(path=f"{SHOTS}/floor-confirmation.png", full_page=True)
        code = page.inner_text("#booking-code").strip()
        assert Booking.objects.get().code == code
        slot.refresh_from_db()
        assert slot.booked == slot.capacity
        # The slot now shows as full to the next visitor.
        page.goto(f"{base}/dat-lich/?unit={center.code}&service=CANCUOC&date=2027-03-01")
        expect(page.locator(f"input[name=slot][value='{slot.pk}']")).to_be_disabled()

        # 2. The waiting-room display is on before anyone is called.
        ctx_d, screen = new_page(browser, 1920, 1080)
        screen.goto(f"{base}/man-hinh/{center.code}/")
        expect(screen.locator("body.live")).to_have_count(1)

        # 3. Check in at the kiosk with the booking code.
        ctx_k, kiosk = new_page(browser, 1080, 1920)
        kiosk.goto(f"{base}/kiosk/{center.code}/")
        kiosk.screenshot(path=f"{SHOTS}/floor-kiosk.png")
        kiosk.fill("#checkin-code", code)
        kiosk.click("#checkin-submit")
        expect(kiosk.locator("#ticket-number")).to_have_text("1001")
        kiosk.screenshot(path=f"{SHOTS}/floor-ticket.png")

        # 4. The officer at counter 5 calls the next ticket: the display shows it.
        ctx_o, officer = sign_in(browser, base, "quay5")
        officer.goto(f"{base}/can-bo/quay/")
        officer.click("#btn-next")
        expect(officer.locator("#current-number")).to_have_text("1001")
        expect(screen.locator("#latest-number")).to_have_text("1001", timeout=5_000)
        expect(screen.locator("#latest-counter")).to_have_text("5")
        expect(screen.locator("#calls tr")).to_have_count(1)
        screen.screenshot(path=f"{SHOTS}/floor-display.png")
        audio = screen.locator("body").get_attribute("data-audio")
        answer = screen.request.get(base + audio)
        assert answer.status == 200 and answer.body()[:4] == b"RIFF"
        assert any((tmp_path / "speech").glob("*.wav"))
        # Intake from the called ticket is prefilled from the booking.
        officer.click("#btn-intake")
        expect(officer.locator("input[name=name]")).to_have_value("Nguyễn Thị Hẹn")
        expect(officer.locator("input[name=phone]")).to_have_value("0905123456")
        officer.go_back()
        officer.click("#btn-served")
        expect(officer.locator("#btn-next")).to_be_visible()

        # 5. The citizen rates the service on the counter's tablet.
        ctx_t, tablet = new_page(browser, 1024, 768)
        tablet.goto(f"{base}/danh-gia/{counter.pk}/")
        tablet.screenshot(path=f"{SHOTS}/floor-rate.png")
        tablet.click("button[data-level='2']")
        expect(tablet.locator("#rate-thanks")).to_be_visible()
        rating = Rating.objects.get()
        assert rating.level == 2 and rating.counter == counter and rating.ticket.number == 1001

        # 6. The dashboard shows the rating.
        ctx_m, manager = sign_in(browser, base, "giamdoc")
        manager.goto(f"{base}/bao-cao/")
        expect(manager.locator("#kpi-satisfaction")).to_contain_text("100")
        expect(manager.locator("#kpi-satisfaction")).to_contain_text("1 rất hài lòng")
        for ctx in (ctx_c, ctx_d, ctx_k, ctx_o, ctx_t, ctx_m):
            ctx.close()
