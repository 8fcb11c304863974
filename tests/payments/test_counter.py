"""At the counter: cash/card with a numbered receipt, the pause ends, the receipt prints (PDF,
QR) and is cancelled only by a cancelling receipt; the database refuses edits."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.dossiers.states import Status
from motcua.payments import selectors
from motcua.payments.models import Payment, PaymentStatus, Receipt, ReceiptKind
from motcua.payments.providers import default_provider
from motcua.payments.services import (
    counter_payment_record,
    payment_ipn,
    payment_start,
    receipt_cancel,
)
from tests.payments.conftest import AMOUNT
from tests.payments.helpers import ipn_params, order_of

pytestmark = pytest.mark.django_db


def test_cash_payment_issues_a_receipt_and_resumes_the_dossier(world, paused):
    receipt = counter_payment_record(actor=world.receptionist, dossier=paused, method="cash",
                                     amount=AMOUNT)
    paused.refresh_from_db()
    assert receipt.number == 1 and receipt.year == timezone.localtime().year
    assert receipt.unit_id == world.center.pk
    assert receipt.label == f"0000001/{receipt.year}"
    assert paused.status == Status.APPRAISING
    assert not paused.paid_online
    change = paused.status_changes.get(action="confirm_payment")
    assert change.actor_id == world.receptionist.pk
    assert AuditEvent.objects.filter(event_type="payment.counter", dossier=paused).count() == 1


def test_numbers_follow_per_unit_and_year(world, bring):
    first = counter_payment_record(actor=world.receptionist, dossier=bring("awaiting_payment"),
                                   method="card", amount=AMOUNT)
    second = counter_payment_record(actor=world.receptionist, dossier=bring("awaiting_payment"),
                                    method="cash", amount=AMOUNT)
    assert (first.number, second.number) == (1, 2)


def test_partial_payment_keeps_the_pause(world, paused):
    counter_payment_record(actor=world.receptionist, dossier=paused, method="cash", amount=200000)
    paused.refresh_from_db()
    assert paused.status == Status.AWAITING_PAYMENT
    assert selectors.amount_due(paused) == AMOUNT - 200000
    with pytest.raises(InvalidInput) as exc:
        counter_payment_record(actor=world.receptionist, dossier=paused, method="cash",
                               amount=AMOUNT)
    assert exc.value.code == "amount_too_large"
    counter_payment_record(actor=world.receptionist, dossier=paused, method="cash",
                           amount=AMOUNT - 200000)
    paused.refresh_from_db()
    assert paused.status == Status.APPRAISING


@pytest.mark.parametrize("amount", [0, -5, "abc", "1.5e3", None])
def test_bad_amount(world, paused, amount):
    with pytest.raises(InvalidInput):
        counter_payment_record(actor=world.receptionist, dossier=paused, method="cash",
                               amount=amount)
    assert not Payment.objects.exists()


def test_only_the_receiving_units_receptionist(world, paused):
    for user in (world.specialist, world.foreign_receptionist, world.manager):
        with pytest.raises(NotAllowed):
            counter_payment_record(actor=user, dossier=paused, method="cash", amount=AMOUNT)


def test_counter_payment_cancels_pending_online_payments(world, paused, client):
    payment, url = payment_start(dossier=paused, provider=default_provider(), return_url="http://t/")
    counter_payment_record(actor=world.receptionist, dossier=paused, method="cash", amount=AMOUNT)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    # The late IPN for it: "already", nothing changes.
    assert payment_ipn(provider_code="vnpay", params=ipn_params(order_of(url))).code == "02"
    assert Receipt.objects.count() == 1


def test_cancel_by_a_new_receipt(world, paused):
    receipt = counter_payment_record(actor=world.receptionist, dossier=paused, method="cash",
                                     amount=AMOUNT)
    with pytest.raises(InvalidInput):
        receipt_cancel(actor=world.receptionist, receipt=receipt, reason=" ")
    cancelling = receipt_cancel(actor=world.receptionist, receipt=receipt, reason="Thu nhầm")
    assert cancelling.kind == ReceiptKind.CANCEL and cancelling.cancels_id == receipt.pk
    assert cancelling.number == 2 and cancelling.amount == receipt.amount
    assert Payment.objects.get(pk=receipt.payment_id).status == PaymentStatus.CANCELLED
    with pytest.raises(Conflict):
        receipt_cancel(actor=world.receptionist, receipt=receipt, reason="lần hai")
    with pytest.raises(Conflict):
        receipt_cancel(actor=world.receptionist, receipt=cancelling, reason="hủy của hủy")
    assert AuditEvent.objects.filter(event_type="payment.receipt_cancelled").count() == 1


def test_database_refuses_to_edit_or_delete_a_receipt(world, paused):
    receipt = counter_payment_record(actor=world.receptionist, dossier=paused, method="cash",
                                     amount=AMOUNT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.filter(pk=receipt.pk).update(amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.filter(pk=receipt.pk).delete()


def test_database_refuses_a_non_positive_amount(world, paused):
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(dossier=paused, unit=world.center, method="cash", txn_ref="x",
                               amount=0, created_at=timezone.now())


# --- pages and API ---------------------------------------------------------------------------


def test_counter_page_collects_and_prints(client, world, paused):
    client.force_login(world.receptionist)
    url = f"/thanh-toan/quay/{paused.code}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "500.000" in page.content.decode()
    response = client.post(url, {"op": "collect", "method": "cash", "amount": "500.000"})
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    paused.refresh_from_db()
    assert paused.status == Status.APPRAISING
    html = client.get(f"/thanh-toan/bien-lai/{receipt.pk}/").content.decode()
    assert receipt.label in html and "<svg" in html
    pdf = client.get(f"/thanh-toan/bien-lai/{receipt.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")
    response = client.post(url, {"op": "cancel", "receipt": receipt.pk, "reason": "Thu nhầm"})
    assert response.status_code == 302
    assert Receipt.objects.filter(kind="cancel").count() == 1


def test_counter_page_bad_amount_is_a_vietnamese_message(client, world, paused):
    client.force_login(world.receptionist)
    response = client.post(f"/thanh-toan/quay/{paused.code}/",
                           {"op": "collect", "method": "cash", "amount": "nhiều"})
    assert response.status_code == 400
    assert "Số tiền phải là số nguyên dương" in response.content.decode()


def test_counter_page_refuses_others(client, world, paused):
    client.force_login(world.foreign_receptionist)
    assert client.get(f"/thanh-toan/quay/{paused.code}/").status_code == 403


def test_api_records_a_counter_payment(client, world, paused):
    client.force_login(world.receptionist)
    url = f"/api/v1/dossiers/{paused.code}/payments"
    body = client.get(url).json()
    assert body["due"] == AMOUNT
    response = client.post(url, {"method": "card", "amount": AMOUNT},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["due"] == 0
    assert response.json()["receipt"]["number"].startswith("0000001/")
    bad = client.post(url, {"method": "card", "amount": 10}, content_type="application/json")
    assert bad.status_code == 409 or bad.status_code == 400
    assert set(bad.json()) >= {"code", "message"}


def test_api_hides_other_units_dossiers(client, world, paused):
    client.force_login(world.foreign_receptionist)
    assert client.get(f"/api/v1/dossiers/{paused.code}/payments").status_code == 404


def test_receipt_pages_refuse_other_units(client, world, paused):
    receipt = counter_payment_record(actor=world.receptionist, dossier=paused, method="cash",
                                     amount=AMOUNT)
    client.force_login(world.foreign_receptionist)
    assert client.get(f"/thanh-toan/bien-lai/{receipt.pk}/").status_code == 403
    assert client.get(f"/thanh-toan/bien-lai/{receipt.pk}/pdf/").status_code == 403
    client.force_login(world.specialist)  # the competent agency sees the dossier: may read
    assert client.get(f"/thanh-toan/bien-lai/{receipt.pk}/").status_code == 200


def test_admin_lists_payments_read_only(client, world, paused):
    from django.contrib.auth import get_user_model

    counter_payment_record(actor=world.receptionist, dossier=paused, method="cash",
                           amount=AMOUNT)
    admin = get_user_model().objects.create_superuser("quantri-tt", "a@example.vn", "x")
    client.force_login(admin)
    for url in ("/quan-tri/payments/payment/", "/quan-tri/payments/receipt/",
                "/quan-tri/payments/procedurepaymentpolicy/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/quan-tri/payments/payment/add/").status_code == 403
