"""The citizen API (/api/v1/citizen/) for the province's mobile app: the ID token exchange
(the development provider's real signing key, a real authorization code flow of the mobile
client), citizen tokens kept apart from staff tokens, and what the portal pages do: my
dossiers, drafts, uploads under the same policy, submission, supplements, withdrawal and
downloads; another citizen's draft or dossier is 404 everywhere."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.citizens.conftest import AN, BINH, PASSWORD, PDF, PNG
from tests.citizens.test_desk import _citizen, _submitted

ISSUER = "http://testserver/idp-dev/o"
API = "/api/v1/citizen"
EXE = b"MZ\x90\x00" + b"\x00" * 500
JS_PDF = (b"%PDF-1.7\n" + b"x" * 70000 + b"\n1 0 obj << /OpenAction << /S /J#61vaScript "
          b"/JS (app.alert(1)) >> >> endobj\n%%EOF")


# --- Tokens of the development provider ----------------------------------------------------


def _kid(client) -> str:
    return client.get("/idp-dev/o/.well-known/jwks.json").json()["keys"][0]["kid"]


def mint(client, identity=AN, *, nonce="nonce-1", audience=None, issuer=ISSUER, lifetime=300,
         **extra) -> str:
    """An ID token signed with the development provider's own key (as its token endpoint
    signs them), with claims chosen by the test."""
    import jwt
    from django.conf import settings

    from motcua.devidp.keys import private_key_pem

    now = int(time.time())
    claims = {"iss": issuer, "aud": audience or settings.MOTCUA_OIDC_MOBILE_CLIENT_ID,
              "sub": identity["id_number"], "iat": now, "exp": now + lifetime, "nonce": nonce,
              "name": identity["name"], "id_number": identity["id_number"],
              "birth_date": identity["birth_date"].isoformat(), "gender": identity["gender"],
              "address": identity["address"], "phone": identity["phone"],
              "email": identity["email"], **extra}
    return jwt.encode(claims, private_key_pem(), algorithm="RS256",
                      headers={"kid": _kid(client)})


def app_sign_in(username: str, nonce: str) -> str:
    """What the mobile app does: authorization code + PKCE at the provider with its own client
    id, then the token endpoint; returns the ID token."""
    from urllib.parse import parse_qs, urlsplit

    from motcua.devidp.setup import MOBILE_REDIRECT_URI, ensure_mobile_client

    app = ensure_mobile_client()
    phone = Client()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {"response_type": "code", "client_id": app.client_id,
              "redirect_uri": MOBILE_REDIRECT_URI, "scope": "openid profile", "state": "s1",
              "nonce": nonce, "code_challenge": challenge, "code_challenge_method": "S256"}
    login = phone.get("/idp-dev/o/authorize/", params)
    parts = urlsplit(login["Location"])
    done = phone.post(parts.path, {"username": username, "password": PASSWORD,
                                   "next": parse_qs(parts.query)["next"][0]})
    back = phone.get(done["Location"])
    assert back.status_code == 302 and back["Location"].startswith(MOBILE_REDIRECT_URI), back
    code = parse_qs(urlsplit(back["Location"]).query)["code"][0]
    answer = phone.post("/idp-dev/o/token/", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": MOBILE_REDIRECT_URI,
        "client_id": app.client_id, "code_verifier": verifier})
    assert answer.status_code == 200, answer.content
    return answer.json()["id_token"]


def exchange(client, id_token: str, nonce: str = "nonce-1", **extra):
    return client.post(f"{API}/token", {"id_token": id_token, "nonce": nonce, **extra},
                       content_type="application/json")


def _binh():
    from motcua.citizens import services

    return services.citizen_sign_in(claims={
        "sub": BINH["id_number"], "id_number": BINH["id_number"], "name": BINH["name"],
        "birth_date": BINH["birth_date"].isoformat(), "gender": BINH["gender"]}, issuer="test")


def auth(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


@pytest.fixture
def an_key(client, portal, backchannel):
    answer = exchange(client, mint(client))
    assert answer.status_code == 201, answer.content
    return answer.json()["token"]


@pytest.fixture
def binh_key(client, portal, backchannel):
    answer = exchange(client, mint(client, BINH, nonce="nonce-binh"), nonce="nonce-binh")
    assert answer.status_code == 201, answer.content
    return answer.json()["token"]


# --- Token exchange -------------------------------------------------------------------------


def test_the_mobile_apps_real_sign_in_is_exchanged_for_a_citizen_token(client, portal,
                                                                       backchannel):
    from motcua.accounts.models import ApiToken, TokenKind
    from motcua.citizens.models import CitizenProfile

    id_token = app_sign_in("congdan1", nonce="n-real")
    answer = exchange(client, id_token, nonce="n-real", device="Điện thoại của An")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["citizen"]["id_number"] == AN["id_number"]
    assert body["citizen"]["full_name"] == AN["name"]
    token = ApiToken.objects.get()
    assert token.kind == TokenKind.CITIZEN and token.name == "Điện thoại của An"
    assert token.user == CitizenProfile.objects.get(id_number=AN["id_number"]).user
    me = client.get(f"{API}/me", **auth(body["token"]))
    assert me.status_code == 200 and me.json()["full_name"] == AN["name"]


def _tampered(client):
    head, body, sig = mint(client).split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["id_number"] = BINH["id_number"]
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return ".".join([head, body, sig])


def _hs256(client):
    import jwt

    now = int(time.time())
    return jwt.encode({"iss": ISSUER, "aud": "motcua-mobile-dev", "sub": "1", "iat": now,
                       "exp": now + 300, "nonce": "nonce-1", "id_number": AN["id_number"],
                       "name": "x"}, "public-key-as-secret-padded-to-32-bytes", algorithm="HS256",
                      headers={"kid": _kid(client)})


REJECTED = {
    "tampered": (_tampered, "InvalidSignatureError"),
    "portal_audience": (lambda c: mint(c, audience="motcua-portal-dev"), "InvalidAudience"),
    "other_issuer": (lambda c: mint(c, issuer="https://gia-mao.example/o"), "InvalidIssuer"),
    "expired": (lambda c: mint(c, lifetime=-3600), "expired"),
    "wrong_nonce": (lambda c: mint(c, nonce="nonce-of-another-request"), "Nonce"),
    "hs256": (_hs256, "RS256"),
    "not_a_jwt": (lambda c: "khong-phai-jwt", "DecodeError"),
    "no_id_number": (lambda c: mint(c, id_number=""), "số định danh"),
}


@pytest.mark.parametrize("case", list(REJECTED))
def test_rejected_id_tokens_answer_401_write_nothing_and_are_logged(client, portal,
                                                                    backchannel, case):
    from motcua.accounts.models import ApiToken
    from motcua.audit.models import AuditEvent
    from motcua.citizens.models import CitizenProfile

    make, reason = REJECTED[case]
    answer = exchange(client, make(client))
    assert answer.status_code == 401, answer.content
    assert answer.json()["code"] == "id_token_rejected"
    assert "Không xác thực được thông tin định danh" in answer.json()["message"]
    assert not CitizenProfile.objects.exists() and not ApiToken.objects.exists()
    event = AuditEvent.objects.get(event_type="security.oidc_rejected")
    assert reason in str(event.data) and "/api/v1/citizen/token" in str(event.data)


def test_messages_follow_the_language_cookie(client, portal, backchannel, settings):
    key = exchange(client, mint(client, nonce="n-2"), nonce="n-2").json()["token"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # Refused before the provider is asked (in the test the provider is this very site, whose
    # answer would switch the language of the request back to Vietnamese).
    answer = exchange(client, "khong-phai-jwt")
    assert answer.json()["message"].startswith("The identity could not be verified")
    answer = client.post(f"{API}/drafts", {"procedure": portal.offline.procedure.code},
                         content_type="application/json", **auth(key))
    assert answer.status_code == 400 and "online" in answer.json()["message"]


def test_an_id_token_is_exchanged_once(client, portal, backchannel):
    from motcua.accounts.models import ApiToken
    from motcua.audit.models import AuditEvent

    id_token = mint(client)
    assert exchange(client, id_token).status_code == 201
    again = exchange(client, id_token)
    assert again.status_code == 401
    assert ApiToken.objects.count() == 1
    assert "replayed" in str(AuditEvent.objects.get(event_type="security.oidc_rejected").data)


def test_a_replay_is_refused_by_another_worker_too(client, portal, backchannel):
    """The used nonce is in the database: another worker process (its own cache, emptied
    here) refuses the replay as well; records of expired tokens are pruned."""
    import datetime as dt

    from django.core.cache import cache
    from django.utils import timezone

    from motcua.citizens.models import UsedNonce

    stale = UsedNonce.objects.create(digest="0" * 64,
                                     expires_at=timezone.now() - dt.timedelta(seconds=1))
    id_token = mint(client)
    assert exchange(client, id_token).status_code == 201
    assert not UsedNonce.objects.filter(pk=stale.pk).exists()
    cache.clear()
    assert exchange(client, id_token).status_code == 401
    assert UsedNonce.objects.count() == 1


def test_missing_fields_are_400_and_an_unreachable_provider_503(client, portal, backchannel):
    answer = client.post(f"{API}/token", {}, content_type="application/json")
    assert answer.status_code == 400
    assert set(answer.json()["fields"]) == {"id_token", "nonce"}
    backchannel["tamper"] = lambda path, content: b"<html>down</html>"
    answer = exchange(client, mint(client))
    assert answer.status_code == 503 and answer.json()["code"] == "idp_unavailable"


def test_without_a_mobile_client_id_the_exchange_is_off(client, portal, backchannel, settings):
    settings.MOTCUA_OIDC_MOBILE_CLIENT_ID = ""
    answer = exchange(client, mint(client, audience="motcua-mobile-dev"))
    assert answer.status_code == 503 and answer.json()["code"] == "mobile_signin_off"


def test_a_citizen_token_passes_no_staff_check(client, portal, an_key):
    dossier = _submitted(portal, _citizen(portal))
    for url in ("/api/v1/dossiers", f"/api/v1/dossiers/{dossier.code}", "/api/v1/auth/tokens",
                f"/api/v1/dossiers/{dossier.code}/payments",
                "/api/v1/reports/official?from=2026-03-01&to=2026-03-31"):
        answer = client.get(url, **auth(an_key))
        assert answer.status_code in (403, 404), url
    answer = client.get("/api/v1/dossiers", **auth(an_key))
    assert answer.status_code == 403 and answer.json()["code"] == "wrong_token_kind"
    answer = client.post(f"/api/v1/dossiers/{dossier.code}/actions/receive", {},
                         content_type="application/json", **auth(an_key))
    assert answer.status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == "submitted"


def test_a_staff_token_gets_403_on_the_citizen_api(client, portal):
    from tests.factories import api_key_for

    key = api_key_for(portal.receptionist)
    for url in (f"{API}/me", f"{API}/dossiers", f"{API}/drafts", f"{API}/store"):
        answer = client.get(url, **auth(key))
        assert answer.status_code == 403, url
        assert answer.json()["code"] == "wrong_token_kind"
    assert client.delete(f"{API}/token", **auth(key)).status_code == 403
    assert client.get(f"{API}/dossiers").status_code == 401


def test_log_out_revokes_the_token(client, portal, an_key):
    from motcua.accounts.models import ApiToken

    assert client.delete(f"{API}/token", **auth(an_key)).status_code == 204
    assert ApiToken.objects.get().revoked_at is not None
    assert client.get(f"{API}/me", **auth(an_key)).status_code == 401


def test_the_exchange_is_throttled_as_the_staff_log_in(client, portal, backchannel,
                                                      monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES",
                        {"anon": "100000/minute", "user": "100000/minute", "login": "2/minute"})
    codes = [exchange(client, "x").status_code for _ in range(3)]
    assert codes == [401, 401, 429]


# --- My dossiers ----------------------------------------------------------------------------


def test_my_dossiers_lists_only_mine_paginated(client, portal, an_key):
    from motcua.citizens.models import CitizenProfile

    an = CitizenProfile.objects.get(id_number=AN["id_number"])
    mine = [_submitted(portal, an) for _ in range(3)]
    theirs = _submitted(portal, _binh())
    answer = client.get(f"{API}/dossiers", **auth(an_key))
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 3
    assert {r["code"] for r in body["results"]} == {d.code for d in mine}
    assert theirs.code not in answer.content.decode()
    row = body["results"][0]
    assert row["status"] == "submitted" and row["status_label"] == "Mới đăng ký"
    assert row["awaiting"]["by"] == "agency"
    assert client.get(f"{API}/dossiers?page=9", **auth(an_key)).status_code == 404


def test_detail_shows_status_dates_awaited_timeline_and_actions(client, portal, an_key):
    from motcua.citizens.models import CitizenProfile
    from motcua.dossiers import services

    an = CitizenProfile.objects.get(id_number=AN["id_number"])
    dossier = _submitted(portal, an)
    services.dossier_act(actor=portal.receptionist, dossier=dossier, action="receive")
    services.dossier_act(actor=portal.receptionist, dossier=dossier, action="request_supplement",
                         items="Bản vẽ mặt bằng", reason="Thiếu")
    body = client.get(f"{API}/dossiers/{dossier.code}", **auth(an_key)).json()
    assert body["status"] == "supplement_requested"
    assert body["due_at"]
    assert body["supplement"] == {"items": "Bản vẽ mặt bằng", "before_receipt": False}
    assert body["awaiting"]["by"] == "applicant"
    assert [e["status"] for e in body["timeline"]] == ["submitted", "received",
                                                       "supplement_requested"]
    assert body["timeline"][1]["label"] == "Đã tiếp nhận"
    assert body["actions"] == {"supplement": True, "withdraw": False, "withdraw_at_desk": True,
                               "result": False}
    assert len(body["files"]) == 2 and body["apology"] is None


def test_another_citizens_dossier_and_an_unknown_code_are_the_same_404(client, portal, an_key):
    theirs = _submitted(portal, _binh())
    file_id = theirs.citizen_files.first().pk
    for code in (theirs.code, "KHONG-CO-MA-NAY"):
        for method, url in (("get", ""), ("get", "/receipt.pdf"), ("get", "/result"),
                            ("get", f"/files/{file_id}"), ("post", "/withdraw"),
                            ("post", "/supplement")):
            answer = getattr(client, method)(f"{API}/dossiers/{code}{url}", **auth(an_key))
            assert answer.status_code == 404, (code, url)
            assert answer.json() == {"code": "not_found", "message": "Không tìm thấy."}
    theirs.refresh_from_db()
    assert theirs.status == "submitted"


def test_receipt_and_files_of_my_dossier(client, portal, an_key):
    from motcua.citizens.models import CitizenProfile

    dossier = _submitted(portal, CitizenProfile.objects.get(id_number=AN["id_number"]))
    pdf = client.get(f"{API}/dossiers/{dossier.code}/receipt.pdf", **auth(an_key))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    row = dossier.citizen_files.first()
    got = client.get(f"{API}/dossiers/{dossier.code}/files/{row.pk}", **auth(an_key))
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert client.get(f"{API}/dossiers/{dossier.code}/result",
                      **auth(an_key)).status_code == 404


# --- Drafts ---------------------------------------------------------------------------------


def _new_draft(client, portal, key, version=None):
    version = version or portal.version
    return client.post(f"{API}/drafts", {"procedure": version.procedure.code},
                       content_type="application/json", **auth(key))


def _docs(portal):
    return list(portal.version.documents.order_by("order", "pk"))


def _upload(client, key, draft_id, doc_id, name, content):
    return client.post(f"{API}/drafts/{draft_id}/documents/{doc_id}/files",
                       {"file": SimpleUploadedFile(name, content)}, **auth(key))


def test_a_procedure_without_online_mode_is_400_and_nothing_is_written(client, portal, an_key):
    from motcua.citizens.models import Draft

    answer = _new_draft(client, portal, an_key, portal.offline)
    assert answer.status_code == 400
    assert answer.json()["code"] == "procedure_not_online"
    assert "chưa cung cấp dịch vụ công trực tuyến" in answer.json()["fields"]["procedure"][0]
    answer = client.post(f"{API}/drafts", {"procedure": "9.999999"},
                         content_type="application/json", **auth(an_key))
    assert answer.status_code == 400 and answer.json()["code"] == "procedure_unknown"
    answer = client.post(f"{API}/drafts", {"procedure": portal.version.procedure.code,
                                           "receiving_unit": portal.agency.code},
                         content_type="application/json", **auth(an_key))
    assert answer.status_code == 400 and answer.json()["code"] == "receiving_unit_required"
    assert not Draft.objects.exists()


def test_create_and_update_a_draft(client, portal, an_key):
    answer = _new_draft(client, portal, an_key)
    assert answer.status_code == 201, answer.content
    draft = answer.json()
    assert draft["receiving_unit"] == portal.center.code
    assert draft["applicant"]["id_number"] == AN["id_number"]
    assert [d["name"] for d in draft["documents"]] == [d.name for d in _docs(portal)]
    assert len(draft["missing"]) == 2
    url = f"{API}/drafts/{draft['id']}"
    answer = client.patch(url, {
        "applicant": {"address": "99 Trần Phú", "name": "Người Khác"},
        "request_summary": "Cấp phép xây nhà.",
        "delivery": {"method": "post", "address": "99 Trần Phú"}},
        content_type="application/json", **auth(an_key))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["applicant"]["address"] == "99 Trần Phú"
    assert body["applicant"]["name"] == AN["name"]  # the identity is the provider's
    assert body["delivery"] == {"method": "post", "address": "99 Trần Phú"}
    answer = client.patch(url, {"request_summary": "  ", "delivery": {"method": "post"}},
                          content_type="application/json", **auth(an_key))
    assert answer.status_code == 400
    assert set(answer.json()["fields"]) == {"request_summary", "delivery.address"}
    assert client.get(url, **auth(an_key)).json()["request_summary"] == "Cấp phép xây nhà."
    listed = client.get(f"{API}/drafts", **auth(an_key)).json()
    assert [d["id"] for d in listed["results"]] == [draft["id"]]


@pytest.mark.parametrize("name,content,words", [
    ("hoa-don.pdf", EXE, "Chỉ nhận tệp PDF, PNG, JPEG"),
    ("don.pdf", JS_PDF, "có chứa mã lệnh"),
])
def test_bad_files_are_400_with_a_vietnamese_message_and_nothing_is_written(
        client, portal, an_key, name, content, words):
    from motcua.citizens.models import CitizenFile

    draft = _new_draft(client, portal, an_key).json()
    answer = _upload(client, an_key, draft["id"], _docs(portal)[0].pk, name, content)
    assert answer.status_code == 400
    assert words in answer.json()["message"]
    assert not CitizenFile.objects.exists()


def test_oversize_files_are_cut_off_or_refused_before_reading(client, portal, an_key, settings):
    from motcua.citizens.models import CitizenFile

    settings.MOTCUA_UPLOAD_MAX_MB = 1
    draft = _new_draft(client, portal, an_key).json()
    doc = _docs(portal)[0].pk
    answer = _upload(client, an_key, draft["id"], doc, "lon.pdf",
                     b"%PDF-1.4\n" + b"0" * (int(1.5 * 1024 * 1024)))
    assert answer.status_code == 400 and "Tệp quá lớn" in answer.json()["message"]

    class Untouchable:
        def read(self, *args):  # pragma: no cover - reaching it is the failure
            raise AssertionError("the body was read")

        readline = read

    answer = client.generic(
        "POST", f"{API}/drafts/{draft['id']}/documents/{doc}/files", b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(200 * 1024 * 1024), **{"wsgi.input": Untouchable()}, **auth(an_key))
    assert answer.status_code == 400 and answer.json()["code"] == "file_too_large"
    assert not CitizenFile.objects.exists()


def test_upload_remove_and_reuse_from_the_store(client, portal, an_key):
    from motcua.citizens.models import ElectronicDocument, Source

    draft = _new_draft(client, portal, an_key).json()
    first, second = _docs(portal)[:2]
    answer = _upload(client, an_key, draft["id"], first.pk, "a.png", PNG)
    assert answer.status_code == 201, answer.content
    assert answer.json()["content_type"] == "image/png" and answer.json()["document"] == first.pk
    file_id = answer.json()["id"]
    answer = client.post(f"{API}/drafts/{draft['id']}/documents/{first.pk}/files", {},
                         **auth(an_key))
    assert answer.status_code == 400 and answer.json()["code"] == "files_required"
    assert _upload(client, an_key, draft["id"], 999999, "a.pdf", PDF).status_code == 400
    url = f"{API}/drafts/{draft['id']}/files/{file_id}"
    assert client.delete(url, **auth(an_key)).status_code == 204
    assert client.delete(url, **auth(an_key)).status_code == 404

    mine = ElectronicDocument.objects.create(id_number=AN["id_number"], name=second.name,
                                             file="kho/ban-ve.pdf", size=10,
                                             source=Source.RESULT)
    theirs = ElectronicDocument.objects.create(id_number=BINH["id_number"], name="x",
                                               file="kho/x.pdf", source=Source.RESULT)
    store = client.get(f"{API}/store", **auth(an_key)).json()
    assert [e["id"] for e in store["results"]] == [mine.pk]
    reuse = f"{API}/drafts/{draft['id']}/documents/{second.pk}/reuse"
    answer = client.post(reuse, {"document": theirs.pk}, content_type="application/json",
                         **auth(an_key))
    assert answer.status_code == 404
    answer = client.post(reuse, {"document": mine.pk}, content_type="application/json",
                         **auth(an_key))
    assert answer.status_code == 201 and answer.json()["reused_from"] == mine.pk
    body = client.get(f"{API}/drafts/{draft['id']}", **auth(an_key)).json()
    assert body["missing"] == [first.pk]


def _filled_draft(client, portal, key) -> int:
    draft = _new_draft(client, portal, key).json()
    for doc in _docs(portal)[:2]:
        assert _upload(client, key, draft["id"], doc.pk, "a.pdf", PDF).status_code == 201
    client.patch(f"{API}/drafts/{draft['id']}", {"request_summary": "Cấp phép xây nhà."},
                 content_type="application/json", **auth(key))
    return draft["id"]


def test_submit_names_what_is_missing_then_submits_once(client, portal, an_key):
    from motcua.dossiers.models import Dossier

    draft = _new_draft(client, portal, an_key).json()
    answer = client.post(f"{API}/drafts/{draft['id']}/submit", **auth(an_key))
    assert answer.status_code == 400
    assert "Thiếu giấy tờ bắt buộc" in answer.json()["message"]
    assert "request_summary" in answer.json()["fields"]
    assert not Dossier.objects.exists()
    client.delete(f"{API}/drafts/{draft['id']}", **auth(an_key))

    pk = _filled_draft(client, portal, an_key)
    first = client.post(f"{API}/drafts/{pk}/submit", **auth(an_key))
    second = client.post(f"{API}/drafts/{pk}/submit", **auth(an_key))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["code"] == second.json()["code"] == Dossier.objects.get().code
    assert first.json()["status"] == "submitted" and len(first.json()["files"]) == 2
    # A submitted draft is no longer edited, deleted or given files.
    for answer in (client.patch(f"{API}/drafts/{pk}", {"request_summary": "x"},
                                content_type="application/json", **auth(an_key)),
                   client.delete(f"{API}/drafts/{pk}", **auth(an_key)),
                   _upload(client, an_key, pk, _docs(portal)[0].pk, "a.pdf", PDF)):
        assert answer.status_code == 409 and answer.json()["code"] == "draft_submitted"


def test_another_citizens_draft_is_404_everywhere(client, portal, an_key, binh_key):
    from motcua.citizens.models import CitizenFile, Draft

    pk = _filled_draft(client, portal, an_key)
    file_id = CitizenFile.objects.first().pk
    doc = _docs(portal)[0].pk
    answers = [
        client.get(f"{API}/drafts/{pk}", **auth(binh_key)),
        client.patch(f"{API}/drafts/{pk}", {"request_summary": "x"},
                     content_type="application/json", **auth(binh_key)),
        client.delete(f"{API}/drafts/{pk}", **auth(binh_key)),
        _upload(client, binh_key, pk, doc, "a.pdf", PDF),
        client.post(f"{API}/drafts/{pk}/documents/{doc}/reuse", {"document": 1},
                    content_type="application/json", **auth(binh_key)),
        client.delete(f"{API}/drafts/{pk}/files/{file_id}", **auth(binh_key)),
        client.post(f"{API}/drafts/{pk}/submit", **auth(binh_key)),
    ]
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert Draft.objects.get().status == "open" and CitizenFile.objects.count() == 2
    assert client.get(f"{API}/drafts", **auth(binh_key)).json()["results"] == []


# --- Supplement, withdrawal, result ---------------------------------------------------------


def _mine(portal):
    from motcua.citizens.models import CitizenProfile

    return _submitted(portal, CitizenProfile.objects.get(id_number=AN["id_number"]))


def test_supplement_after_receipt_through_the_api(client, portal, an_key):
    from motcua.dossiers import services

    dossier = _mine(portal)
    url = f"{API}/dossiers/{dossier.code}/supplement"
    answer = client.post(url, {"files": [SimpleUploadedFile("b.pdf", PDF)]}, **auth(an_key))
    assert answer.status_code == 409 and answer.json()["code"] == "no_supplement_requested"
    services.dossier_act(actor=portal.receptionist, dossier=dossier, action="receive")
    services.dossier_act(actor=portal.receptionist, dossier=dossier, action="request_supplement",
                         items="Bản vẽ mặt bằng", reason="Thiếu")
    answer = client.post(url, {"files": [SimpleUploadedFile("b.pdf", PDF),
                                         SimpleUploadedFile("c.exe.pdf", EXE)]}, **auth(an_key))
    assert answer.status_code == 400
    assert not dossier.citizen_files.filter(source="supplement").exists()
    answer = client.post(url, {"files": [SimpleUploadedFile("b.pdf", PDF)],
                               "label": "Bản vẽ mặt bằng"}, **auth(an_key))
    assert answer.status_code == 201, answer.content
    assert answer.json()["files"][0]["source"] == "supplement"
    assert answer.json()["dossier"]["status"] == "supplement_requested"  # the desk completes it


def test_withdraw_before_acceptance_only(client, portal, an_key):
    from motcua.dossiers import services

    first = _mine(portal)
    answer = client.post(f"{API}/dossiers/{first.code}/withdraw", {"reason": "Nộp nhầm."},
                         content_type="application/json", **auth(an_key))
    assert answer.status_code == 200 and answer.json()["status"] == "withdrawn"
    assert answer.json()["actions"]["withdraw"] is False
    second = _mine(portal)
    services.dossier_act(actor=portal.receptionist, dossier=second, action="receive")
    answer = client.post(f"{API}/dossiers/{second.code}/withdraw", {},
                         content_type="application/json", **auth(an_key))
    assert answer.status_code == 409 and "bộ phận một cửa" in answer.json()["message"]
    second.refresh_from_db()
    assert second.status == "received"


def _advance(portal, dossier, actions):
    from motcua.dossiers import permissions, services

    params = {"assign": {"assignee": portal.specialist}, "approve": {"result_content": PDF}}
    for action in actions:
        actor = next(u for u in (portal.receptionist, portal.leader, portal.specialist)
                     if (permissions.forget(u) or True)
                     and permissions.can_act(u, dossier, action))
        services.dossier_act(actor=actor, dossier=dossier, action=action,
                             **params.get(action, {}))
        dossier.refresh_from_db()


def test_full_flow_from_the_phone(client, portal, backchannel):
    """Sign-in → draft → upload → submit → the desk asks for a supplement before receipt →
    the citizen uploads it from the phone → the desk accepts → the result is downloaded."""
    from motcua.dossiers import services
    from motcua.dossiers.models import Dossier

    key = exchange(client, app_sign_in("congdan1", nonce="n-flow"),
                   nonce="n-flow").json()["token"]
    pk = _filled_draft(client, portal, key)
    code = client.post(f"{API}/drafts/{pk}/submit", **auth(key)).json()["code"]
    dossier = Dossier.objects.get(code=code)
    services.dossier_act(actor=portal.receptionist, dossier=dossier,
                         action="request_supplement_at_reception",
                         reason="Bản vẽ mặt bằng tầng 2 có chữ ký.")
    body = client.get(f"{API}/dossiers/{code}", **auth(key)).json()
    assert body["supplement"] == {"items": "Bản vẽ mặt bằng tầng 2 có chữ ký.",
                                  "before_receipt": True}
    assert body["actions"]["supplement"] and body["due_at"] is None
    answer = client.post(f"{API}/dossiers/{code}/supplement",
                         {"files": [SimpleUploadedFile("tang2.pdf", PDF)]}, **auth(key))
    assert answer.status_code == 201
    assert answer.json()["dossier"]["status"] == "submitted"  # back in the online queue
    dossier.refresh_from_db()
    services.dossier_act(actor=portal.receptionist, dossier=dossier, action="receive")
    dossier.refresh_from_db()
    assert client.get(f"{API}/dossiers/{code}/result", **auth(key)).status_code == 404
    _advance(portal, dossier, ["transfer", "assign", "start_appraisal", "submit_for_approval",
                               "approve", "issue", "receive_result"])
    body = client.get(f"{API}/dossiers/{code}", **auth(key)).json()
    assert body["status"] == "result_ready" and body["actions"]["result"] is True
    assert body["awaiting"]["by"] == "applicant"
    result = client.get(f"{API}/dossiers/{code}/result", **auth(key))
    assert result.status_code == 200 and result["Content-Type"] == "application/pdf"
    assert f"{code}-ket-qua.pdf" in result["Content-Disposition"]
    assert b"".join(result.streaming_content).startswith(b"%PDF")
    # The portal page shows the same summary.
    from motcua.citizens.models import CitizenProfile

    client.force_login(CitizenProfile.objects.get(id_number=AN["id_number"]).user)
    page = client.get(f"/ho-so-cua-toi/{code}/").content.decode()
    assert 'id="result-download"' in page and body["awaiting"]["text"] in page


def _statements(client, url, key) -> int:
    """Statements the request runs (counted at the cursor, whatever builds them)."""
    from django.db import connection

    seen = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url, **auth(key)).status_code == 200
    return len(seen)


def test_the_list_costs_the_same_statements_whatever_its_length(client, portal, an_key):
    from motcua.citizens.models import CitizenProfile

    an = CitizenProfile.objects.get(id_number=AN["id_number"])
    _submitted(portal, an)
    # The first request of a token reads it into the process's sign-in cache (accounts.tokens).
    _statements(client, f"{API}/dossiers", an_key)
    few = _statements(client, f"{API}/dossiers", an_key)
    for _ in range(4):
        _submitted(portal, an)
    assert few > 0 and _statements(client, f"{API}/dossiers", an_key) == few
