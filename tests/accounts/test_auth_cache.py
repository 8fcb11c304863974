"""The per-process cache of API sign-ins (accounts/tokens.py ``authenticate``): no token or
membership query in the common case, and every revocation, expiry, deactivation, password or
membership change honoured by the next request, whoever wrote it (the change counter raised by
database triggers is read on each request)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from motcua.accounts import tokens
from motcua.accounts.models import ApiToken
from motcua.accounts.tokens import authenticate, token_issue, token_revoke
from motcua.org.models import Membership, Role

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 2, 5, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def api(key):
    client = APIClient(REMOTE_ADDR="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_cached_sign_in_costs_the_counter_only(world, clock, django_assert_num_queries):
    _, key = token_issue(user=world.specialist, name="máy", actor=world.specialist)
    # The counter, the token with its user, the memberships.
    with django_assert_num_queries(3):
        first = authenticate(key)
    with django_assert_num_queries(1):
        second = authenticate(key)
    assert second.user == world.specialist and second.pk == first.pk
    assert second.user._motcua_memberships == [(world.agency.pk, Role.SPECIALIST)]
    # Deferred (the staff lookup reads the counter in its own query): nothing at all, and the
    # token says it still has to be confirmed.
    with django_assert_num_queries(0):
        third = authenticate(key, deferred=True)
    assert tokens.unconfirmed(third)
    assert not tokens.confirm(third, tokens.current_generation() + 1)
    assert tokens.confirm(third, tokens.current_generation()) and not tokens.unconfirmed(third)
    # Each request gets its own copies: what a request sets on its user stays there.
    second.user.otp_device = "x"
    assert not hasattr(authenticate(key).user, "otp_device")


@pytest.mark.parametrize("how", ["service", "sql"])
def test_a_revoked_token_is_refused_at_once(world, clock, how):
    token, key = token_issue(user=world.specialist, name="máy", actor=world.specialist)
    assert api(key).get("/api/v1/dossiers").status_code == 200
    if how == "service":
        token_revoke(token=token, actor=world.specialist)
    else:  # another worker, a script, the SQL prompt: no Python code of ours runs
        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_apitoken SET revoked_at = %s WHERE id = %s",
                           [NOON, token.pk])
    assert authenticate(key) is None
    assert api(key).get("/api/v1/dossiers").status_code == 401


def test_a_deactivated_user_and_a_new_password_end_the_cached_entry(world, clock):
    _, key = token_issue(user=world.specialist, name="máy", actor=world.specialist)
    assert api(key).get("/api/v1/dossiers").status_code == 200
    type(world.specialist).objects.filter(pk=world.specialist.pk).update(is_active=False)
    assert api(key).get("/api/v1/dossiers").status_code == 401
    type(world.specialist).objects.filter(pk=world.specialist.pk).update(is_active=True)
    assert api(key).get("/api/v1/dossiers").status_code == 200
    before = tokens._CACHE[tokens.hash_key(key)]
    world.specialist.set_password("một mật khẩu khác 2026")
    world.specialist.save()
    authenticate(key)
    assert tokens._CACHE[tokens.hash_key(key)] is not before  # read again


def test_a_removed_membership_is_honoured_at_once(world, clock):
    _, key = token_issue(user=world.specialist, name="máy", actor=world.specialist)
    assert api(key).get("/api/v1/dossiers").status_code == 200
    Membership.objects.filter(user=world.specialist).delete()
    assert api(key).get("/api/v1/dossiers").status_code == 403
    Membership.objects.create(user=world.specialist, unit=world.agency, role=Role.SPECIALIST)
    assert api(key).get("/api/v1/dossiers").status_code == 200


def test_expiry_the_next_day_and_the_safety_net(world, clock, settings, monkeypatch,
                                                django_assert_num_queries):
    token, key = token_issue(user=world.specialist, name="máy", actor=world.specialist, days=1)
    authenticate(key)
    # A membership that ends today: tomorrow it is read again (memberships are dated).
    Membership.objects.filter(user=world.specialist).update(valid_to=dt.date(2026, 3, 2))
    authenticate(key)
    clock.move_to(NOON + dt.timedelta(hours=20))
    found = authenticate(key)
    assert found is not None and found.user._motcua_memberships == []
    # Expired: refused even though cached.
    clock.move_to(token.expires_at + dt.timedelta(seconds=1))
    assert authenticate(key) is None
    assert authenticate(key, deferred=True) is None
    # The safety net: an entry older than MOTCUA_AUTH_CACHE_SECONDS is read again even if the
    # counter never moved (triggers dropped by hand).
    clock.move_to(NOON)
    _, key = token_issue(user=world.leader, name="máy", actor=world.leader)
    authenticate(key)
    real = tokens.time.monotonic
    monkeypatch.setattr(tokens.time, "monotonic", lambda: real() + settings.MOTCUA_AUTH_CACHE_SECONDS)
    with django_assert_num_queries(3):
        authenticate(key)
    settings.MOTCUA_AUTH_CACHE_SECONDS = 0
    tokens.forget()
    with django_assert_num_queries(2):  # no cache: the token and the memberships
        authenticate(key)
    assert not tokens._CACHE


def test_the_last_use_is_still_written_hourly(world, clock):
    token, key = token_issue(user=world.specialist, name="máy", actor=world.specialist)
    authenticate(key)
    clock.move_to(NOON + dt.timedelta(hours=2))
    authenticate(key)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == NOON + dt.timedelta(hours=2)


def test_a_lost_counter_row_comes_back_past_every_earlier_value(world, clock):
    """``flush`` (transactional tests, a restored dump without it) empties the one-row table:
    the next read writes it again, beyond any value an entry or an ETag was stamped with."""
    from motcua.accounts.models import CacheGeneration

    _, key = token_issue(user=world.specialist, name="máy", actor=world.specialist)
    before = tokens.current_generation()
    assert authenticate(key) is not None
    CacheGeneration.objects.all().delete()
    assert api(key).get("/api/v1/dossiers").status_code == 200
    assert CacheGeneration.objects.get().value > before + 10**15
    assert tokens._CACHE[tokens.hash_key(key)].generation == CacheGeneration.objects.get().value
