"""A service error reaches people in their language: English when they chose it (the language
cookie), Vietnamese otherwise. Through the API here; through a page in
tests/workspace/test_english.py (a stale action's Conflict)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from motcua.core.errors import InvalidInput, InvalidInputs
from tests.dossiers.conftest import APPLICANT
from tests.dossiers.test_api import client_for, intake_body


def _bad_id(world, language: str | None):
    client = client_for(world.receptionist)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = intake_body(world, applicant={**APPLICANT, "id_number": "1"})
    return client.post("/api/v1/dossiers", body, format="json")


@pytest.mark.django_db
def test_api_service_error_in_english_when_chosen(world, frozen):
    response = _bad_id(world, "en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "id_not_12_digits"
    assert body["message"] == "A personal ID number has exactly 12 digits."
    assert body["fields"] == {"applicant.id_number": [body["message"]]}


@pytest.mark.django_db
def test_api_service_error_vietnamese_by_default(world, frozen):
    body = _bad_id(world, None).json()
    assert body["message"] == "Số định danh cá nhân phải gồm đúng 12 chữ số."


def test_message_is_fixed_in_the_language_of_the_raise():
    from django.utils.translation import gettext_lazy as _

    with translation.override("en"):
        english = InvalidInput("x", _("Tệp rỗng."))
        both = InvalidInputs([english, InvalidInput("y", _("Cần ghi tên giấy tờ."))])
    vietnamese = InvalidInput("x", _("Tệp rỗng."))
    assert (english.message, vietnamese.message) == ("The file is empty.", "Tệp rỗng.")
    assert both.message == "Invalid data: The file is empty. Enter the document's name."


@pytest.mark.django_db
def test_api_default_messages_in_english_when_chosen(world):
    client = client_for(world.receptionist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/api/v1/dossiers/KHONG-CO-MA").json()["message"] == "Not found."
    assert client.get("/api/v1/dossiers?holder=x").json()["message"] == "Invalid data."
    anonymous = client_for(world.receptionist)
    anonymous.credentials()
    assert anonymous.get("/api/v1/dossiers").json()["message"] == "Cần đăng nhập."
