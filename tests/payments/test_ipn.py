"""The IPN (/thanh-toan/vnpay/ipn/): every answer code of the protocol, nothing changed twice,
each call in the audit trail; the paused dossier resumes on 00."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.audit.models import AuditEvent
from motcua.dossiers.states import Status
from motcua.payments import selectors
from motcua.payments.models import Payment, PaymentStatus, Receipt
from motcua.payments.providers import default_provider
from motcua.payments.services import payment_start
from tests.payments.conftest import AMOUNT
from tests.payments.helpers import ipn_params, order_of

IPN = "/thanh-toan/vnpay/ipn/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def started(paused):
    payment, url = payment_start(dossier=paused, provider=default_provider(),
                                 return_url="http://testserver/thanh-toan/vnpay/tra-ve/")
    return payment, order_of(url)


def call(client, params):
    response = client.get(IPN, params)
    assert response.status_code == 200
    return response.json()


def ipn_events():
    return list(AuditEvent.objects.filter(event_type="payment.ipn").order_by("gseq"))


def test_00_confirms_the_payment_and_resumes_the_dossier(client, started, paused):
    payment, order = started
    assert payment.amount == AMOUNT
    assert order["vnp_Amount"] == str(AMOUNT * 100)
    assert call(client, ipn_params(order)) == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    paused.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert paused.status == Status.APPRAISING  # the pause ended, back where it was
    assert paused.paid_online
    assert not paused.pauses.filter(ended_at__isnull=True).exists()
    assert selectors.amount_due(paused) == 0
    assert Receipt.objects.filter(payment=payment).count() == 1
    assert [e.data["answer"] for e in ipn_events()] == ["00"]
    assert paused.status_changes.filter(action="confirm_payment").count() == 1


def test_00_for_a_failed_payment_records_the_failure(client, started, paused):
    payment, order = started
    assert call(client, ipn_params(order, succeeded=False))["RspCode"] == "00"
    payment.refresh_from_db()
    paused.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert paused.status == Status.AWAITING_PAYMENT
    assert not Receipt.objects.exists()


def test_02_replay_changes_nothing(client, started, paused):
    _payment, order = started
    params = ipn_params(order)
    assert call(client, params)["RspCode"] == "00"
    assert call(client, params) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert Receipt.objects.count() == 1
    assert paused.status_changes.filter(action="confirm_payment").count() == 1
    assert [e.data["answer"] for e in ipn_events()] == ["00", "02"]


def test_02_reads_the_dossier_once(client, started, paused):
    """A gateway's retry (the duplicate path): the dossier is read once, by its lock; the audit
    event's chain (the dossier's code) comes with the locked payment."""
    _payment, order = started
    params = ipn_params(order)
    assert call(client, params)["RspCode"] == "00"
    with CaptureQueriesContext(connection) as queries:
        assert call(client, params)["RspCode"] == "02"
    reads = [q["sql"] for q in queries if 'FROM "dossiers_dossier"' in q["sql"]]
    assert len(reads) == 1, reads
    event = ipn_events()[-1]
    assert event.data["answer"] == "02" and event.dossier_id == paused.pk
    assert event.chain == paused.code


def test_02_for_a_cancelled_payment(client, started):
    payment, order = started
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.CANCELLED)
    assert call(client, ipn_params(order))["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED


def test_01_unknown_order(client, started):
    _payment, order = started
    assert call(client, ipn_params(order, vnp_TxnRef="999")) == {
        "RspCode": "01", "Message": "Order not found"}
    assert ipn_events()[-1].data["answer"] == "01"


def test_04_changed_amount_signed_correctly(client, started, paused):
    payment, order = started
    params = ipn_params(order, vnp_Amount=str((AMOUNT - 1000) * 100))
    assert call(client, params) == {"RspCode": "04", "Message": "Invalid amount"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_97_wrong_signature(client, started, paused):
    payment, order = started
    params = ipn_params(order)
    params["vnp_Amount"] = "100"  # changed after signing
    assert call(client, params) == {"RspCode": "97", "Message": "Invalid signature"}
    params = ipn_params(order)
    params["vnp_SecureHash"] = "0" * 128
    assert call(client, params)["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert [e.data["answer"] for e in ipn_events()] == ["97", "97"]


def test_99_other_error(client, started, monkeypatch):
    payment, order = started
    from motcua.payments import services

    def boom(*a, **kw):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "_issue_receipt", boom)
    assert call(client, ipn_params(order)) == {"RspCode": "99", "Message": "Unknown error"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING  # rolled back: the gateway retries
    assert ipn_events()[-1].data["answer"] == "99"


def test_00_stands_when_the_dossier_cannot_resume(client, started, paused):
    """Paid, but the dossier's open pause is gone (data changed behind the state table): the
    payment is confirmed with its receipt, the refusal is in the audit trail, and a replay is
    02, not a 99 the gateway would retry for ever."""
    payment, order = started
    paused.pauses.filter(ended_at__isnull=True).delete()
    assert call(client, ipn_params(order)) == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    paused.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert Receipt.objects.filter(payment=payment).count() == 1
    assert paused.status == Status.AWAITING_PAYMENT
    refused = AuditEvent.objects.get(event_type="payment.resume_refused")
    assert refused.data["code"] == "no_open_pause" and refused.dossier_id == paused.pk
    assert call(client, ipn_params(order))["RspCode"] == "02"


def test_99_malformed_signed_message(client, started):
    _payment, order = started
    params = ipn_params(order, vnp_TmnCode="SOMEONE")
    assert call(client, params)["RspCode"] == "99"


def test_return_url_never_confirms(client, started, paused):
    payment, order = started
    response = client.get("/thanh-toan/vnpay/tra-ve/", ipn_params(order))
    assert response.status_code == 200
    payment.refresh_from_db()
    paused.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert paused.status == Status.AWAITING_PAYMENT
    assert "Đang chờ cổng thanh toán xác nhận" in response.content.decode()


def test_return_url_with_bad_signature(client, started):
    _payment, order = started
    params = ipn_params(order)
    params["vnp_ResponseCode"] = "00x"
    response = client.get("/thanh-toan/vnpay/tra-ve/", params)
    assert response.status_code == 400
    assert "sai chữ ký" in response.content.decode()
