"""Fees in the reports: the daily statement and collected per field/agency, page and XLSX."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from motcua.org.models import Role
from motcua.payments import selectors
from motcua.payments.services import counter_payment_record, payment_refund
from tests.factories import staff
from tests.payments.conftest import AMOUNT

pytestmark = pytest.mark.django_db


def test_statement_and_collected(world, bring):
    a, b = bring("awaiting_payment"), bring("awaiting_payment")
    first = counter_payment_record(actor=world.receptionist, dossier=a, method="cash",
                                   amount=AMOUNT)
    counter_payment_record(actor=world.receptionist, dossier=b, method="card", amount=AMOUNT)
    payment_refund(actor=world.receptionist, payment=first.payment, reason="thu nhầm")
    today = timezone.localdate()
    rows = selectors.daily_statement(start=today, end=today)
    assert len(rows) == 1
    row = rows[0]
    assert (row.expected, row.confirmed, row.refunded, row.pending) == (
        2 * AMOUNT, 2 * AMOUNT, AMOUNT, 0)
    assert row.provider == "" and row.unit_id == world.center.pk
    by_field = selectors.collected(start=today, end=today, by="field")
    assert [(r["name"], r["total"]) for r in by_field] == [(world.version.field.name, AMOUNT)]
    by_agency = selectors.collected(start=today, end=today, by="agency")
    assert by_agency[0]["name"] == world.agency.name
    # Another center's manager sees nothing of it.
    assert selectors.daily_statement(start=today, end=today,
                                     scope={"receiving_unit": {world.foreign_center.pk},
                                            "competent_unit": set()}) == []


def test_report_page_and_xlsx(client, world, bring):
    counter_payment_record(actor=world.receptionist, dossier=bring("awaiting_payment"),
                           method="cash", amount=AMOUNT)
    manager = staff(Role.CENTER_MANAGER, world.center)
    client.force_login(manager)
    html = client.get("/bao-cao/thanh-toan/").content.decode()
    assert "500.000" in html and world.version.field.name in html
    xlsx = client.get("/bao-cao/thanh-toan/", {"format": "xlsx"})
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Bang ke", "Linh vuc", "Co quan"]
    assert book["Bang ke"].cell(row=3, column=4).value == AMOUNT
    bad = client.get("/bao-cao/thanh-toan/", {"from": "31/02/2026"})
    assert bad.status_code == 400
    assert "dd/mm/yyyy" in bad.content.decode()
