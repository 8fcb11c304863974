"""Conditional staff lookups: ``ETag`` / ``If-None-Match`` on ``GET /api/v1/dossiers/{code}``
(dossiers/conditional.py), and the cached sign-in confirmed by the same first query."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from motcua.accounts.models import ApiToken
from motcua.accounts.tokens import token_revoke
from motcua.audit.models import AccessLog
from motcua.dossiers import access, services
from motcua.dossiers import api as dossier_api
from motcua.org.models import Membership, Role
from tests.dossiers.test_lookup_queries import client_for
from tests.factories import staff, vn

pytestmark = pytest.mark.django_db


def logged(**filters):
    """The access log's rows, once the spooled reads are written (``audit.spool``)."""
    access.flush_pending()
    return AccessLog.objects.filter(**filters)


def url(d):
    return f"/api/v1/dossiers/{d.code}"


def again(client, d, etag, **extra):
    return client.get(url(d), HTTP_IF_NONE_MATCH=etag, **extra)


def test_the_detail_carries_a_weak_etag_and_a_304_answers_it(world, bring, frozen,
                                                               django_assert_num_queries):
    d = bring("appraising")
    client = client_for(world.specialist)
    first = client.get(url(d))
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"')
    assert "no-store" in first["Cache-Control"]  # personal data: no HTTP cache keeps it
    assert {"Authorization", "Accept-Language"} <= {v.strip() for v in first["Vary"].split(",")}
    # Within the access log's window: the head only (the sign-in is cached).
    with django_assert_num_queries(1):
        second = again(client, d, etag)
    assert second.status_code == 304 and second.content == b""
    assert second["ETag"] == etag and "no-store" in second["Cache-Control"]
    # Strong or weak, among others: the weak comparison.
    assert again(client, d, f'"other", {etag[2:]}').status_code == 304
    assert again(client, d, '"other"').status_code == 200


def test_the_cold_read_tags_as_the_head_does(world, bring, frozen, django_assert_num_queries):
    """Without ``If-None-Match`` the head query is skipped: the tag comes from the row of the
    one read and is the one the head gives (a revalidation matches it); with a tag that does
    not match, the head and the one read."""
    for status in ("appraising", "returned"):
        d = bring(status)
        client = client_for(world.specialist)
        client.get(url(d))  # the sign-in
        cache.clear()
        with django_assert_num_queries(1):
            cold = client.get(url(d))
        with django_assert_num_queries(2):
            other = again(client, d, '"other"')
        assert cold.status_code == other.status_code == 200
        assert cold["ETag"] == other["ETag"] and cold.content == other.content
        assert again(client, d, cold["ETag"]).status_code == 304


def test_a_stale_cached_sign_in_is_confirmed_by_the_cold_read(world, bring, frozen):
    """The one read's change counter confirms the cached sign-in: a membership removed since it
    was cached is honoured before the access check."""
    d = bring("appraising")
    client = client_for(world.specialist)
    assert client.get(url(d)).status_code == 200
    Membership.objects.filter(user=world.specialist).delete()
    assert client.get(url(d)).status_code == 403
    Membership.objects.create(user=world.specialist, unit=world.foreign, role=Role.SPECIALIST)
    assert client.get(url(d)).status_code == 404
    assert not logged(dossier=d, actor=world.specialist).count() > 1


def test_a_304_builds_no_body(world, bring, frozen, monkeypatch):
    d = bring("appraising")
    client = client_for(world.specialist)
    etag = client.get(url(d))["ETag"]

    def boom(*args, **kwargs):
        raise AssertionError("the body was built")

    monkeypatch.setattr(dossier_api, "record_body", boom)
    monkeypatch.setattr(dossier_api.access, "detail_read", boom)
    assert again(client, d, etag).status_code == 304


