"""Staff lookup ``GET /api/v1/dossiers/{code}``: a fixed number of queries, and every read of
personal data provable from the access log (once per officer, dossier and channel per window)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from motcua.audit.models import AccessLog, AppendOnlyError, AuditEvent
from motcua.audit.services import audit_verify
from motcua.dossiers import access, permissions, selectors, services
from motcua.dossiers.serializers import DossierDetailSerializer
from tests.dossiers.conftest import staff_of
from tests.factories import UserFactory, api_key_for, vn

pytestmark = pytest.mark.django_db

# One statement (``access.detail_read``): the dossier with the codes of its units, procedure,
# field and holder, its steps, history and documents, and the change counter, which confirms
# the token read from the process cache (and gives the ETag's head). The access log costs no
# statement: the read is spooled (``audit.spool``) and written later in a batch.
READ_QUERIES = 1
DETAIL_QUERIES = READ_QUERIES
# The first request of a token in a process: the change counter, the token with its user,
# the memberships.
SIGN_IN_QUERIES = 3


@pytest.fixture(autouse=True)
def _no_remembered_reads():
    # The window lives in the process-wide cache; ids repeat from one test to the next.
    cache.clear()
    yield
    cache.clear()


def client_for(user, ip="127.0.0.1"):
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def views(dossier, **filters):
    access.flush_pending()
    return AccessLog.objects.filter(dossier=dossier, **filters)


def test_detail_is_a_fixed_number_of_queries(world, bring, frozen, django_assert_num_queries):
    short = bring("received")
    long = bring("returned")  # nine steps of history, every planned step finished
    assert long.status_changes.count() > short.status_changes.count() + 5
    client = client_for(world.receptionist)
    with django_assert_num_queries(SIGN_IN_QUERIES + DETAIL_QUERIES):
        assert client.get(f"/api/v1/dossiers/{short.code}").status_code == 200
    for d in (short, long):
        cache.clear()
        with django_assert_num_queries(DETAIL_QUERIES):
            assert client.get(f"/api/v1/dossiers/{d.code}").status_code == 200
    # Within the window the same officer reads without spooling again.
    with django_assert_num_queries(READ_QUERIES):
        assert client.get(f"/api/v1/dossiers/{long.code}").status_code == 200
    # short: the sign-in request and the read after the window was forgotten.
    assert (views(short).count(), views(long).count()) == (2, 1)


def test_refused_and_unknown_reads_stop_before_the_personal_data(world, bring, frozen,
                                                                django_assert_max_num_queries):
    d = bring("appraising")
    foreign, specialist = client_for(world.foreign_leader), client_for(world.specialist)
    # Sign-in (first request), the one read; nothing of it is answered.
    with django_assert_max_num_queries(SIGN_IN_QUERIES + 1):
        response = foreign.get(f"/api/v1/dossiers/{d.code}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    with django_assert_max_num_queries(SIGN_IN_QUERIES + 1):
        assert specialist.get("/api/v1/dossiers/KHONG-CO").status_code == 404
    assert not AccessLog.objects.exists()


def test_the_response_is_unchanged(world, bring, frozen, rf):
    """The same body as the serializer gives for the dossier read the old way."""
    d = bring("interagency")
    body = client_for(world.leader).get(f"/api/v1/dossiers/{d.code}").json()
    request = rf.get("/")
    request.user = world.leader
    old = selectors.dossier_get(user=world.leader, code=d.code)
    expected = json.loads(JSONRenderer().render(
        DossierDetailSerializer(old, context={"request": request}).data))
    assert body == expected
    assert body["steps"] and body["history"] and body["applicant"]["name"]


def test_each_read_is_logged_with_who_when_how_and_where(world, bring, frozen):
    d = bring("appraising")
    before = AuditEvent.objects.count()
    assert client_for(world.specialist, ip="10.1.2.3").get(f"/api/v1/dossiers/{d.code}"
                                                           ).status_code == 200
    row = views(d).get()
    assert (row.actor, row.channel, row.ip) == (world.specialist, "api", "10.1.2.3")
    assert row.at == vn(2026, 3, 2, 8, 0)
    assert [r.actor for r in access.access_log(dossier=d)] == [world.specialist]
    # Reads no longer enter the dossier's hash chain, which stays intact.
    assert AuditEvent.objects.count() == before
    assert audit_verify() == []


def test_the_access_log_view_flushes_the_spool_first(world, bring, frozen):
    d = bring("appraising")
    assert client_for(world.specialist).get(f"/api/v1/dossiers/{d.code}").status_code == 200
    assert not AccessLog.objects.exists()  # spooled, not yet written
    assert [r.actor for r in access.access_log(dossier=d)] == [world.specialist]


def test_once_per_officer_and_dossier_within_the_window(world, bring, settings):
    settings.MOTCUA_VIEW_LOG_WINDOW_SECONDS = 300
    d = bring("appraising")
    other = bring("appraising")
    specialist, leader = client_for(world.specialist), client_for(world.leader)
    with time_machine.travel(vn(2026, 3, 3, 9, 0), tick=False) as clock:
        for _ in range(3):
            specialist.get(f"/api/v1/dossiers/{d.code}")
        assert views(d, actor=world.specialist).count() == 1
        # Another officer, another dossier, another address: each is its own access.
        leader.get(f"/api/v1/dossiers/{d.code}")
        specialist.get(f"/api/v1/dossiers/{other.code}")
        client_for(world.specialist, ip="10.9.9.9").get(f"/api/v1/dossiers/{d.code}")
        assert views(d, actor=world.leader).count() == 1
        assert views(other, actor=world.specialist).count() == 1
        assert views(d, actor=world.specialist).count() == 2
        clock.shift(dt.timedelta(seconds=299))
        specialist.get(f"/api/v1/dossiers/{d.code}")
        assert views(d, actor=world.specialist, ip="127.0.0.1").count() == 1
        clock.shift(dt.timedelta(seconds=2))
        specialist.get(f"/api/v1/dossiers/{d.code}")
        at = [r.at for r in views(d, actor=world.specialist, ip="127.0.0.1").order_by("id")]
        assert at == [vn(2026, 3, 3, 9, 0), vn(2026, 3, 3, 9, 5, 1)]


def test_window_zero_logs_every_read(world, bring, frozen, settings):
    settings.MOTCUA_VIEW_LOG_WINDOW_SECONDS = 0
    d = bring("appraising")
    for _ in range(3):
        client_for(world.specialist).get(f"/api/v1/dossiers/{d.code}")
    assert views(d).count() == 3


def test_a_read_on_another_channel_is_logged_apart(world, bring, frozen):
    d = bring("appraising")
    assert access.record_view(actor=world.specialist, dossier=d, channel=access.API) is not None
    assert access.record_view(actor=world.specialist, dossier=d, channel=access.API) is None
    assert access.record_view(actor=world.specialist, dossier=d, channel=access.WEB) is not None
    assert sorted(views(d).values_list("channel", flat=True)) == ["api", "web"]


def test_an_unavailable_cache_logs_rather_than_loses(world, bring, frozen, monkeypatch):
    d = bring("appraising")

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(access.cache, "get", broken)
    monkeypatch.setattr(access.cache, "set", broken)
    for _ in range(2):
        assert client_for(world.specialist).get(f"/api/v1/dossiers/{d.code}").status_code == 200
    assert views(d).count() == 2


def test_the_access_log_is_append_only(world, bring, frozen):
    d = bring("appraising")
    assert access.record_view(actor=world.specialist, dossier=d, channel=access.API)
    row = views(d).get()
    row.channel = "web"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(ValueError):
        access.record_view(actor=None, dossier=d, channel=access.API)


def test_visibility_agrees_with_the_permission_rule(world, bring, frozen):
    d = bring("interagency")
    services.dossier_act(actor=world.partner_specialist, dossier=d, action="interagency_done",
                         at=vn(2026, 3, 2, 11, 0))
    d.refresh_from_db()
    superuser = UserFactory(is_superuser=True)
    outsider = UserFactory()
    dossiers = [d, bring("received"), bring("returned")]
    for dossier in dossiers:
        for user in [*staff_of(world), superuser, outsider]:
            permissions.forget(user)
            expected = permissions.can_view_dossier(user, dossier)
            try:
                access.dossier_for_view(user=user, code=dossier.code)
                seen = True
            except Exception as exc:
                assert getattr(exc, "code", None) == "unit_not_allowed"
                seen = False
            assert seen == expected, (user.username, dossier.status)
    # The partner sees the first dossier only through the step it held.
    partner_units = permissions.staff_units(world.partner_specialist)
    assert not partner_units & {d.receiving_unit_id, d.competent_unit_id, d.current_unit_id}
    assert permissions.can_view_dossier(world.partner_specialist, d)
