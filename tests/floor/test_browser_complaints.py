"""A specialist answers a complaint in a real browser: the list with its deadline, the
complaint, the answer with the publish choice; the public page shows the published answer.
Screenshots of the staff page at desktop and phone width."""

from __future__ import annotations

import os

import time_machine
from playwright.sync_api import expect

from motcua.floor import feedback
from motcua.floor.models import Complaint
from motcua.org.models import Role
from tests.browser import BROWSER
from tests.factories import CenterFactory, staff, vn

pytestmark = BROWSER
SHOTS = os.environ.get("MOTCUA_SCREENSHOTS", "/tmp")
PASSWORD = "matkhau-thu-nghiem"
START = vn(2027, 3, 1, 8, 0)


def test_specialist_answers_and_publishes(live_server, transactional_db, browser):
    with time_machine.travel(START, tick=True):
        center = CenterFactory(code="000.00.99.H15")
        specialist = staff(Role.SPECIALIST, center, username="cv-phananh")
        specialist.set_password(PASSWORD)
        specialist.save()
        complaint = feedback.complaint_submit(
            actor=None, unit=center, name="Phạm Văn C", contact="0900000000",
            subject="Xếp hàng chờ làm căn cước từ 5 giờ sáng",
            text="Quầy căn cước chỉ có một cán bộ, người dân phải chờ rất lâu.",
            allow_publish=True)
        feedback.complaint_submit(actor=None, unit=center, name="Lê Thị D",
                                  contact="le.d@example.vn", subject="Thái độ phục vụ",
                                  text="Đề nghị hướng dẫn rõ hơn.")
        base = live_server.url
        for width, height, name in ((1280, 900, "desktop"), (390, 844, "phone")):
            context = browser.new_context(viewport={"width": width, "height": height},
                                          locale="vi-VN")
            context.set_default_timeout(30_000)
            page = context.new_page()
            page.goto(base + "/dang-nhap/?next=/can-bo/phan-anh/")
            page.fill("input[name=username]", "cv-phananh")
            page.fill("input[name=password]", PASSWORD)
            page.click("form.card button[type=submit]")
            page.wait_for_url("**/can-bo/phan-anh/")
            expect(page.locator("#complaints")).to_contain_text(complaint.code)
            expect(page.locator("#complaints")).to_contain_text("22/03/2027")
            page.screenshot(path=f"{SHOTS}/complaints-list-{name}.png", full_page=True)
            if name == "phone":
                page.goto(f"{base}/can-bo/phan-anh/{complaint.code}/")
                page.screenshot(path=f"{SHOTS}/complaint-answered-{name}.png", full_page=True)
                context.close()
                break
            page.click(f"text={complaint.code}")
            page.fill("#answer", "Trung tâm đã bố trí thêm một quầy căn cước từ ngày 08/3.")
            page.check("#publish")
            page.screenshot(path=f"{SHOTS}/complaint-form-{name}.png", full_page=True)
            page.click("#btn-answer")
            expect(page.locator("#complaint-answer")).to_contain_text("bố trí thêm một quầy")
            context.close()
        complaint.refresh_from_db()
        assert complaint.status == "answered" and complaint.published
        assert Complaint.objects.filter(status="received").count() == 1
        public = browser.new_page()
        public.goto(base + "/phan-anh/")
        expect(public.locator("main")).to_contain_text("bố trí thêm một quầy")
        public.close()
