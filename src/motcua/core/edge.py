"""Checks every request passes before any view (à l'entrée): inputs no view should ever see,
and response headers every page of personal data needs.

* A NUL byte in the path or the query string is refused with a 400 here. PostgreSQL cannot
  store or even compare text with NUL (``psycopg.DataError``), so a lookup by code such as
  ``/can-bo/ho-so/a%00b/`` was a 500 on PostgreSQL and a plain miss on SQLite. No code, name
  or filter value of the system contains one. Bodies need no such check: Django's and DRF's
  text fields already refuse NUL (``ProhibitNullCharactersValidator``).
* A signed-in user's responses carry ``Cache-Control: no-store``: staff pages and the staff
  API show applicants' personal data, and a shared counter PC or a proxy must not keep a copy
  (browser back button, disk cache). Responses that set their own caching keep it.
* The Content-Security-Policy header (django-csp's middleware), built once per process for
  the responses that do not change it.
"""

from __future__ import annotations

import http.client
import time

from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.http import http_date

# What ``django.utils.cache.add_never_cache_headers`` writes on a response without
# ``Cache-Control`` (its two ``patch_cache_control`` calls parse and rebuild the header: ~90
# Python calls on every staff response); tests/core/test_edge_headers.py compares the two.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def add_never_cache_headers(response) -> None:
    """``django.utils.cache.add_never_cache_headers`` for a response without
    ``Cache-Control`` (the only ones ``NoStoreForStaffMiddleware`` touches)."""
    if not response.has_header("Expires"):
        response.headers["Expires"] = http_date(time.time())
    response.headers["Cache-Control"] = NEVER_CACHE


def has_nul(request) -> bool:
    query = request.META.get("QUERY_STRING", "")
    return "\x00" in request.path or "\x00" in query or "%00" in query


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            # Turned into the 400 page (or the API's JSON error) by the error handlers.
            raise BadRequest("NUL byte in the request path or query")
        return self.get_response(request)


class NoStoreForStaffMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


# What a view or decorator sets on a response to change its policy (django-csp's
# ``get_policy_parts``); a response with none of them gets the settings' policy.
_CSP_PARTS = ("_csp_config", "_csp_update", "_csp_replace",
              "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_CSP_DEBUG_CODES = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)
# (policy, report-only policy, excluded prefixes of each): from the settings, kept until they
# change. django-csp rebuilds the same text from them on every response (~330 Python calls).
_csp_policies: list[tuple[str, str, tuple, tuple]] = []


@receiver(setting_changed)
def _forget_csp_policies(*, setting, **kwargs):
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _csp_policies.clear()


def csp_policies() -> tuple[str, str, tuple, tuple]:
    if not _csp_policies:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        policy_ro = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}
        _csp_policies.append((
            build_policy(), build_policy(report_only=True),
            tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ()),
            tuple(policy_ro.get("EXCLUDE_URL_PREFIXES", None) or ()),
        ))
    return _csp_policies[0]


class CSPMiddleware(LibraryCSPMiddleware):
    """django-csp's middleware; a response without a nonce or a policy of its own gets the
    settings' policy text built once (the same text: ``build_policy`` with no parts), under
    django-csp's rules for exempt responses, excluded prefixes and debug pages.
    tests/core/test_edge_csp.py compares the headers with the library's."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, part, None) is not None for part in _CSP_PARTS
        ):
            return super().process_response(request, response)
        if response.status_code in _CSP_DEBUG_CODES and settings.DEBUG:
            return response
        csp, csp_ro, excluded, excluded_ro = csp_policies()
        if (csp and CSP_HEADER not in response
                and getattr(response, "_csp_exempt", False) is False
                and not request.path_info.startswith(excluded)):
            response[CSP_HEADER] = csp
        if (csp_ro and CSP_HEADER_REPORT_ONLY not in response
                and getattr(response, "_csp_exempt_ro", False) is False
                and not request.path_info.startswith(excluded_ro)):
            response[CSP_HEADER_REPORT_ONLY] = csp_ro
        # As django-csp: a template reading the nonce after this point is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
