"""The demo holds dossiers waiting for an online payment, reachable by their signed links."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Status
from motcua.payments.models import Receipt

pytestmark = pytest.mark.django_db


def test_demo_load_prints_payment_links_that_work(client):
    out = io.StringIO()
    call_command("demo_load", "--history", "0", stdout=out)
    text = out.getvalue()
    assert "Hồ sơ chờ thanh toán trực tuyến" in text
    links = [line.split(": ", 1)[1] for line in text.splitlines()
             if line.startswith("  ") and "/thanh-toan/" in line]
    assert len(links) >= 2
    for link in links:
        page = client.get(link)
        assert page.status_code == 200
        assert 'id="pay-vnpay"' in page.content.decode()
    waiting = Dossier.objects.filter(notes__startswith="[demo:payment_online")
    assert waiting.count() == 2
    assert all(d.status == Status.AWAITING_PAYMENT for d in waiting)
    assert Receipt.objects.filter(dossier__notes="[demo:payment_counter]").count() == 1
    # Loading again adds nothing.
    call_command("demo_load", "--history", "0", stdout=io.StringIO())
    assert Dossier.objects.filter(notes__startswith="[demo:payment_").count() == 3
    assert Receipt.objects.count() == 1
