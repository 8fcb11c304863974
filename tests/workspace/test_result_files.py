"""Result files: approve refuses what the upload policy refuses (web form, API, service); the
download is access-checked, an attachment, never inline; /media/ is not served."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from motcua.core.errors import InvalidInput
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from tests.factories import api_key_for

HX = {"HTTP_HX_REQUEST": "true"}

EVIL = [
    ("../../evil.html", b"<html><script>alert(document.cookie)</script></html>", "text/html"),
    ("big.exe", b"MZ" + b"\0" * (30 * 1024 * 1024), "application/octet-stream"),
    ("fake.pdf", b"This is only text pretending to be a PDF.\n", "application/pdf"),
]


def api_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


@pytest.mark.parametrize(("name", "content", "content_type"), EVIL,
                         ids=["html-traversal", "30MB-exe", "text-named-pdf"])
def test_the_api_refuses_bad_result_files(world, bring, frozen, name, content, content_type):
    d = bring("awaiting_approval")
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = api_for(world.leader).post(
        f"/api/v1/dossiers/{d.code}/actions/approve",
        {"result_file": upload, "result_number": "1/GP"}, format="multipart")
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] in {"file_type_not_allowed", "file_too_large"}
    assert "result_file" in body["fields"]
    d.refresh_from_db()
    assert d.status == "awaiting_approval" and not d.result_file


@pytest.mark.parametrize(("name", "content", "content_type"), EVIL,
                         ids=["html-traversal", "30MB-exe", "text-named-pdf"])
def test_the_form_refuses_bad_result_files(world, bring, login, frozen, name, content,
                                           content_type):
    d = bring("awaiting_approval")
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = login(world.leader).post(
        f"/can-bo/ho-so/{d.code}/thao-tac/approve/",
        {"approve-result_file": upload, "approve-result_number": "1/GP"}, **HX)
    assert response.status_code == 400
    assert Dossier.objects.get(pk=d.pk).status == "awaiting_approval"


@pytest.mark.parametrize(("name", "content", "content_type"), EVIL,
                         ids=["html-traversal", "30MB-exe", "text-named-pdf"])
def test_the_service_refuses_bad_result_files(world, bring, frozen, name, content, content_type):
    d = bring("awaiting_approval")
    with pytest.raises(InvalidInput):
        services.dossier_act(actor=world.leader, dossier=d, action="approve",
                             result_file=SimpleUploadedFile(name, content, content_type))
    assert Dossier.objects.get(pk=d.pk).status == "awaiting_approval"


def _approved(world, bring):
    d = bring("awaiting_approval")
    services.dossier_act(actor=world.leader, dossier=d, action="approve",
                         result_file=SimpleUploadedFile("../../ket qua.pdf", b"%PDF-1.4 kq"))
    d.refresh_from_db()
    return d


def test_the_result_is_stored_under_a_random_name(world, bring, frozen):
    d = _approved(world, bring)
    name = d.result_file.name
    assert name.startswith("results/") and name.endswith(".pdf")
    assert "ket" not in name and ".." not in name


def test_staff_of_the_units_concerned_download_it_as_an_attachment(world, bring, login, frozen):
    d = _approved(world, bring)
    response = login(world.leader).get(f"/can-bo/ho-so/{d.code}/ket-qua/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 kq"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"{d.code}-ket-qua.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_foreign_staff_and_anonymous_may_not_download(world, bring, client, login, frozen):
    d = _approved(world, bring)
    url = f"/can-bo/ho-so/{d.code}/ket-qua/"
    assert client.get(url).status_code == 302  # to the login page
    # 404, as for a code that does not exist: no oracle for a foreign unit.
    assert login(world.foreign_leader).get(url).status_code == 404


def test_production_hands_the_file_to_nginx(world, bring, login, frozen, settings):
    settings.MOTCUA_X_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    d = _approved(world, bring)
    response = login(world.leader).get(f"/can-bo/ho-so/{d.code}/ket-qua/")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/" + d.result_file.name
    assert response["Content-Disposition"].startswith("attachment;")


def test_media_is_not_served_even_in_development(world, bring, client, frozen, settings):
    import importlib

    from django.views.static import serve

    import motcua.config.urls as root

    d = _approved(world, bring)
    settings.DEBUG = True
    try:
        patterns = importlib.reload(root).urlpatterns
    finally:
        settings.DEBUG = False
        importlib.reload(root)
    assert not [p for p in patterns if getattr(p, "callback", None) is serve]
    assert client.get(f"/media/{d.result_file.name}").status_code == 404
