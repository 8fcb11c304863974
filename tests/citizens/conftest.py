"""A small province for the citizen portal: a center, an agency and its staff (the workspace
world), an online procedure and an offline one, the development identity provider's client
and two citizens of it."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
import requests

from motcua.org.models import Role
from tests.factories import CenterFactory, UnitFactory, published_procedure, staff

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
PASSWORD = "matkhau-thu-nghiem"

AN = dict(username="congdan1", id_number="066090001234", name="Nguyễn Văn An",
          birth_date=dt.date(1990, 5, 4), gender="male", address="12 Lê Duẩn",
          phone="0912345678", email="an@example.vn")
BINH = dict(username="congdan2", id_number="066192004321", name="Trần Thị Bình",
            birth_date=dt.date(1992, 8, 17), gender="female", address="45 Phan Bội Châu",
            phone="0987654321", email="binh@example.vn")

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Portal:
    pass


@pytest.fixture(autouse=True)
def _fast_passwords(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def portal(db):
    from motcua.devidp.setup import ensure_client, ensure_identity

    p = Portal()
    p.center = CenterFactory(code="000.00.01.H15", name="Trung tâm Phục vụ hành chính công tỉnh")
    p.agency = UnitFactory(code="000.00.02.H15", name="Sở Xây dựng")
    p.receptionist = staff(Role.RECEPTIONIST, p.center, username="tiepnhan")
    p.leader = staff(Role.LEADER, p.agency, username="lanhdao")
    p.specialist = staff(Role.SPECIALIST, p.agency, username="chuyenvien")
    for user in (p.receptionist, p.leader, p.specialist):
        user.set_password(PASSWORD)
        user.save()
    p.version = published_procedure(
        agency=p.agency, receiving_units=[p.center], time_value=5, code="1.009994",
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ", online_mode="full",
        documents=(("Đơn đề nghị cấp giấy phép", True), ("Bản vẽ thiết kế", True),
                   ("Giấy ủy quyền", False)),
    )
    p.offline = published_procedure(
        agency=p.agency, receiving_units=[p.center], time_value=5, code="1.009995",
        name="Thủ tục chỉ nộp tại quầy", online_mode="none",
    )
    p.client = ensure_client()
    p.an = ensure_identity(password=PASSWORD, **AN)
    p.binh = ensure_identity(password=PASSWORD, **BINH)
    return p


class _ClientAdapter(requests.adapters.BaseAdapter):
    """``requests`` to this site answered by Django's test client (the OIDC back channel:
    discovery, token, JWKS) so the sign-in runs without a server."""

    def __init__(self, client, tamper=None):
        super().__init__()
        self.client = client
        self.tamper = tamper

    def send(self, request, **kwargs):
        from urllib.parse import urlsplit

        url = urlsplit(request.url)
        path = url.path + ("?" + url.query if url.query else "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        if request.method == "POST":
            answer = self.client.generic("POST", path, body,
                                         content_type=request.headers.get("Content-Type", ""))
        else:
            answer = self.client.get(path)
        content = answer.content
        if self.tamper is not None:
            content = self.tamper(url.path, content)
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers.update({k: v for k, v in answer.headers.items()})
        response.raw = io.BytesIO(content)
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


@pytest.fixture
def backchannel(monkeypatch):
    """Route the OIDC server-to-server calls to a separate test client (its own cookies, as
    the real back channel has none of the browser's)."""
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    state = {"tamper": None}
    session = requests.Session()
    adapter = _ClientAdapter(Client(), tamper=lambda path, c: (state["tamper"] or (lambda p, x: x))(path, c))
    session.mount("http://testserver/", adapter)

    def get(url, **kw):
        kw.pop("verify", None), kw.pop("proxies", None), kw.pop("timeout", None)
        return session.get(url, **kw)

    def post(url, **kw):
        kw.pop("verify", None), kw.pop("proxies", None), kw.pop("timeout", None)
        return session.post(url, **kw)

    monkeypatch.setattr("motcua.citizens.oidc.requests.get", get)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", get)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", post)
    return state


def sign_in(client, identity_username: str, password: str = PASSWORD, *, next_url="/ho-so-cua-toi/"):
    """The whole authorization code flow with the Django test client: start, provider login,
    authorize, callback. Returns the callback's response."""
    from urllib.parse import urlsplit

    start = client.get("/oidc/dang-nhap/", {"next": next_url})
    assert start.status_code == 302, start.content[:300]
    authorize = start["Location"]
    login = client.get(authorize, follow=False)
    assert login.status_code == 302 and "/idp-dev/dang-nhap/" in login["Location"]
    login_url = login["Location"]
    parts = urlsplit(login_url)
    from urllib.parse import parse_qs

    nxt = parse_qs(parts.query)["next"][0]
    done = client.post(parts.path, {"username": identity_username, "password": password,
                                    "next": nxt})
    assert done.status_code == 302, done.content[:500]
    callback = client.get(done["Location"])
    assert callback.status_code == 302, callback.content[:500]
    cb = urlsplit(callback["Location"])
    return client.get(cb.path + "?" + cb.query)
