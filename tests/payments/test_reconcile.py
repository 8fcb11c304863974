"""``motcua payments_reconcile --file settlement.csv`` finds a planted mismatch."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.providers import default_provider
from motcua.payments.services import payment_ipn, payment_start
from tests.payments.conftest import AMOUNT
from tests.payments.helpers import ipn_params, order_of

pytestmark = pytest.mark.django_db


def paid(dossier) -> Payment:
    payment, url = payment_start(dossier=dossier, provider=default_provider(),
                                 return_url="http://testserver/r/")
    assert payment_ipn(provider_code="vnpay", params=ipn_params(order_of(url))).code == "00"
    payment.refresh_from_db()
    return payment


def run(tmp_path, text, *args):
    path = tmp_path / "settlement.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("payments_reconcile", "--file", str(path), *args, stdout=out)
    return out.getvalue()


def day_of(payment):
    return timezone.localtime(payment.confirmed_at).strftime("%d/%m/%Y")


def test_matching_file_has_no_mismatch(tmp_path, bring):
    a = paid(bring("awaiting_payment"))
    out = run(tmp_path, f"txn_ref,amount,status,date\n{a.txn_ref},{AMOUNT},success,{day_of(a)}\n")
    assert "0 sai lệch" in out


def test_planted_mismatches_are_listed(tmp_path, bring):
    a = paid(bring("awaiting_payment"))
    b = paid(bring("awaiting_payment"))
    c = paid(bring("awaiting_payment"))
    day = day_of(a)
    text = (
        "vnp_TxnRef,vnp_Amount,status,date\n"
        f"{a.txn_ref},{AMOUNT * 100},00,{day}\n"          # matches
        f"{b.txn_ref},{(AMOUNT - 10000) * 100},00,{day}\n"  # planted: wrong amount
        f"999999,{100000 * 100},00,{day}\n"               # planted: unknown order
        # c is missing from the file
    )
    out = run(tmp_path, text)
    assert "3 sai lệch" in out
    assert f"amount_mismatch\t{b.txn_ref}" in out
    assert "unknown_order\t999999" in out
    assert f"missing_in_settlement\t{c.txn_ref}" in out
    assert a.txn_ref not in out
    with pytest.raises(CommandError):
        run(tmp_path, text, "--fail-on-mismatch")


def test_refund_not_recorded(tmp_path, bring):
    a = paid(bring("awaiting_payment"))
    day = day_of(a)
    out = run(tmp_path, f"txn_ref,amount,status,date\n{a.txn_ref},{AMOUNT},success,{day}\n"
                        f"{a.txn_ref},{AMOUNT},refund,{day}\n")
    assert f"refund_not_recorded\t{a.txn_ref}" in out
    Payment.objects.filter(pk=a.pk).update(status=PaymentStatus.REFUNDED,
                                           refunded_at=timezone.now())
    out = run(tmp_path, f"txn_ref,amount,status,date\n{a.txn_ref},{AMOUNT},success,{day}\n"
                        f"{a.txn_ref},{AMOUNT},refund,{day}\n")
    assert "0 sai lệch" in out


def test_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Thiếu cột"):
        run(tmp_path, "a,b\n1,2\n")
    with pytest.raises(CommandError, match="Dòng 2"):
        run(tmp_path, "txn_ref,amount,status,date\nX,abc,success,01/01/2026\n")
