"""Done when (issue 13), in a real browser: a citizen signs in through the development
identity provider, submits a dossier with uploads from the procedure page, the receptionist
asks for a supplement before accepting it (pre-receipt, NĐ 297/2025), the citizen uploads it,
the receptionist accepts, the citizen sees the due date and later downloads the result; a
second citizen cannot open the dossier."""

from __future__ import annotations

import os

import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import BROWSER
from tests.citizens.conftest import PASSWORD, PDF, PNG
from tests.factories import vn
from tests.workspace.test_browser import act, signed_in

pytestmark = BROWSER
SHOTS = os.environ.get("MOTCUA_SCREENSHOTS", "/tmp")
START = vn(2027, 3, 1, 8, 30)  # a Monday in the future of any real clock here


def citizen_context(browser, *, phone: bool = True):
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=size, locale="vi-VN")
    context.set_default_timeout(30_000)
    return context, context.new_page()


def idp_sign_in(page, username: str) -> None:
    page.wait_for_url("**/idp-dev/dang-nhap/**")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#idp-login button[type=submit]")


def upload(page, files: list[tuple[str, str, bytes]]) -> None:
    page.set_input_files("#files", [{"name": n, "mimeType": t, "buffer": b} for n, t, b in files])
    page.click("#upload")


def test_online_dossier_from_sign_in_to_result(live_server, transactional_db, browser, portal,
                                              tmp_path):
    from motcua.dossiers import services
    from motcua.dossiers.models import Dossier

    base = live_server.url
    with time_machine.travel(START, tick=True):
        # 1. The citizen, on a phone, applies from the procedure page.
        ctx_c, page = citizen_context(browser)
        page.goto(f"{base}/thu-tuc/{portal.version.procedure.code}/")
        page.click("#apply-online")
        idp_sign_in(page, "congdan1")
        page.wait_for_url("**/nop-truc-tuyen/")
        page.click("#start")
        expect(page.locator("#applicant-name")).to_have_text("Nguyễn Văn An")
        expect(page.locator("#verified")).to_be_visible()
        page.screenshot(path=f"{SHOTS}/citizen-applicant-phone.png", full_page=True)
        page.click("#continue")
        page.fill("#request_summary", "Cấp giấy phép xây dựng nhà ở tại thửa đất số 12.")
        page.click("#continue")
        expect(page.locator("#doc-name")).to_have_text("Đơn đề nghị cấp giấy phép")
        upload(page, [("don-trang-1.pdf", "application/pdf", PDF),
                      ("don-trang-2.png", "image/png", PNG)])
        expect(page.locator("#files li")).to_have_count(2)
        page.screenshot(path=f"{SHOTS}/citizen-upload-phone.png", full_page=True)
        page.click("#continue")
        expect(page.locator("#doc-name")).to_have_text("Bản vẽ thiết kế")
        upload(page, [("ban-ve.pdf", "application/pdf", PDF)])
        expect(page.locator("#files li")).to_have_count(1)
        page.click("#continue")
        expect(page.locator("#doc-name")).to_have_text("Giấy ủy quyền")  # optional: skipped
        page.click("#continue")
        page.check("#method-online")
        page.click("#continue")
        expect(page.locator("#missing")).to_have_count(0)
        page.screenshot(path=f"{SHOTS}/citizen-review-phone.png", full_page=True)
        page.click("#submit")
        page.wait_for_url("**/ho-so-cua-toi/**")
        expect(page.locator("#status")).to_have_text("Mới đăng ký")
        code = page.inner_text("#code").strip()
        dossier = Dossier.objects.get(code=code)
        assert dossier.national_status == 1 and dossier.vneid_verified
        assert dossier.channel == 2

        # 2. The receptionist finds it in the online queue, views the files and, before
        # accepting it, asks for a supplement (pre-receipt: no clock runs yet).
        ctx_r, desk = signed_in(browser, base, "tiepnhan", PASSWORD)
        expect(desk.locator("#tile-submitted .count")).to_have_text("1")
        expect(desk.locator("#tile-submitted")).to_contain_text("Hồ sơ trực tuyến chờ tiếp nhận")
        desk.click("#tile-submitted")
        desk.click(f"text={code}")
        expect(desk.locator("#citizen-files li")).to_have_count(3)
        expect(desk.locator("#file-viewer")).to_be_visible()
        desk.screenshot(path=f"{SHOTS}/desk-online-dossier.png", full_page=True)
        act(desk, "request_supplement_at_reception",
            lambda p: p.fill("#action-request_supplement_at_reception textarea >> nth=0",
                             "Bản vẽ mặt bằng tầng 2 có chữ ký của người thiết kế."))
        expect(desk.locator("#status")).to_have_text("Yêu cầu bổ sung trước khi tiếp nhận")
        dossier.refresh_from_db()
        assert dossier.national_status == 1 and dossier.due_at is None

        # 3. The citizen sees what is asked and uploads it: back to the online queue.
        page.reload()
        expect(page.locator("#status")).to_have_text("Yêu cầu bổ sung trước khi tiếp nhận")
        expect(page.locator("#supplement-items")).to_contain_text("Bản vẽ mặt bằng tầng 2")
        page.screenshot(path=f"{SHOTS}/citizen-supplement-phone.png", full_page=True)
        page.set_input_files("#files", [{"name": "mat-bang.pdf", "mimeType": "application/pdf",
                                         "buffer": PDF}])
        page.click("#send-supplement")
        expect(page.locator(".messages")).to_contain_text("Đã gửi tệp bổ sung")
        expect(page.locator("#status")).to_have_text("Mới đăng ký")

        # 4. The receptionist sees the supplement and accepts the dossier: the clock starts.
        desk.reload()
        expect(desk.locator("#citizen-files li")).to_have_count(4)
        expect(desk.locator("#action-request_supplement_at_reception")).to_have_count(0)
        act(desk, "receive")
        expect(desk.locator("#status")).to_have_text("Đã tiếp nhận")
        ctx_r.close()

        # 5. The citizen sees the due date.
        dossier.refresh_from_db()
        page.reload()
        expect(page.locator("#due")).to_have_text(
            timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y"))
        page.screenshot(path=f"{SHOTS}/citizen-dossier-phone.png", full_page=True)

        # 6. Later: the agency decides and the result comes back; the citizen downloads it.
        for action, actor, params in [
            ("transfer", portal.receptionist, {}),
            ("assign", portal.leader, {"assignee": portal.specialist}),
            ("start_appraisal", portal.specialist, {}),
            ("submit_for_approval", portal.specialist, {}),
            ("approve", portal.leader, {"result_content": PDF}),
            ("issue", portal.leader, {}),
            ("receive_result", portal.receptionist, {}),
        ]:
            services.dossier_act(actor=actor, dossier=dossier, action=action, **params)
            dossier.refresh_from_db()
        page.reload()
        with page.expect_download() as download:
            page.click("#result-download")
        path = tmp_path / "ket-qua.pdf"
        download.value.save_as(path)
        assert path.read_bytes().startswith(b"%PDF")
        # The result and the accepted documents are now in the citizen's document store.
        page.goto(f"{base}/ho-so-cua-toi/")
        expect(page.locator("#store li")).to_have_count(5)
        ctx_c.close()

        # 7. Another citizen cannot open it.
        ctx_b, other = citizen_context(browser, phone=False)
        other.goto(f"{base}/ho-so-cua-toi/")
        idp_sign_in(other, "congdan2")
        other.wait_for_url("**/ho-so-cua-toi/")
        answer = other.goto(f"{base}/ho-so-cua-toi/{code}/")
        assert answer.status == 404
        answer = other.goto(f"{base}/ho-so-cua-toi/{code}/ket-qua/")
        assert answer.status == 404
        ctx_b.close()
