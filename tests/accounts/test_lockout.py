"""Login lockout (django-axes): per account and per address, lifted by the center manager."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from motcua.accounts.lockouts import locked
from motcua.audit.models import AuditEvent
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(username, password, ip="10.0.0.1"):
    client = Client(REMOTE_ADDR=ip)
    return client, client.post("/dang-nhap/", {"username": username, "password": password})


def fail(username, times, ip="10.0.0.1"):
    for _ in range(times):
        _, response = login(username, "sai-mat-khau", ip)
    return response


def test_the_right_password_fails_after_repeated_failures(world, settings):
    assert settings.AXES_ENABLED  # on by default
    fail("tiepnhan", settings.AXES_FAILURE_LIMIT)
    _, response = login("tiepnhan", PASSWORD)
    assert response.status_code == 429
    assert "tạm bị khóa" in response.content.decode()
    # The same account from another address is locked too.
    _, response = login("tiepnhan", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429


def test_failures_below_the_limit_do_not_lock_and_success_resets(world, settings):
    fail("tiepnhan", settings.AXES_FAILURE_LIMIT - 1)
    _, response = login("tiepnhan", PASSWORD)
    assert response.status_code == 302
    fail("tiepnhan", settings.AXES_FAILURE_LIMIT - 1)
    _, response = login("tiepnhan", PASSWORD)
    assert response.status_code == 302


def test_an_address_guessing_many_accounts_is_locked(world, settings):
    names = [f"khongco{i}" for i in range(settings.MOTCUA_LOCKOUT_ADDRESS_FAILURES)]
    for name in names:
        fail(name, 1, ip="10.6.6.6")
    _, response = login("chuyenvien", PASSWORD, ip="10.6.6.6")
    assert response.status_code == 429
    # Another address, the same account: fine (the account itself had no failure).
    _, response = login("chuyenvien", PASSWORD, ip="10.7.7.7")
    assert response.status_code == 302


def test_a_shared_center_address_is_not_locked_by_one_typist(world, settings):
    fail("tiepnhan", settings.AXES_FAILURE_LIMIT, ip="10.0.0.50")
    _, response = login("chuyenvien", PASSWORD, ip="10.0.0.50")
    assert response.status_code == 302


def test_the_api_login_counts_towards_the_same_lockout(world, settings):
    from rest_framework.test import APIClient

    fail("tiepnhan", settings.AXES_FAILURE_LIMIT)
    response = APIClient(REMOTE_ADDR="10.0.0.1").post(
        "/api/v1/auth/token", {"username": "tiepnhan", "password": PASSWORD, "name": "x"},
        format="json")
    assert response.status_code == 429
    assert set(response.json()) == {"code", "message", "fields"}


def test_the_center_manager_unlocks_from_the_workspace(world, settings):
    fail("tiepnhan", settings.AXES_FAILURE_LIMIT)
    manager = Client()
    manager.force_login(world.manager)
    page = manager.get("/tai-khoan/khoa-dang-nhap/")
    assert page.status_code == 200 and "tiepnhan" in page.content.decode()
    assert manager.post("/tai-khoan/khoa-dang-nhap/", {"username": "tiepnhan"}).status_code == 302
    assert not locked()
    assert AuditEvent.objects.filter(event_type="login.unlocked").count() == 1
    _, response = login("tiepnhan", PASSWORD)
    assert response.status_code == 302


def test_other_staff_may_not_unlock(world, settings):
    fail("tiepnhan", settings.AXES_FAILURE_LIMIT)
    other = Client()
    other.force_login(world.specialist)
    assert other.get("/tai-khoan/khoa-dang-nhap/").status_code == 403
    assert other.post("/tai-khoan/khoa-dang-nhap/", {"username": "tiepnhan"}).status_code == 403
    assert locked()


def test_the_unlock_command(world, settings, capsys):
    fail("tiepnhan", settings.AXES_FAILURE_LIMIT)
    call_command("unlock_login", "--list")
    assert "tiepnhan" in capsys.readouterr().out
    call_command("unlock_login", "--username", "tiepnhan")
    assert not locked()
