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
"""

from __future__ import annotations

import time

from django.core.exceptions import BadRequest
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
