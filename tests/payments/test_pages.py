"""What is owed, shown at intake (the procedure's fees) and on the staff dossier page."""

from __future__ import annotations

import pytest

from motcua.catalog.models import Fee
from motcua.dossiers import services
from motcua.payments import selectors
from tests.factories import publish_version, published_procedure
from tests.workspace.conftest import APPLICANT, documents_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_version(world):
    version = published_procedure(agency=world.agency, receiving_units=[world.center],
                                  time_value=5, name="Cấp giấy phép kinh doanh", publish=False)
    Fee.objects.create(version=version, name="Lệ phí cấp giấy", amount=100000)
    Fee.objects.create(version=version, name="Phí thẩm định", amount=50000)
    Fee.objects.create(version=version, name="Phí theo diện tích", amount=None)
    return publish_version(version)


def test_intake_shows_the_fees_and_their_total(client, world, feed_version):
    client.force_login(world.receptionist)
    html = client.get("/can-bo/tiep-nhan/giay-to/",
                      {"procedure": feed_version.pk}).content.decode()
    assert 'id="intake-fees"' in html
    assert "Lệ phí cấp giấy" in html and "Phí thẩm định" in html
    assert "150.000 đồng" in html


def test_dossier_owes_the_fixed_fees_and_the_page_shows_them(client, world, feed_version):
    dossier = services.dossier_receive(
        actor=world.receptionist, procedure_version=feed_version, receiving_unit=world.center,
        applicant=APPLICANT, documents=documents_for(feed_version))
    assert selectors.amount_due(dossier) == 150000
    assert [f.amount for f in selectors.fee_lines(dossier)] == [100000, 50000, None]
    client.force_login(world.receptionist)
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'id="fees"' in html and "150.000" in html
    assert f"/thanh-toan/quay/{dossier.code}/" in html


def test_no_fee_card_for_a_free_procedure(client, world, bring):
    dossier = bring("received")
    client.force_login(world.receptionist)
    assert 'id="fees"' not in client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()


def test_pay_link_is_signed_per_dossier(client, world, bring):
    from motcua.payments import links

    a, b = bring("awaiting_payment"), bring("awaiting_payment")
    assert client.get(links.pay_path(a)).status_code == 200
    forged = f"/thanh-toan/{b.code}/?t={links.pay_token(a)}"
    assert client.get(forged).status_code == 404
    assert client.get(f"/thanh-toan/{a.code}/").status_code == 404
    assert links.pay_url(a).startswith("http")


def test_pay_page_with_nothing_due_refuses_to_start(client, world, bring):
    from motcua.payments import links

    dossier = bring("received")  # free procedure: nothing owed
    path = links.pay_path(dossier)
    assert 'id="paid-all"' in client.get(path).content.decode()
    response = client.post(path.split("?")[0], {"t": links.pay_token(dossier)})
    assert response.status_code == 409
    assert "không còn khoản phí" in response.content.decode()


def test_pay_page_in_english_receipt_stays_vietnamese(client, world, bring):
    from motcua.payments import links
    from motcua.payments.services import counter_payment_record
    from motcua.payments.views import _receipt_html

    dossier = bring("awaiting_payment")
    client.cookies["django_language"] = "en"
    html = client.get(links.pay_path(dossier), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pay with VNPAY" in html and "Still due" in html
    receipt = counter_payment_record(actor=world.receptionist, dossier=dossier, method="cash",
                                     amount=500000)
    from django.utils import translation

    with translation.override("en"):
        document = _receipt_html({"r": receipt, "d": dossier, "method_label": "Tiền mặt",
                                  "qr": {"url": "x", "svg": "", "data_uri": ""}})
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in document
