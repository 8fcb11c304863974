"""``accounts.sessions.SessionStore`` reads the session row Django's database store reads:
the same data, key and "no such session" for live, expired, unknown and malformed keys, on
the same table, in one query compiled once."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from motcua.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _state(store_class, key):
    store = store_class(key)
    data = dict(store.items())
    return data, store.session_key, store.is_empty()


def test_same_sessions_as_django(settings):
    live = DjangoStore()
    live["_auth_user_id"] = "7"
    live["motcua_last_seen"] = 1_800_000_000
    live.create()
    live.save()
    short = DjangoStore()
    short.set_expiry(60)
    short["x"] = "y"
    short.save()
    keys = [live.session_key, short.session_key, "khongcophienlamviecnay12345678", "abc", "",
            None, live.session_key.upper()]
    for key in keys:
        assert _state(SessionStore, key) == _state(DjangoStore, key)
    assert _state(SessionStore, live.session_key)[0]["_auth_user_id"] == "7"
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=120), tick=False):
        # ``short`` has expired: neither store finds it.
        for key in keys:
            assert _state(SessionStore, key) == _state(DjangoStore, key)
        assert _state(SessionStore, short.session_key) == ({}, None, True)


def test_one_query_compiled_once(django_assert_num_queries):
    live = SessionStore()
    live["a"] = 1
    live.save()
    SessionStore(live.session_key).load()  # compiled here, once per database
    with mock.patch.object(SQLCompiler, "as_sql") as compiled, django_assert_num_queries(1):
        assert SessionStore(live.session_key).load() == {"a": 1}
    compiled.assert_not_called()


def test_the_engine_in_the_settings_is_this_one(settings):
    assert settings.SESSION_ENGINE == "motcua.accounts.sessions"
    assert issubclass(SessionStore, DjangoStore)
