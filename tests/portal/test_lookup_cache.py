"""Public lookup ``/tra-cuu/{code}/``: one query, built once per process, and never stale.

The page's SQL is compiled once and reused (``selectors._PUBLIC_LOOKUP``, a
``core.orm_speed.CompiledLookup``); nothing of
the answer is kept between requests, so a transition, a new appointment or a changed address
of the receiving unit shows on the next request.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.transitions import TRANSITIONS
from motcua.portal import selectors
from tests.dossiers import conftest as dossier_fixtures
from tests.dossiers.conftest import PATHS, actor_for, params_for
from tests.factories import vn

pytestmark = pytest.mark.django_db

# The dossiers' small province and its real services, to move a dossier along.
world, receive, bring = dossier_fixtures.world, dossier_fixtures.receive, dossier_fixtures.bring


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_page_is_one_query(client, bring, django_assert_num_queries):
    d = bring("appraising")
    client.get(f"/tra-cuu/{d.code}/")  # the first request of the process compiles the query
    with django_assert_num_queries(1):
        assert client.get(f"/tra-cuu/{d.code}/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/tra-cuu/000.00.01.H15-260302-9999/").status_code == 404


def test_the_compiled_query_reads_what_the_orm_reads(bring):
    d = bring("returned")
    expected = Dossier.objects.filter(code=d.code).values(
        *selectors._PUBLIC_DOSSIER_FIELDS).get()
    assert selectors._public_row(d.code) == expected
    assert expected["returned_at"] is not None and expected["returned_at"].utcoffset() is not None
    assert selectors._public_row("KHONG-CO") is None


def test_a_transition_shows_on_the_next_request(client, world, bring):
    d = bring("awaiting_approval")
    before = _text(client.get(f"/tra-cuu/{d.code}/"))
    assert "Đang xử lý" in before and "Đã trả kết quả" not in before
    at = vn(2026, 3, 3, 9, 0)
    for action in PATHS["returned"][len(PATHS["awaiting_approval"]):]:
        at += dt.timedelta(minutes=30)
        services.dossier_act(actor=actor_for(world, TRANSITIONS[action], d), dossier=d,
                             action=action, at=at, **params_for(world, action))
        d.refresh_from_db()
    after = _text(client.get(f"/tra-cuu/{d.code}/"))
    assert f"Đã trả kết quả lúc {at:%H:%M %d/%m/%Y}" in after
    assert "Đang xử lý" not in after


def test_a_new_address_of_the_unit_shows_on_the_next_request(client, world, bring):
    d = bring("appraising")
    assert "12 Đường Mới" not in _text(client.get(f"/tra-cuu/{d.code}/"))
    world.center.address = "12 Đường Mới, phường Tân An"
    world.center.save()
    assert "12 Đường Mới, phường Tân An" in _text(client.get(f"/tra-cuu/{d.code}/"))
