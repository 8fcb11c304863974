"""Form numbers (Số: …/TTPVHCC) and register entries (Quyển số … Số thứ tự …), issue 10.

Numbered from a per-unit, per-year sequence when a form is first issued (printed); a reprint
keeps its number; two clerks printing at once never get the same number.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse

from motcua.dossiers.models import Apology, DossierPause, PauseKind
from motcua.dossiers.states import Status
from motcua.printing import forms
from motcua.printing.models import IssuedNumber
from motcua.printing.services import numbers_issue
from tests.factories import CenterFactory, vn

pytestmark = pytest.mark.django_db


def _print(client, dossier, form="mau-01", **query):
    url = reverse("printing:dossier_form", kwargs={"code": dossier.code, "form": form})
    response = client.get(url, query)
    assert response.status_code == 200
    return response.context["form"]


def test_receipt_gets_its_number_and_register_entry_when_first_printed(
    client, make_dossier, receptionist
):
    client.force_login(receptionist)
    first, second = make_dossier(), make_dossier()
    # Before it is issued the preview shows blanks.
    assert forms.receipt_context(first)["header"]["number"] == "Số: ……/TTPVHCC"
    form = _print(client, first)
    assert form["header"]["number"] == "Số: 01/TTPVHCC"
    assert (form["register_book"], form["register_entry"]) == ("01/2026", "0001")
    # A reprint shows the same numbers; the next dossier the next ones.
    assert _print(client, first)["header"]["number"] == "Số: 01/TTPVHCC"
    form = _print(client, second)
    assert form["header"]["number"] == "Số: 02/TTPVHCC"
    assert form["register_entry"] == "0002"
    html = client.get(
        reverse("printing:dossier_form", kwargs={"code": second.code, "form": "mau-01"})
    ).content.decode()
    assert "Quyển số: 01/2026 Số thứ tự: 0002" in html
    # Mẫu 07 shows the entry of each dossier.
    register = forms.register_context(first.receiving_unit, vn(2026, 3, 1).date(),
                                      vn(2026, 3, 31).date())
    assert [r["entry"] for r in register["rows"]] == ["0001", "0002"]
    assert register["header"]["number"] == "Quyển số: 01/2026"


def test_each_form_has_its_own_series_and_each_year_starts_at_one(
    client, make_dossier, receptionist, agency
):
    client.force_login(receptionist)
    dossier = make_dossier()
    DossierPause.objects.create(
        dossier=dossier, kind=PauseKind.SUPPLEMENT, started_at=vn(2026, 3, 3, 9, 0),
        resume_status=Status.APPRAISING, items="Bản vẽ móng", reason="Thiếu",
    )
    assert _print(client, dossier, "mau-02")["header"]["number"] == "Số: 01/PBS-TTPVHCC"
    assert _print(client, dossier, "mau-06")["header"]["number"] == "Số: 01/PKS-TTPVHCC"
    Apology.objects.create(
        dossier=dossier, unit=agency, reason="Xác minh", previous_due_at=dossier.due_at,
        new_due_at=vn(2026, 3, 30, 16, 0), issued_at=vn(2026, 3, 19, 9, 0),
        issued_by=receptionist,
    )
    # The apology is the agency's document: the agency's series.
    assert _print(client, dossier, "mau-04")["header"]["number"] == "Số: 01/PXL-SXD"
    next_year = make_dossier(received_at=vn(2027, 1, 4, 8, 0))
    assert _print(client, next_year)["header"]["number"] == "Số: 01/TTPVHCC"
    assert _print(client, next_year)["register_book"] == "01/2027"


def test_units_number_separately(make_dossier, center):
    other = CenterFactory(name="Trung tâm Phục vụ hành chính công xã Ea Kao")
    at = vn(2026, 3, 2, 9, 0)
    a = numbers_issue([forms.numbering("dossier:1", "mau-01", center, at)])
    b = numbers_issue([forms.numbering("dossier:2", "mau-01", other, at)])
    assert (a[0].number, b[0].number) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_issues_get_distinct_numbers(center):
    """Eight clerks issuing at once: eight numbers, 1…8, none twice (UPDATE … RETURNING)."""
    from django.db import transaction

    at = vn(2026, 3, 2, 9, 0)
    barrier = threading.Barrier(8)
    errors = []

    def work(i):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                numbers_issue([forms.numbering(f"guidance:{i}", "mau-02", center, at)])
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(IssuedNumber.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 9))
