"""Error pages 400/403/404/500 in the site's look, Vietnamese first, English when chosen (issue
10); the API keeps its JSON error shape."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import BadRequest
from django.test import Client
from django.urls import path

from motcua.config.urls import urlpatterns as site_urls

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("boom")


def _bad(request):
    raise BadRequest("bad")


urlpatterns = [path("_loi/500/", _boom), path("_loi/400/", _bad), *site_urls]
handler400 = "motcua.core.views.bad_request"
handler403 = "motcua.core.views.permission_denied"
handler404 = "motcua.core.views.page_not_found"
handler500 = "motcua.core.views.server_error"


def test_another_units_dossier_is_a_vietnamese_page_in_the_sites_look(world, bring, login):
    # 404 like a code that does not exist (no oracle for a foreign unit, issue 12 §5), with a
    # message that covers both cases.
    dossier = bring("received")
    client = login(world.foreign_receptionist)
    response = client.get(f"/can-bo/ho-so/{dossier.code}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy hồ sơ, hoặc bạn không có quyền xem hồ sơ này." in page
    assert 'class="site"' in page and "motcua/site.css" in page  # the site's layout
    assert '<html lang="vi">' in page
    assert "403 Forbidden" not in page


def test_the_page_in_english_when_chosen(world, bring, login):
    dossier = bring("received")
    client = login(world.foreign_receptionist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Dossier not found, or you are not allowed to view it." in page
    assert "Bạn không có quyền" not in page


def test_printing_another_units_dossier_gives_the_same_page(world, bring, login):
    dossier = bring("received")
    client = login(world.foreign_receptionist)
    response = client.get(f"/in/ho-so/{dossier.code}/mau-01/")
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ, hoặc bạn không có quyền xem hồ sơ này." in response.content.decode()


def test_404_page(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page and 'class="site"' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Page not found" in client.get("/khong-co-trang-nay/").content.decode()


@pytest.mark.urls("tests.workspace.test_error_pages")
def test_400_page(client):
    response = client.get("/_loi/400/")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Bad request" in client.get("/_loi/400/").content.decode()


@pytest.mark.urls("tests.workspace.test_error_pages")
def test_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/_loi/500/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Lỗi hệ thống" in page and "motcua/site.css" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "System error" in client.get("/_loi/500/").content.decode()


def test_csrf_failure_is_a_vietnamese_page(world, login):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.receptionist)
    response = client.post("/can-bo/tiep-nhan/", {})
    assert response.status_code == 403
    assert "Phiên làm việc đã thay đổi" in response.content.decode()


def test_api_keeps_its_json_error_shape(world, bring, client):
    response = client.get("/api/khong-co/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert set(response.json()) <= {"code", "message", "fields"}