def test_a_304_is_a_logged_read(world, bring, frozen, settings):
    d = bring("appraising")
    client = client_for(world.specialist, ip="10.1.2.3")
    etag = client.get(url(d))["ETag"]
    assert logged(dossier=d).count() == 1
    # Within the window: one access, as for repeated 200s.
    assert again(client, d, etag).status_code == 304
    assert logged(dossier=d).count() == 1
    # Past the window (forgotten here): the 304 is logged like a 200.
    cache.clear()
    assert again(client, d, etag).status_code == 304
    rows = list(logged(dossier=d).order_by("id"))
    assert len(rows) == 2 and (rows[1].actor, rows[1].ip, rows[1].channel) == (
        world.specialist, "10.1.2.3", "api")
    settings.MOTCUA_VIEW_LOG_WINDOW_SECONDS = 0
    again(client, d, etag)
    again(client, d, etag)
    assert logged(dossier=d).count() == 4


def test_every_change_the_detail_shows_changes_the_tag(world, bring, frozen):
    d = bring("appraising")
    client = client_for(world.specialist)
    etag = client.get(url(d))["ETag"]
    services.dossier_act(actor=world.specialist, dossier=d, action="submit_for_approval",
                         at=vn(2026, 3, 2, 9, 0))
    changed = again(client, d, etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["status"] == "awaiting_approval"
    # A bulk update that no service wrote (a script, the SQL prompt): the trigger bumps.
    etag = changed["ETag"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE dossiers_dossier SET applicant_phone = '0900000000' WHERE id = %s",
                       [d.pk])
    changed = again(client, d, etag)
    assert changed.status_code == 200 and changed.json()["applicant"]["phone"] == "0900000000"
    # A code shown from another table: the unit's.
    etag = changed["ETag"]
    world.agency.code = "000.00.09.H15"
    world.agency.save()
    changed = again(client, d, etag)
    assert changed.status_code == 200 and changed.json()["competent_unit"] == "000.00.09.H15"


def test_the_clock_overdue_changes_the_tag(world, bring):
    with time_machine.travel(vn(2026, 3, 2, 8, 0), tick=False) as clock:
        d = bring("appraising")
        client = client_for(world.specialist)
        first = client.get(url(d))
        assert first.json()["overdue"] is False
        assert again(client, d, first["ETag"]).status_code == 304
        clock.move_to(d.due_at + dt.timedelta(minutes=1))
        late = again(client, d, first["ETag"])
        assert late.status_code == 200 and late.json()["overdue"] is True
        assert late["ETag"] != first["ETag"]


def test_the_tag_is_the_readers(world, bring, frozen):
    d = bring("appraising")
    etag = client_for(world.specialist).get(url(d))["ETag"]
    # Another officer, even of the same unit, never gets a 304 for it (allowed actions differ).
    other = again(client_for(world.leader), d, etag)
    assert other.status_code == 200 and other["ETag"] != etag
    # A unit that may not see it: a made-up or borrowed tag, or "*", still says not found.
    foreign = client_for(world.foreign_leader)
    assert again(foreign, d, etag).status_code == 404
    assert again(foreign, d, "*").status_code == 404
    assert not logged(actor=world.foreign_leader).exists()
    assert again(client_for(world.specialist), d, "*").status_code == 304
    # The language of the labels.
    client = client_for(world.specialist)
    vi = client.get(url(d))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = client.get(url(d))
    assert vi["ETag"] != en["ETag"] and vi.json()["status_label"] != en.json()["status_label"]


def test_the_courier_view_and_a_new_role_change_the_tag(world, bring, frozen):
    d = bring("appraising")
    courier = staff(Role.COURIER, world.agency, username="buudien")
    client = client_for(courier)
    first = client.get(url(d))
    assert first.json()["view"] == "delivery"
    Membership.objects.create(user=courier, unit=world.agency, role=Role.SPECIALIST)
    full = again(client, d, first["ETag"])
    assert full.status_code == 200 and full.json()["view"] == "full"


def test_revoked_expired_and_deactivated_tokens_are_refused_at_once(world, bring, frozen):
    d = bring("appraising")
    client = client_for(world.specialist)
    etag = client.get(url(d))["ETag"]
    token = ApiToken.objects.get(user=world.specialist)
    token_revoke(token=token, actor=world.specialist)
    assert again(client, d, etag).status_code == 401
    assert client.get(url(d)).status_code == 401
    assert client.get("/api/v1/dossiers/KHONG-CO").status_code == 401

    # Revoked at the SQL prompt: no Python code runs, the trigger raises the counter.
    client = client_for(world.specialist)
    etag = client.get(url(d))["ETag"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_apitoken SET revoked_at = %s WHERE revoked_at IS NULL",
                       [vn(2026, 3, 2, 8, 0)])
    assert again(client, d, etag).status_code == 401

    client = client_for(world.specialist)
    etag = client.get(url(d))["ETag"]
    world.specialist.is_active = False
    world.specialist.save(update_fields=["is_active"])
    assert again(client, d, etag).status_code == 401
    world.specialist.is_active = True
    world.specialist.save(update_fields=["is_active"])

    client = client_for(world.specialist)
    etag = client.get(url(d))["ETag"]
    expires = ApiToken.objects.filter(user=world.specialist).latest("pk").expires_at
    with time_machine.travel(expires + dt.timedelta(seconds=1), tick=False):
        assert again(client, d, etag).status_code == 401


def test_a_removed_membership_is_honoured_at_once(world, bring, frozen):
    d = bring("appraising")
    client = client_for(world.specialist)
    etag = client.get(url(d))["ETag"]
    Membership.objects.filter(user=world.specialist).delete()
    assert again(client, d, etag).status_code == 403
    assert client.get(url(d)).status_code == 403
    # Moved to another unit: the dossier is not theirs any more.
    Membership.objects.create(user=world.specialist, unit=world.foreign, role=Role.SPECIALIST)
    assert again(client, d, etag).status_code == 404
    # And back: seen at once, no stale refusal either.
    Membership.objects.create(user=world.specialist, unit=world.agency, role=Role.SPECIALIST)
    assert client.get(url(d)).status_code == 200


def test_a_session_reader_keeps_no_store(world, bring, frozen, client):
    d = bring("appraising")
    client.force_login(world.specialist)
    response = client.get(url(d))
    assert response.status_code == 200 and response["ETag"].startswith('W/"')
    assert "no-store" in response["Cache-Control"]
    assert client.get(url(d), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_the_tag_message_is_the_parts_joined(world, bring, frozen):
    """The tag's message is written as one f-string: the same text as each part through
    ``str()`` joined by "|" (a changed text would change every tag without a reason)."""
    import hashlib

    from django.utils.translation import get_language, override
    from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

    from motcua.dossiers.conditional import _key, release
    from motcua.org.permissions import memberships

    d = bring("appraising")
    for user in (world.specialist, world.receptionist):
        for renderer in (JSONRenderer(), BrowsableAPIRenderer(), None):
            for language in ("vi", "en", None):
                request = type("R", (), {"user": user, "accepted_renderer": renderer})()
                for h in (dossier_api.conditional.head(d.code, dossier_api.conditional.now()),
                          dossier_api.conditional.Head(d.pk, 3, "returned", True, 7)):
                    with override(language):
                        message = "|".join(str(part) for part in (
                            release(), h.id, h.version, h.generation, int(h.overdue), user.pk,
                            int(bool(user.is_superuser)), sorted(memberships(user)),
                            get_language(), getattr(renderer, "format", "")))
                        digest = hashlib.blake2b(message.encode(), key=_key(settings.SECRET_KEY),
                                                 digest_size=16)
                        tag = dossier_api.conditional.tag(request, h)
                    assert tag == f'W/"{digest.hexdigest()}"'
