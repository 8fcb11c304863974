"""The staff lookup's shortcuts give the answers of the generic code they replace, byte for
byte and header for header: every request below is answered twice, once with the shortcuts and
once with the pieces they stand for put back (Django's ``add_never_cache_headers``, DRF's
``default_response_headers``, ``finalize_response``, content negotiation and reading the token
from ``request.headers``, ``Vary`` patched
by ``patch_vary_headers``, the status label translated each time), from the same state.

Cases: statuses, both shapes (full and the courier's delivery data), languages, ``Accept``
headers and ``format``, missing and bad tokens, a citizen's token, unknown and foreign codes,
``If-None-Match`` (matching, ``*``, another tag), a throttled client."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import cache as django_cache
from django.utils.cache import patch_vary_headers
from rest_framework.authentication import TokenAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.test import APIClient
from rest_framework.views import APIView

from motcua.accounts import tokens
from motcua.accounts.authentication import DeferredAuthMixin, HashedTokenAuthentication
from motcua.accounts.models import TokenKind
from motcua.core import edge
from motcua.core.negotiation import ContentNegotiation
from motcua.dossiers import conditional, detail_body
from motcua.dossiers.api import DossierDetail
from motcua.dossiers.states import Status
from motcua.org.models import Role
from tests.factories import UserFactory, api_key_for, staff

pytestmark = pytest.mark.django_db

ACCEPTS = [None, "*/*", "application/json", "application/json; indent=4", "application/xml",
           "text/html"]
QUERIES = ["", "?format=json", "?other=1", "?format=xml"]


def _decorate(request, response, etag):
    if etag is not None:
        response["ETag"] = etag
    patch_vary_headers(response, conditional.VARY)
    return response


@pytest.fixture
def generic(monkeypatch):
    """Put the generic pieces back, within a ``with`` block."""

    class Generic:
        def __enter__(self):
            monkeypatch.setattr(edge, "add_never_cache_headers",
                                django_cache.add_never_cache_headers)
            monkeypatch.setattr(DossierDetail, "default_response_headers",
                                APIView.default_response_headers)
            monkeypatch.setattr(DossierDetail, "finalize_response", APIView.finalize_response)
            monkeypatch.setattr(conditional, "decorate", _decorate)
            monkeypatch.setattr(detail_body, "status_label", lambda s: str(Status(s).label))
            monkeypatch.setattr(ContentNegotiation, "select_renderer",
                                DefaultContentNegotiation.select_renderer)
            monkeypatch.setattr(HashedTokenAuthentication, "authenticate", _drf_authenticate)

        def __exit__(self, *exc):
            monkeypatch.undo()

    return Generic()


def _drf_authenticate(self, request):
    """HashedTokenAuthentication's flag, then DRF's parsing of the header (request.headers)."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    self.deferred = isinstance(view, DeferredAuthMixin)
    return TokenAuthentication.authenticate(self, request)


def _answer(response) -> tuple:
    headers = {k: v for k, v in response.headers.items() if k != "X-Request-ID"}
    content = response.content
    if headers.get("Content-Type", "").startswith("text/html"):
        # The browsable API's page carries a fresh CSRF token each time.
        import re

        content = re.sub(rb'(csrfmiddlewaretoken" value="|"csrfToken": ")[^"]+', rb"\1-", content)
    return response.status_code, headers, content


def _twice(generic, send) -> None:
    """``send()`` with the shortcuts and with the generic pieces, each from a cleared cache
    (access-log window, throttle history) and sign-in cache."""
    answers = []
    for mode in ("shortcuts", "generic"):
        cache.clear()
        tokens.forget()
        if mode == "generic":
            with generic:
                answers.append(_answer(send()))
        else:
            answers.append(_answer(send()))
    assert answers[0] == answers[1]
    return answers[0]


def _client(key=None, **extra):
    client = APIClient(REMOTE_ADDR="127.0.0.1", **extra)
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=key)
    return client


def test_every_status_shape_language_and_accept(world, bring, frozen, generic):
    courier = staff(Role.COURIER, world.center, username="buuchinh")
    readers = [world.receptionist, world.specialist, courier]
    seen = set()

    def check(d, reader, cookie, accept, query):
        client = _client(f"Token {api_key_for(reader)}")
        if cookie:
            client.cookies["django_language"] = cookie
        headers = {} if accept is None else {"HTTP_ACCEPT": accept}
        seen.add(_twice(generic, lambda: client.get(f"/api/v1/dossiers/{d.code}{query}",
                                                    **headers))[0])

    dossiers = [bring(status) for status in ("received", "appraising", "returned")]
    for d in dossiers:
        for reader in readers:
            for cookie in (None, "en"):
                check(d, reader, cookie, None, "")
    # Every Accept, format and language for one dossier and reader.
    for cookie in (None, "en", "vi", "fr"):
        for accept in ACCEPTS:
            for query in QUERIES:
                check(dossiers[1], world.specialist, cookie, accept, query)
    # 404: a ``format`` no renderer has (DRF's answer); 406: an Accept none can meet.
    assert seen == {200, 404, 406}


def test_refusals_and_misses(world, bring, frozen, generic):
    d = bring("appraising")
    citizen = UserFactory(username="congdan")
    citizen_key = tokens.token_issue(user=citizen, name="phone", actor=citizen,
                                     kind=TokenKind.CITIZEN)[1]
    revoked = UserFactory(username="thoiviec")
    revoked_key = api_key_for(revoked)
    revoked.is_active = False
    revoked.save()
    own = f"Token {api_key_for(world.specialist)}"
    cases = [
        (None, d.code), ("Token", d.code), ("Token a b", d.code), ("Token nope", d.code),
        ("Bearer x", d.code), ("token nope", d.code), ("TOKEN  nope ", d.code),
        ("Token n\xf4pe", d.code), ("Tokenx nope", d.code), ("", d.code),
        (f"Token {citizen_key}", d.code), (f"Token {revoked_key}", d.code),
        (f"Token {api_key_for(world.foreign_leader)}", d.code), (own, "KHONG-CO"),
        (own, "000.00.01.H15-000000-0000"),
    ]
    statuses = set()
    for key, code in cases:
        for accept in (None, "text/html", "application/xml"):
            headers = {} if accept is None else {"HTTP_ACCEPT": accept}
            statuses.add(_twice(generic, lambda key=key, code=code, headers=headers: _client(
                key).get(f"/api/v1/dossiers/{code}", **headers))[0])
    assert {401, 403, 404} <= statuses


def test_conditional_answers(world, bring, frozen, generic):
    d = bring("appraising")
    key = f"Token {api_key_for(world.specialist)}"
    etag = _client(key).get(f"/api/v1/dossiers/{d.code}")["ETag"]
    statuses = set()
    for tag in (etag, "*", '"other"', f'"other", {etag}', "W/\"x\""):
        for code in (d.code, "KHONG-CO"):
            statuses.add(_twice(generic, lambda tag=tag, code=code: _client(key).get(
                f"/api/v1/dossiers/{code}", HTTP_IF_NONE_MATCH=tag))[0])
    assert statuses == {200, 304, 404}


def test_a_throttled_client(world, bring, frozen, generic, settings):
    d = bring("appraising")
    key = f"Token {api_key_for(world.specialist)}"
    rest = dict(settings.REST_FRAMEWORK)
    rates = {**rest["DEFAULT_THROTTLE_RATES"], "user": "2/minute", "anon": "1/minute"}
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        def send():
            client = _client(key)
            for _ in range(3):
                last = client.get(f"/api/v1/dossiers/{d.code}")
            return last

        assert _twice(generic, send)[0] == 429
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
