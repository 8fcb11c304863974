"""The staff session store (phiên đăng nhập): Django's database sessions, read by a compiled
query.

Every request of a signed-in staff member reads its session row (the idle timeout, the
two-factor gate and the sign-in all need it). Django's ``Session.objects.get(session_key=…,
expire_date__gt=now)`` builds and compiles that query each time: ~650 Python calls of the
~13,000 of ``/can-bo/``, for one lookup by primary key. Here it is compiled once per database
(``orm_speed.CompiledQuery``) and gives the same row, or none; everything else — the cookie,
the signed data, saving, expiry, ``clearsessions`` — is Django's ``db`` backend unchanged, on
the same table.

``SESSION_ENGINE = "motcua.accounts.sessions"``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import router
from django.utils import timezone

from motcua.core.orm_speed import CompiledQuery

_LIVE_SESSION = CompiledQuery(
    lambda alias, key, now: Session.objects.using(alias).filter(
        session_key=key, expire_date__gt=now),
    "", dt.datetime(2, 1, 1, tzinfo=dt.UTC),
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        if self.get_model_class() is not Session:  # a subclass with its own model: Django's
            return super()._get_session_from_db()  # type: ignore[misc]  # not in django-stubs
        found = _LIVE_SESSION.objects(router.db_for_read(Session), self.session_key,
                                      timezone.now())
        if not found:
            self._session_key = None
            return None
        return found[0]
