"""Public dossier status lookup (tra cứu hồ sơ): progress only, never personal data."""

from __future__ import annotations

import re

import pytest
import time_machine

from motcua.dossiers.models import Dossier
from motcua.dossiers.states import NATIONAL_CODE, NATIONAL_NAME, Channel, Status
from tests.factories import UnitFactory, published_procedure, vn

pytestmark = pytest.mark.django_db

APPLICANT = {
    "applicant_name": "Nguyễn Văn Bình",
    "applicant_id_number": "066090001234",
    "applicant_phone": "0905123456",
    "applicant_address": "12 Hùng Vương, phường Tân An",
    "applicant_email": "binh@example.vn",
}


@pytest.fixture
def dossier(center):
    agency = UnitFactory(code="000.00.13.H15", name="Sở Xây dựng")
    version = published_procedure(
        code="1.013236", name="Cấp giấy phép xây dựng", agency=agency, receiving_units=[center]
    )

    def make(code="000.00.01.H15-260302-0001", status=Status.APPRAISING, **values):
        values = {
            "received_at": vn(2026, 3, 2, 8, 30),
            "due_at": vn(2026, 3, 23, 8, 30),
            **values,
        }
        return Dossier.objects.create(
            code=code, procedure_version=version, field=version.field, receiving_unit=center,
            competent_unit=agency, current_unit=agency, channel=Channel.COUNTER,
            status=status, national_status=NATIONAL_CODE[status], **APPLICANT, **values,
        )

    return make


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_form_redirects_to_the_code_page(client, dossier):
    d = dossier()
    response = client.get("/tra-cuu/", {"ma": f"  {d.code} "})
    assert response.status_code == 302
    assert response["Location"] == f"/tra-cuu/{d.code}/"
    assert client.get("/tra-cuu/").status_code == 200


@time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False)
def test_status_page_shows_progress_and_no_personal_data(client, dossier):
    d = dossier()
    response = client.get(f"/tra-cuu/{d.code}/")
    assert response.status_code == 200
    text = _text(response)
    assert d.code in text
    assert "Cấp giấy phép xây dựng" in text
    assert "Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk" in text
    assert "Tiếp nhận lúc 08:30 02/03/2026" in text
    assert "Hẹn trả kết quả 08:30 23/03/2026" in text
    assert NATIONAL_NAME[4] in text
    assert "Quá hạn" not in text
    html = response.content.decode()
    for value in APPLICANT.values():
        assert value not in html
    assert "Nguyễn" not in html


@time_machine.travel(vn(2026, 3, 24, 9, 0), tick=False)
def test_overdue_badge_when_past_due(client, dossier):
    d = dossier()
    assert "Quá hạn" in _text(client.get(f"/tra-cuu/{d.code}/"))


@time_machine.travel(vn(2026, 3, 24, 9, 0), tick=False)
def test_no_overdue_badge_once_processing_ended(client, dossier):
    d = dossier(status=Status.RESULT_READY, finished_at=vn(2026, 3, 20, 10, 0))
    text = _text(client.get(f"/tra-cuu/{d.code}/"))
    assert NATIONAL_NAME[9] in text
    assert "Quá hạn" not in text


@time_machine.travel(vn(2026, 3, 24, 9, 0), tick=False)
def test_rescheduled_appointment_shows_the_original(client, dossier):
    d = dossier(
        original_due_at=vn(2026, 3, 23, 8, 30),
        rescheduled_due_at=vn(2026, 3, 27, 16, 0),
        due_at=vn(2026, 3, 27, 16, 0),
    )
    text = _text(client.get(f"/tra-cuu/{d.code}/"))
    assert "Hẹn trả kết quả 16:00 27/03/2026" in text
    assert "hẹn trả ban đầu: 08:30 23/03/2026" in text
    # The citizen holds the new appointment, which is not past yet.
    assert "Quá hạn" not in text


def test_returned_dossier_shows_when(client, dossier):
    d = dossier(status=Status.RETURNED, finished_at=vn(2026, 3, 20, 10, 0),
                returned_at=vn(2026, 3, 20, 14, 15))
    text = _text(client.get(f"/tra-cuu/{d.code}/"))
    assert NATIONAL_NAME[10] in text
    assert "Đã trả kết quả lúc 14:15 20/03/2026" in text


def test_status_name_follows_the_language(client, dossier):
    d = dossier()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = _text(client.get(f"/tra-cuu/{d.code}/"))
    assert "Being processed" in text
    assert "Application status" in text


def test_unknown_code_is_a_vietnamese_404(client, db):
    response = client.get("/tra-cuu/000.00.01.H15-260302-9999/")
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ có mã 000.00.01.H15-260302-9999" in _text(response)


@pytest.mark.parametrize("typed", ["000.00.01.h15-260302-0001", " 000.00.01.H15-260302-0001 ",
                                   "000.00.01.h15-260302-0001  "])
def test_codes_match_case_insensitively_with_spaces_trimmed(client, dossier, typed):
    d = dossier()
    response = client.get("/tra-cuu/", {"ma": typed})
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == f"/tra-cuu/{d.code}/"
    assert d.code in _text(response)
    # The page address typed by hand, lower-case, too.
    direct = client.get(f"/tra-cuu/{typed.strip()}/", follow=True)
    assert direct.status_code == 200 and d.code in _text(direct)
