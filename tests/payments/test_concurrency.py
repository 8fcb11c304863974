"""Identical IPNs at once (the gateway retries while the first is still being processed) confirm
the payment once; two cashiers at once get different receipt numbers. Real threads, each with
its own PostgreSQL connection; SQLite serialises all writers, so the race cannot happen there."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from motcua.dossiers.models import Dossier
from motcua.org.models import Role
from motcua.payments.models import Payment, PaymentStatus, Receipt
from motcua.payments.providers import default_provider
from motcua.payments.services import counter_payment_record, payment_ipn, payment_start
from tests.factories import staff
from tests.payments.helpers import ipn_params, order_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="needs concurrent writers: PostgreSQL only (SQLite locks the file)"),
]


def _race(n, fn):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def work(i):
        try:
            barrier.wait(timeout=30)
            results.append(fn(i))
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertions
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_concurrent_duplicate_ipn_confirms_once(paused):
    payment, url = payment_start(dossier=paused, provider=default_provider(),
                                 return_url="http://testserver/r/")
    params = ipn_params(order_of(url))
    results, errors = _race(4, lambda i: payment_ipn(provider_code="vnpay", params=params))
    assert errors == []
    codes = sorted(a.code for a in results)
    assert codes == ["00", "02", "02", "02"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert Receipt.objects.filter(payment=payment).count() == 1
    dossier = Dossier.objects.get(pk=paused.pk)
    assert dossier.status == "appraising"
    assert dossier.status_changes.filter(action="confirm_payment").count() == 1


def test_two_cashiers_get_different_receipt_numbers(world, bring):
    other = staff(Role.RECEPTIONIST, world.center, username="thungan2")
    dossiers = [bring("awaiting_payment"), bring("awaiting_payment")]
    cashiers = [world.receptionist, other]
    results, errors = _race(2, lambda i: counter_payment_record(
        actor=cashiers[i], dossier=dossiers[i], method="cash", amount=500000))
    assert errors == []
    assert sorted(r.number for r in results) == [1, 2]
    assert Payment.objects.filter(status=PaymentStatus.CONFIRMED).count() == 2
