"""``core.edge.CSPMiddleware`` answers with django-csp's headers, the settings' policy built
once: compared with the library's middleware on the same requests and responses."""

from __future__ import annotations

from unittest import mock

import pytest
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from django.http import HttpResponse, HttpResponseNotFound
from django.test import RequestFactory, override_settings

from motcua.core import edge

POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", "'nonce'"],
                         "img-src": {"'self'", "data:"}, "upgrade-insecure-requests": True,
                         "report-uri": "/csp-report/"}}
REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}, "EXCLUDE_URL_PREFIXES": ["/api/"]}


def _response(kind: str):
    response = HttpResponseNotFound("x") if kind == "404" else HttpResponse("x")
    if kind == "exempt":
        response._csp_exempt = True
    elif kind == "exempt_ro":
        response._csp_exempt_ro = True
    elif kind == "update":
        response._csp_update = {"img-src": ["https://maps.example.vn"]}
    elif kind == "replace_ro":
        response._csp_replace_ro = {"default-src": ["'self'"]}
    elif kind == "config":
        response._csp_config = {"default-src": ["'none'"]}
    elif kind == "own_header":
        response["Content-Security-Policy"] = "default-src 'none'"
    return response


def _answer(middleware_class, path: str, kind: str, *, nonce: bool):
    request = RequestFactory().get(path)
    response = _response(kind)
    middleware = middleware_class(lambda request: response)
    middleware.process_request(request)
    if nonce:
        str(request.csp_nonce)  # a template used the nonce
    answered = middleware.process_response(request, response)
    nonce_used = getattr(request, "_csp_nonce", None)
    # After the header is written, reading a nonce not used before is an error.
    try:
        str(request.csp_nonce)
        late_nonce = "read"
    except CSPNonceError:
        late_nonce = "refused"
    return list(answered.headers.items()), nonce_used, late_nonce


KINDS = ["plain", "404", "exempt", "exempt_ro", "update", "replace_ro", "config", "own_header"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path", ["/can-bo/", "/api/v1/dossiers"])
@pytest.mark.parametrize("nonce", [False, True])
@pytest.mark.parametrize("report_only", [None, REPORT_ONLY])
@pytest.mark.parametrize("debug", [False, True])
def test_same_headers_as_django_csp(kind, path, nonce, report_only, debug):
    with override_settings(CONTENT_SECURITY_POLICY=POLICY, DEBUG=debug,
                           CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only):
        ours, our_nonce, our_late = _answer(edge.CSPMiddleware, path, kind, nonce=nonce)
        library, library_nonce, library_late = _answer(LibraryCSPMiddleware, path, kind,
                                                       nonce=nonce)
    assert our_late == library_late
    if nonce:  # a fresh random nonce each time: compare the headers with it put back
        ours = [(k, v.replace(our_nonce, "N")) for k, v in ours]
        library = [(k, v.replace(library_nonce, "N")) for k, v in library]
    assert ours == library


def test_the_settings_policy_is_built_once_and_follows_a_change():
    request = RequestFactory().get("/can-bo/")
    middleware = edge.CSPMiddleware(lambda request: HttpResponse("x"))
    with mock.patch("motcua.core.edge.build_policy", wraps=edge.build_policy) as built:
        edge._csp_policies.clear()
        first = middleware.process_response(request, HttpResponse("x"))
        second = middleware.process_response(request, HttpResponse("x"))
        assert built.call_count == 2  # the policy and the report-only one, once
        assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
        with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
            changed = middleware.process_response(request, HttpResponse("x"))
        assert changed["Content-Security-Policy"] == "default-src 'none'"
        again = middleware.process_response(request, HttpResponse("x"))
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_the_middleware_in_the_settings_is_this_one(settings):
    assert "motcua.core.edge.CSPMiddleware" in settings.MIDDLEWARE
    assert "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE
