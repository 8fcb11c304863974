"""Intake input errors (issue 10): all at once, future and impossible birth dates, over-long
values refused with a message (web and API), never a server error."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier
from tests.dossiers.conftest import APPLICANT
from tests.dossiers.test_api import client_for, intake_body

pytestmark = pytest.mark.django_db


def _post(world, **changes):
    return client_for(world.receptionist).post(
        "/api/v1/dossiers", intake_body(world, **changes), format="json"
    )


def test_api_reports_every_error_at_once(world, frozen):
    response = _post(world, documents=[], applicant={
        **APPLICANT, "phone": "12345", "gender": "female", "birth_date": "2001-01-01",
        "email": "khong-hop-le",
    })
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) >= {"applicant.email", "applicant.phone", "applicant.id_number",
                           "documents"}
    # Both mismatches of the number, and every missing paper.
    assert len(fields["applicant.id_number"]) == 2
    assert len(fields["documents"]) == 2
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("birth, code, words", [
    ("2030-01-01", "birth_date_in_future", "sau ngày hôm nay"),
    ("1990-02-31", "date_not_real", "không có thật"),
    ("31.02.1990", "date_invalid", "YYYY-MM-DD"),
])
def test_api_birth_dates(world, frozen, birth, code, words):
    response = _post(world, applicant={**APPLICANT, "birth_date": birth})
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert words in response.json()["fields"]["applicant.birth_date"][0]


@pytest.mark.parametrize("field, value, limit", [
    ("name", "Nguyễn " * 50, 255),
    ("address", "Số 1 " * 120, 500),
])
def test_api_refuses_over_long_values(world, frozen, field, value, limit):
    response = _post(world, applicant={**APPLICANT, field: value})
    assert response.status_code == 400  # not a PostgreSQL DataError (500)
    message = response.json()["fields"][f"applicant.{field}"][0]
    assert f"tối đa {limit} ký tự" in message
    assert Dossier.objects.count() == 0


def test_max_lengths_come_from_the_model():
    from motcua.dossiers.services.applicants import max_length

    assert max_length("applicant.name") == Dossier._meta.get_field("applicant_name").max_length
    assert max_length("delivery.address") == Dossier._meta.get_field(
        "delivery_address").max_length
