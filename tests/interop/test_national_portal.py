"""The national portal link: dossiers in through the API as a system account, status changes
out through an outbox to a local HTTP receiver (retries, order per dossier)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from motcua.accounts.tokens import token_issue
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import NATIONAL_CODE
from motcua.interop.models import NationalPortalDossier, NationalPortalEvent
from motcua.interop.outbox import interop_retry, interop_send_pending
from tests.dossiers.conftest import APPLICANT, documents_for
from tests.factories import vn


class Receiver:
    """A local HTTP endpoint standing in for the national portal; fails the first
    ``fail_first`` requests with a 503."""

    def __init__(self):
        self.received: list[dict] = []
        self.headers: list[dict] = []
        self.fail_first = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail_first > 0:
                    receiver.fail_first -= 1
                    self.send_response(503)
                    self.end_headers()
                    self.wfile.write("bận".encode())
                    return
                receiver.received.append(json.loads(body.decode("utf-8")))
                receiver.headers.append(dict(self.headers))
                self.send_response(202)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/dong-bo"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal(settings):
    receiver = Receiver()
    settings.MOTCUA_NATIONAL_PORTAL_URL = receiver.url
    settings.MOTCUA_NATIONAL_PORTAL_TOKEN = "bi-mat"
    settings.MOTCUA_NOTIFICATION_MAX_ATTEMPTS = 4
    yield receiver
    receiver.close()


@pytest.fixture
def system_account(db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("cong-dvcqg")
    user.user_permissions.add(Permission.objects.get(codename="submit_from_national_portal"))
    _, key = token_issue(user=user, name="Cổng DVC quốc gia", actor=None)
    return user, key


def submission(world, external_id="G22-000123"):
    return {"external_id": external_id, "procedure": world.version.procedure.code,
            "receiving_unit": world.center.code,
            "applicant": {k: v for k, v in APPLICANT.items()},
            "documents": documents_for(world.version), "delivery": {"method": "online"}}


@pytest.mark.django_db
def test_the_portal_submits_an_online_dossier_once(world, system_account, client, portal):
    _, key = system_account
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    response = client.post("/api/v1/national-portal/dossiers", submission(world),
                           content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    dossier = Dossier.objects.get(code=body["code"])
    assert (dossier.channel, dossier.status) == (2, "submitted")
    assert NationalPortalDossier.objects.get(dossier=dossier).external_id == "G22-000123"
    # The portal retries after a lost answer: the same dossier, not a second one.
    again = client.post("/api/v1/national-portal/dossiers", submission(world),
                        content_type="application/json", **auth)
    assert again.status_code == 200 and again.json()["code"] == body["code"]
    assert again.json()["created"] is False
    assert Dossier.objects.count() == 1
    # Its first status (Mới đăng ký, national code 1) is on its way back with the portal's id.
    assert interop_send_pending()["sent"] == 1
    sent = portal.received[0]
    assert (sent["dossier_code"], sent["national_status"], sent["external_id"]) == (
        dossier.code, 1, "G22-000123")
    assert portal.headers[0]["Authorization"] == "Bearer bi-mat"


@pytest.mark.django_db
def test_the_system_account_can_do_nothing_else(world, system_account, client, bring):
    _, key = system_account
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    d = bring("received")
    assert client.get("/api/v1/dossiers", **auth).status_code == 403
    assert client.get(f"/api/v1/dossiers/{d.code}", **auth).status_code == 403
    assert client.post(f"/api/v1/dossiers/{d.code}/actions/transfer", {},
                       content_type="application/json", **auth).status_code == 403
    # And a staff token may not pose as the portal.
    _, staff_key = token_issue(user=world.receptionist, name="pc", actor=None)
    assert client.post("/api/v1/national-portal/dossiers", submission(world),
                       content_type="application/json",
                       HTTP_AUTHORIZATION=f"Token {staff_key}").status_code == 403
    assert client.post("/api/v1/national-portal/dossiers", submission(world),
                       content_type="application/json").status_code == 401


@pytest.mark.django_db
def test_bad_submission_is_a_clear_400_and_writes_nothing(world, system_account, client,
                                                          portal):
    _, key = system_account
    bad = submission(world) | {"procedure": "9.999999"}
    response = client.post("/api/v1/national-portal/dossiers", bad,
                           content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 400
    assert response.json()["code"] == "procedure_unknown"
    assert Dossier.objects.count() == 0 and NationalPortalEvent.objects.count() == 0


@pytest.mark.django_db
def test_failing_receiver_retries_then_delivers_in_order(world, bring, portal):
    dossier = bring("submitted")
    at = vn(2026, 3, 2, 9, 0)
    services.dossier_act(actor=world.receptionist, dossier=dossier, action="receive", at=at)
    dossier.refresh_from_db()
    services.dossier_act(actor=world.receptionist, dossier=dossier, action="transfer",
                         at=at + dt.timedelta(minutes=5))
    assert NationalPortalEvent.objects.filter(dossier=dossier).count() == 3
    portal.fail_first = 2
    t0 = timezone.now()
    # The first change fails; the later ones wait behind it (never sent out of order).
    assert interop_send_pending(now=t0) == {"sent": 0, "retry": 1, "failed": 0, "waiting": 2}
    first = NationalPortalEvent.objects.filter(dossier=dossier).order_by("id")[0]
    assert first.status == "pending" and first.attempts == 1 and "503" in first.last_error
    assert first.next_attempt_at == t0 + dt.timedelta(seconds=60)
    t1 = t0 + dt.timedelta(seconds=60)
    assert interop_send_pending(now=t1)["retry"] == 1
    first.refresh_from_db()
    assert first.next_attempt_at == t1 + dt.timedelta(seconds=120)
    assert interop_send_pending(now=t1 + dt.timedelta(seconds=120))["sent"] == 3
    assert [e["status"] for e in portal.received] == ["submitted", "received", "transferred"]
    assert [e["national_status"] for e in portal.received] == [
        NATIONAL_CODE[s] for s in ("submitted", "received", "transferred")]
    keys = [h["Idempotency-Key"] for h in portal.headers]
    assert len(set(keys)) == 3


@pytest.mark.django_db
def test_failed_after_the_last_try_blocks_the_dossier_until_retried(world, bring, portal):
    dossier = bring("submitted")
    services.dossier_act(actor=world.receptionist, dossier=dossier, action="receive",
                         at=vn(2026, 3, 2, 9, 0))
    portal.fail_first = 100
    now = timezone.now()
    for _ in range(4):
        interop_send_pending(now=now)
        now += dt.timedelta(hours=2)
    first, second = NationalPortalEvent.objects.filter(dossier=dossier).order_by("id")
    assert (first.status, first.attempts, second.status) == ("failed", 4, "pending")
    assert interop_send_pending(now=now)["waiting"] == 1
    portal.fail_first = 0
    assert interop_retry(actor=world.manager, ids=[first.pk]) == 1
    assert interop_send_pending()["sent"] == 2
    assert [e["status"] for e in portal.received] == ["submitted", "received"]


@pytest.mark.django_db
def test_only_online_dossiers_and_only_when_configured(world, bring, settings, portal):
    bring("received")  # at the counter (channel 1)
    assert NationalPortalEvent.objects.count() == 0
    settings.MOTCUA_NATIONAL_PORTAL_URL = ""
    bring("submitted")
    assert NationalPortalEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_sends_nothing_and_commit_sends_at_once(world, bring, portal):
    dossier = bring("submitted")  # autocommit: sent right after its commit
    assert [e["status"] for e in portal.received] == ["submitted"]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.dossier_act(actor=world.receptionist, dossier=dossier, action="receive",
                             at=vn(2026, 3, 2, 9, 0))
        raise RuntimeError("rolled back")
    assert NationalPortalEvent.objects.count() == 1
    assert len(portal.received) == 1


@pytest.mark.django_db
def test_the_account_command_prints_a_working_token(world, client, capsys):
    call_command("national_portal_account")
    key = capsys.readouterr().out.strip()
    response = client.post("/api/v1/national-portal/dossiers", submission(world, "X-1"),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 201, response.content
