"""Sign-in through the development OIDC provider (authorization code + PKCE, RS256 ID token,
discovery, JWKS) and the refusals: tampered or expired state and ID token."""

from __future__ import annotations

import pytest

from tests.citizens.conftest import AN, sign_in


def test_signin_creates_a_verified_citizen(client, portal, backchannel):
    from motcua.citizens.models import CitizenProfile

    answer = sign_in(client, "congdan1")
    assert answer.status_code == 302 and answer["Location"] == "/ho-so-cua-toi/"
    profile = CitizenProfile.objects.get(id_number=AN["id_number"])
    assert profile.full_name == AN["name"]
    assert profile.birth_date == AN["birth_date"]
    assert profile.issuer.endswith("/idp-dev/o")
    page = client.get("/ho-so-cua-toi/")
    assert page.status_code == 200
    assert "066090001234" in page.content.decode()


def test_discovery_and_jwks_are_published(client, portal):
    doc = client.get("/idp-dev/o/.well-known/openid-configuration").json()
    assert doc["issuer"] == "http://testserver/idp-dev/o"
    assert "RS256" in doc["id_token_signing_alg_values_supported"]
    keys = client.get("/idp-dev/o/.well-known/jwks.json").json()["keys"]
    assert keys and keys[0]["kty"] == "RSA"


def test_unknown_state_is_refused_and_logged(client, portal, backchannel):
    from motcua.audit.models import AuditEvent
    from motcua.citizens.models import CitizenProfile

    client.get("/oidc/dang-nhap/")
    answer = client.get("/oidc/callback/", {"code": "abc", "state": "tampered"})
    assert answer.status_code == 400
    assert "Phiên đăng nhập không hợp lệ" in answer.content.decode()
    assert not CitizenProfile.objects.exists()
    assert AuditEvent.objects.filter(event_type="security.oidc_rejected").count() == 1


def _flow_until_callback(client, username="congdan1"):
    from urllib.parse import parse_qs, urlsplit

    start = client.get("/oidc/dang-nhap/", {"next": "/ho-so-cua-toi/"})
    login = client.get(start["Location"])
    parts = urlsplit(login["Location"])
    nxt = parse_qs(parts.query)["next"][0]
    done = client.post(parts.path, {"username": username, "password": "matkhau-thu-nghiem",
                                    "next": nxt})
    callback = client.get(done["Location"])
    cb = urlsplit(callback["Location"])
    return cb.path + "?" + cb.query


def _tamper_id_token(path, content):
    import base64
    import json

    if not path.endswith("/token/"):
        return content
    data = json.loads(content)
    head, body, sig = data["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["id_number"] = "066192004321"  # someone else's ID number
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    data["id_token"] = ".".join([head, body, sig])
    return json.dumps(data).encode()


def test_tampered_id_token_is_refused_and_logged(client, portal, backchannel):
    from motcua.audit.models import AuditEvent
    from motcua.citizens.models import CitizenProfile

    callback = _flow_until_callback(client)
    backchannel["tamper"] = _tamper_id_token
    answer = client.get(callback)
    assert answer.status_code == 400
    assert "Không xác thực được thông tin định danh" in answer.content.decode()
    assert not CitizenProfile.objects.exists()
    event = AuditEvent.objects.get(event_type="security.oidc_rejected")
    assert "ID token rejected" in str(event.data)
    assert not client.get("/ho-so-cua-toi/").status_code == 200


@pytest.mark.parametrize("skew", [3600])
def test_expired_id_token_is_refused_and_logged(client, portal, backchannel, skew):
    import time_machine
    from django.utils import timezone

    from motcua.audit.models import AuditEvent
    from motcua.citizens.models import CitizenProfile

    callback = _flow_until_callback(client)
    # The token is issued now and valid for 5 minutes; the portal checks it an hour later.
    original = backchannel

    def later(path, content):
        return content

    original["tamper"] = later
    import jwt

    real_decode = jwt.decode

    def decode_later(*args, **kwargs):
        with time_machine.travel(timezone.now() + __import__("datetime").timedelta(seconds=skew)):
            return real_decode(*args, **kwargs)

    import motcua.citizens.oidc as oidc_module

    oidc_module.jwt.decode = decode_later
    try:
        answer = client.get(callback)
    finally:
        oidc_module.jwt.decode = real_decode
    assert answer.status_code == 400
    assert not CitizenProfile.objects.exists()
    assert "ID token expired" in str(AuditEvent.objects.get(event_type="security.oidc_rejected").data)


def test_reused_state_is_refused(client, portal, backchannel):
    from motcua.audit.models import AuditEvent

    callback = _flow_until_callback(client)
    assert client.get(callback).status_code == 302
    client.logout()
    answer = client.get(callback)  # the same code and state, replayed
    assert answer.status_code == 400
    assert AuditEvent.objects.filter(event_type="security.oidc_rejected").exists()
