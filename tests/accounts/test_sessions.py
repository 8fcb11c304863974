"""Staff sessions: idle timeout, browser-close cookie; two-factor (TOTP) for staff."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.models import ApiToken
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def logged_in(username):
    client = Client()
    assert client.post("/dang-nhap/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_the_session_cookie_ends_with_the_browser(world, settings):
    client = logged_in("tiepnhan")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]
    assert cookie["httponly"]


def test_an_idle_session_ends_after_the_configured_minutes(world, settings):
    settings.MOTCUA_SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = logged_in("tiepnhan")
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get("/can-bo/").status_code == 200
    # 29 minutes after the last request: still in.
    with time_machine.travel(start + dt.timedelta(minutes=58), tick=False):
        assert client.get("/can-bo/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=89), tick=False):
        response = client.get("/can-bo/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_the_idle_time_is_a_setting(world, settings):
    settings.MOTCUA_SESSION_IDLE_MINUTES = 5
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = logged_in("tiepnhan")
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        assert client.get("/can-bo/").status_code == 302


def _code(device):
    """The code the authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def later(seconds=5):
    # After a wrong code django-otp refuses the next try for a moment (its own throttle).
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=False)


def test_a_leader_must_enrol_when_the_province_requires_it(world, settings):
    settings.MOTCUA_2FA_REQUIRED = True
    client = logged_in("lanhdao")
    response = client.get("/can-bo/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/tai-khoan/xac-thuc-hai-buoc/dang-ky/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    content = page.content.decode()
    assert "data:image/svg+xml" in content and "Đăng ký xác thực hai bước" in content
    device = TOTPDevice.objects.get(user=world.leader, confirmed=False)
    bad = client.post("/tai-khoan/xac-thuc-hai-buoc/dang-ky/", {"code": "abcdef"})
    assert bad.status_code == 400
    with later():
        response = client.post("/tai-khoan/xac-thuc-hai-buoc/dang-ky/",
                               {"code": _code(device), "next": "/can-bo/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/can-bo/").status_code == 200


def test_an_enrolled_leader_enters_a_code_after_the_password(world, settings):
    settings.MOTCUA_2FA_REQUIRED = True
    device = TOTPDevice.objects.create(user=world.leader, name="TOTP", confirmed=True)
    client = logged_in("lanhdao")
    response = client.get("/can-bo/")
    assert response["Location"].startswith("/tai-khoan/xac-thuc-hai-buoc/?next=")
    bad = client.post("/tai-khoan/xac-thuc-hai-buoc/", {"code": "12345x"})
    assert bad.status_code == 400 and "Mã xác thực không đúng" in bad.content.decode()
    assert client.get("/can-bo/").status_code == 302
    with later():
        ok = client.post("/tai-khoan/xac-thuc-hai-buoc/",
                         {"code": _code(device), "next": "/can-bo/"})
    assert ok.status_code == 302 and ok["Location"] == "/can-bo/"
    assert client.get("/can-bo/").status_code == 200


def test_other_roles_are_not_forced_and_the_setting_is_off_by_default(world, settings):
    settings.MOTCUA_2FA_REQUIRED = True
    assert logged_in("tiepnhan").get("/can-bo/").status_code == 200
    settings.MOTCUA_2FA_REQUIRED = False
    assert logged_in("lanhdao").get("/can-bo/").status_code == 200


def test_a_staff_member_who_enrolled_is_asked_for_the_code_anyway(world, settings):
    settings.MOTCUA_2FA_REQUIRED = False
    TOTPDevice.objects.create(user=world.receptionist, name="TOTP", confirmed=True)
    assert logged_in("tiepnhan").get("/can-bo/").status_code == 302


def test_the_api_token_login_needs_the_code_when_enrolled(world, settings):
    from rest_framework.test import APIClient

    device = TOTPDevice.objects.create(user=world.leader, name="TOTP", confirmed=True)
    body = {"username": "lanhdao", "password": PASSWORD, "name": "máy"}
    response = APIClient().post("/api/v1/auth/token", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "otp_invalid"
    with later():
        response = APIClient().post("/api/v1/auth/token", body | {"otp": _code(device)},
                                    format="json")
    assert response.status_code == 201
    assert ApiToken.objects.filter(user=world.leader).count() == 1


def test_the_account_page_issues_and_revokes_tokens(world):
    client = Client()
    client.force_login(world.receptionist)
    page = client.post("/tai-khoan/", {"name": "Máy quầy 1"})
    token = ApiToken.objects.get(user=world.receptionist)
    assert token.prefix in page.content.decode()
    assert client.post(f"/tai-khoan/ma-truy-cap/{token.pk}/thu-hoi/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_login_page_says_why_an_idle_session_ended(world, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = logged_in("tiepnhan")
    with time_machine.travel(start + dt.timedelta(minutes=45), tick=False):
        client.get("/can-bo/")
        page = client.get("/dang-nhap/").content.decode()
    assert "Phiên làm việc đã kết thúc" in page


def test_the_account_pages_speak_english_when_chosen(world, settings):
    client = Client()
    client.force_login(world.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/tai-khoan/").content.decode()
    assert "API tokens" in page and "Two-factor authentication" in page
    assert "Locked logins" in page


def _reversed_prefixes(settings):
    from django.urls import reverse

    return (reverse("accounts:otp-verify"), reverse("accounts:otp-enrol"), reverse("logout"),
            reverse("login"), settings.STATIC_URL, "/i18n/")


def test_the_pages_open_before_the_code_are_reversed_once_per_script_prefix(settings):
    from unittest import mock

    from django.urls import get_script_prefix, set_script_prefix

    from motcua.accounts import middleware

    middleware._EXEMPT.clear()
    assert middleware.exempt_prefixes() == _reversed_prefixes(settings)
    with mock.patch.object(middleware, "reverse") as reverse:
        assert middleware.exempt_prefixes() == _reversed_prefixes(settings)
    reverse.assert_not_called()  # remembered: no reverse per request
    before = get_script_prefix()
    set_script_prefix("/motcua/")  # served under a sub-path: the prefixes follow
    try:
        assert middleware.exempt_prefixes()[0].startswith("/motcua/")
        assert middleware.exempt_prefixes() == _reversed_prefixes(settings)
    finally:
        set_script_prefix(before)
    settings.STATIC_URL = "/tinh/static/"
    assert middleware.exempt_prefixes() == _reversed_prefixes(settings)
    assert "/tinh/static/" in middleware.exempt_prefixes()
