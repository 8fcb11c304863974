"""The courier pages (phone), the batch confirmation opened by scanning, the hand-over PDF, the
dossier page's paper trail, home delivery forms, and the public verification page."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.courier import services
from motcua.courier.models import BatchStatus, HomeDelivery
from tests.courier.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(courier_world, transferred):
    transferred(at(2, 8, 0))
    transferred(at(2, 8, 20))
    return services.run_create(actor=None, center=courier_world.center, at=at(2, 9)).batches[0]


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_courier_day_lists_the_batches(courier_world, batch):
    with time_machine.travel(at(2, 9, 5), tick=False):
        page = client_for(courier_world.courier).get("/can-bo/buu-chinh/")
    text = page.content.decode()
    assert page.status_code == 200 and batch.number in text and "Lô cần lấy" in text


def test_scan_confirm_twice_and_partial(courier_world, batch):
    w = courier_world
    url = f"/can-bo/buu-chinh/lo/{batch.token}/"
    lines = list(batch.lines.select_related("dossier"))
    kept, lost = (ln.dossier.code for ln in lines)
    courier = client_for(w.courier)
    assert "thuộc lô này" in courier.get(url, {"ma": kept}).content.decode()
    assert "không thuộc lô này" in courier.get(url, {"ma": "XYZ"}).content.decode()
    page = courier.post(url, {"op": "collect"})
    assert page.status_code == 200 and "Đã xác nhận nhận lô" in page.content.decode()
    again = courier.post(url, {"op": "collect"})
    assert again.status_code == 409 and "không ghi nhận lại" in again.content.decode()
    officer = client_for(w.specialist)
    page = officer.post(url, {"op": "receive", "received": [kept]})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PARTIAL and lost in page.content.decode()
    dossier_page = client_for(w.receptionist).get(f"/can-bo/ho-so/{lost}/").content.decode()
    assert "Thất lạc khi giao nhận" in dossier_page and batch.number in dossier_page


def test_a_stranger_code_is_refused_on_the_page(courier_world, batch):
    w = courier_world
    url = f"/can-bo/buu-chinh/lo/{batch.token}/"
    client_for(w.courier).post(url, {"op": "collect"})
    page = client_for(w.specialist).post(url, {"op": "receive", "received": ["KHONG-CO"]})
    assert page.status_code == 400 and "không thuộc lô" in page.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COLLECTED


def test_hand_over_record_pdf(courier_world, batch):
    response = client_for(courier_world.courier).get(
        f"/can-bo/buu-chinh/lo/{batch.token}/bien-ban.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_delivery_without_address_shows_the_message(courier_world, bring):
    w = courier_world
    dossier = bring("result_ready")
    client = client_for(w.receptionist)
    response = client.post(f"/can-bo/ho-so/{dossier.code}/chuyen-phat/",
                           {"op": "create", "address": ""})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Cần địa chỉ nhận kết quả" in page and not HomeDelivery.objects.exists()
    client.post(f"/can-bo/ho-so/{dossier.code}/chuyen-phat/",
                {"op": "create", "address": "45 Y Jút"})
    delivery = HomeDelivery.objects.get()
    client.post(f"/can-bo/ho-so/{dossier.code}/chuyen-phat/",
                {"op": "hand_off", "delivery": delivery.pk, "courier": w.courier.pk,
                 "tracking_number": "EA1VN"})
    client_for(w.courier).post(f"/can-bo/ho-so/{dossier.code}/chuyen-phat/",
                               {"op": "delivered", "delivery": delivery.pk,
                                "recipient_name": "Nguyễn Văn An"})
    dossier.refresh_from_db()
    assert dossier.status == "returned" and dossier.returned_how == "post"


def test_public_verification_page(settings, ca_dir, signed_pdf):
    signed = signed_pdf
    settings.MOTCUA_SIGNING_DIR = str(ca_dir)
    client = Client()
    ok = client.post("/xac-thuc-ket-qua/", {"file": SimpleUploadedFile("kq.pdf", signed)})
    assert ok.status_code == 200 and "Chữ ký số hợp lệ" in ok.content.decode()
    assert "Trần Văn Bình" in ok.content.decode()
    altered = signed.replace(b"/Producer", b"/Producex", 1)
    bad = client.post("/xac-thuc-ket-qua/", {"file": SimpleUploadedFile("kq.pdf", altered)})
    assert "Không xác thực được" in bad.content.decode()
    png = client.post("/xac-thuc-ket-qua/",
                      {"file": SimpleUploadedFile("a.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20)})
    assert png.status_code == 400 and "Chỉ nhận tệp PDF" in png.content.decode()
    assert client.post("/xac-thuc-ket-qua/", {}).status_code == 400


def test_certify_copy_page(courier_world, settings, ca_dir, plain_pdf, tmp_path):
    import shutil

    from motcua.signing.certificates import DevelopmentCA
    from motcua.signing.verify import verify_pdf

    w = courier_world
    ca_dir = shutil.copytree(ca_dir, tmp_path / "signing")  # the session's CA stays as it was
    settings.MOTCUA_SIGNING_DIR = str(ca_dir)
    settings.MOTCUA_SIGNATURE_BACKEND = "motcua.signing.contrib.pades.PadesBackend"
    assert client_for(w.courier).get("/can-bo/chung-thuc-ban-sao/").status_code == 403
    ca = DevelopmentCA.load(ca_dir)
    ca.issue_to(ca_dir, "units", w.center.code, w.center.name, organisation=w.center.name,
                unit_code=w.center.code)
    response = client_for(w.receptionist).post(
        "/can-bo/chung-thuc-ban-sao/", {"file": SimpleUploadedFile("scan.pdf", plain_pdf)})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    report = verify_pdf(response.content, trust_roots=[(ca_dir / "ca.pem").read_bytes()])
    assert report.valid and report.signatures[0].unit_code == w.center.code
    refused = client_for(w.receptionist).post(
        "/can-bo/chung-thuc-ban-sao/", {"file": SimpleUploadedFile("x.pdf", b"GIF89a....")})
    assert refused.status_code == 400 and "Chỉ nhận tệp PDF" in refused.content.decode()
