"""API tokens: stored hashed, named per device, expiring, revocable, ended by logout."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.accounts.models import ApiToken
from motcua.accounts.tokens import hash_key, token_for_key, token_issue, token_revoke
from motcua.audit.models import AuditEvent
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def api(key=None, ip="127.0.0.1"):
    client = APIClient(REMOTE_ADDR=ip)
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_database_holds_only_the_hash(world):
    token, key = token_issue(user=world.receptionist, name="Máy quầy 3", actor=world.receptionist)
    row = ApiToken.objects.get(pk=token.pk)
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {row.key_hash, row.prefix, row.name}
    assert row.prefix == key[:8] and len(key) >= 40
    assert row.name == "Máy quầy 3"
    assert AuditEvent.objects.filter(event_type="token.issued").count() == 1


def test_a_token_authenticates_until_it_expires(world):
    _, key = token_issue(user=world.receptionist, name="quầy", actor=world.receptionist, days=1)
    assert api(key).get("/api/v1/auth/tokens").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
        response = api(key).get("/api/v1/auth/tokens")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_an_unknown_or_plain_hash_is_refused(world):
    token, key = token_issue(user=world.receptionist, name="quầy", actor=world.receptionist)
    assert api("x" * 43).get("/api/v1/auth/tokens").status_code == 401
    # Someone who read the database has the hash, which is not a key.
    assert api(token.key_hash).get("/api/v1/auth/tokens").status_code == 401


def test_revoked_tokens_stop_working(world):
    token, key = token_issue(user=world.receptionist, name="quầy", actor=world.receptionist)
    token_revoke(token=token, actor=world.manager)
    assert api(key).get("/api/v1/auth/tokens").status_code == 401
    assert AuditEvent.objects.filter(event_type="token.revoked").count() == 1


def test_logout_ends_the_token_of_that_device_only(world):
    _, key1 = token_issue(user=world.receptionist, name="quầy 1", actor=world.receptionist)
    _, key2 = token_issue(user=world.receptionist, name="quầy 2", actor=world.receptionist)
    assert api(key1).post("/api/v1/auth/logout").status_code == 204
    assert api(key1).get("/api/v1/auth/tokens").status_code == 401
    listed = api(key2).get("/api/v1/auth/tokens").json()
    assert [t["name"] for t in listed] == ["quầy 2"]


def test_login_from_a_device_issues_a_named_token(world):
    response = api().post("/api/v1/auth/token", {"username": "tiepnhan", "password": PASSWORD,
                                                  "name": "Máy tính bảng"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Máy tính bảng" and "token" in body
    assert api(body["token"]).get("/api/v1/auth/tokens").status_code == 200
    wrong = api().post("/api/v1/auth/token", {"username": "tiepnhan", "password": "sai",
                                               "name": "x"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_credentials"


def test_one_can_revoke_only_ones_own_tokens(world):
    other, _ = token_issue(user=world.specialist, name="khác", actor=world.specialist)
    _, key = token_issue(user=world.receptionist, name="quầy", actor=world.receptionist)
    assert api(key).delete(f"/api/v1/auth/tokens/{other.pk}").status_code == 404
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None


def test_authentication_is_one_indexed_query(world, django_assert_num_queries):
    _, key = token_issue(user=world.receptionist, name="quầy", actor=world.receptionist)
    with django_assert_num_queries(1):
        assert token_for_key(key).user == world.receptionist
    assert ApiToken._meta.get_field("key_hash").unique


@pytest.mark.parametrize("header", [None, "Token {key}", "Bearer x", "Token"])
def test_the_token_is_read_without_parsing_every_header(world, header):
    """The Authorization header from META: ``request.headers`` (all of them) is not built."""
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from motcua.accounts.authentication import HashedTokenAuthentication

    _, key = token_issue(user=world.receptionist, name="quầy", actor=world.receptionist)
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header.format(key=key)}
    django_request = APIRequestFactory().get("/api/v1/dossiers", HTTP_X_OTHER="1", **extra)
    request = Request(django_request)
    try:
        found = HashedTokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        found = "refused"
    expected = {None: None, "Token {key}": world.receptionist, "Bearer x": None,
                "Token": "refused"}[header]
    assert (found[0] if isinstance(found, tuple) else found) == expected
    assert "headers" not in django_request.__dict__


def test_the_migration_converts_plain_tokens(world):
    """A plain DRF token left in ``authtoken_token`` becomes a hashed token; the plain row goes."""
    migration = importlib.import_module("motcua.accounts.migrations.0002_hash_plain_tokens")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
                       "created timestamp NULL, user_id integer NOT NULL)")
        cursor.execute("INSERT INTO authtoken_token (key, user_id) VALUES (%s, %s)",
                       ["a" * 40, world.receptionist.pk])

    from types import SimpleNamespace

    from django.apps import apps

    migration.convert(apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    converted = ApiToken.objects.get(key_hash=hash_key("a" * 40))
    assert converted.user == world.receptionist
    assert api("a" * 40).get("/api/v1/auth/tokens").status_code == 200
