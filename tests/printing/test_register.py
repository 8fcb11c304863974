"""Mẫu 07 Sổ theo dõi hồ sơ: rows, period, one query."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.states import DeliveryMethod, Status
from motcua.printing import forms, selectors
from tests.factories import CenterFactory, FieldFactory, vn

pytestmark = pytest.mark.django_db

MARCH_1, MARCH_31 = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


def test_rows_of_the_unit_in_the_period_by_vietnam_date(make_dossier, center):
    first = make_dossier(received_at=vn(2026, 3, 1, 0, 0))
    last = make_dossier(received_at=vn(2026, 3, 31, 23, 59))
    make_dossier(received_at=vn(2026, 2, 28, 23, 59))  # before
    make_dossier(received_at=vn(2026, 4, 1, 0, 0))  # after
    make_dossier(receiving_unit=CenterFactory())  # another unit
    make_dossier(status=Status.REFUSED_AT_RECEPTION)  # never received
    rows = selectors.register_rows(unit=center, start=MARCH_1, end=MARCH_31)
    assert [r["code"] for r in rows] == [first.code, last.code]


def test_field_filter(make_dossier, center):
    other_field = FieldFactory(name="Đất đai")
    kept = make_dossier()
    make_dossier(field=other_field)
    rows = selectors.register_rows(unit=center, start=MARCH_1, end=MARCH_31, field=kept.field)
    assert [r["code"] for r in rows] == [kept.code]


def test_one_query_whatever_the_number_of_rows(make_dossier, center):
    for _ in range(5):
        make_dossier()
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.register_rows(unit=center, start=MARCH_1, end=MARCH_31)
    assert len(rows) == 5
    assert len(queries) == 1


def test_register_context_columns(make_dossier, center, agency):
    returned = make_dossier(
        status=Status.RETURNED, returned_at=vn(2026, 3, 20, 15, 30),
        delivery_method=DeliveryMethod.POST, delivery_address="12 Lê Duẩn, Buôn Ma Thuột",
        returned_to="Nguyễn Văn Hùng",
    )
    rescheduled = make_dossier(
        received_at=vn(2026, 3, 3, 8, 0), due_at=vn(2026, 3, 30, 8, 0),
        original_due_at=vn(2026, 3, 24, 8, 0), rescheduled_due_at=vn(2026, 3, 30, 8, 0),
    )
    data = forms.register_context(center, MARCH_1, MARCH_31, printed_at=vn(2026, 4, 1, 8, 0))
    assert data["header"]["title"] == "Sổ theo dõi hồ sơ"
    assert data["header"]["form_number"] == "Mẫu số 07"
    assert data["header"]["paper"] == "A4 landscape"
    assert data["period"] == "Từ ngày 01/03/2026 đến ngày 31/03/2026"
    first, second = data["rows"]
    assert first == {
        "index": 1,
        "entry": "",
        "code": returned.code,
        "procedure": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "applicant": "Nguyễn Văn Hùng",
        "address": "12 Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk",
        "phone": "0905123456",
        "competent_unit": "Sở Xây dựng",
        "received": "14:05 02/03/2026",
        "due": "14:05 23/03/2026",
        "returned": "15:30 20/03/2026",
        "rescheduled": "",
        "delivery": "Nhận qua bưu chính",
        "returned_to": "Nguyễn Văn Hùng",
    }
    # After an apology the register keeps the first appointment and shows the new one.
    assert (second["code"], second["due"], second["rescheduled"]) == (
        rescheduled.code, "08:00 24/03/2026", "08:00 30/03/2026",
    )


def test_register_of_2025_first_half_is_the_old_form_06(center):
    data = forms.register_context(center, dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    assert data["header"]["form_number"] == "Mẫu số 06"
    assert data["rows"] == []
