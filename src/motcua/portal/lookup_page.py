"""The public status page ``/tra-cuu/{code}/`` (trang tra cứu hồ sơ), rendered in two parts.

* The dossier's part, ``portal/_lookup_dossier.html``: per request, as a plain template
  (no context processors: it reads only the dossier and the language).
* The page's frame, ``portal/lookup_result.html`` (it extends ``core/base.html``): for a
  signed-in user or a visitor with messages waiting, rendered per request as any page. For a
  visitor (no user, no messages) it depends on nothing but the language, so it is rendered once
  per process and language, from a request of nobody (no cookie, no session, no user), with
  markers where the dossier's code, its part and the page's own address go; each page is then
  the frame's pieces with those three put in (escaped as the template would). The frame costs
  no ``{% extends %}`` walk, no context processors and no block rendering per page.

Nothing of a visitor's request is in a frame: it is built from its own empty request, and a
frame whose markers are not each found exactly once is not kept (the page is rendered whole,
and an error logged). Frames are cleared when a setting changes (tests), like the fragments
(``core/templatetags/fragments.py``); a deploy restarts the processes.
"""

from __future__ import annotations

import logging
import threading

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

log = logging.getLogger(__name__)

PAGE = "portal/lookup_result.html"
PART = "portal/_lookup_dossier.html"

# Private-use characters: never in a code, a path or a translation; autoescape leaves them.
_CODE, _PART, _PATH = "\ue000code\ue000", "\ue000dossier\ue000", "\ue000path\ue000"

_frames: dict[str, tuple[str, ...] | None] = {}
_lock = threading.Lock()


def clear(**kwargs) -> None:
    with _lock:
        _frames.clear()


setting_changed.connect(clear)


class _NobodysRequest(HttpRequest):
    """The request a frame is rendered from: no cookie, no session, no user, no messages; its
    address is a marker."""

    def __init__(self):
        super().__init__()
        self.method = "GET"
        self.user = AnonymousUser()

    def get_full_path(self, force_append_slash=False):
        return _PATH


def _frame(language: str) -> tuple[str, ...] | None:
    """The frame's pieces around the code, the dossier's part and the address (in the order
    they come in the page), or None when it cannot be split."""
    if language in _frames:
        return _frames[language]
    html = get_template(PAGE).render({"code": _CODE, "dossier": mark_safe(_PART)},
                                     _NobodysRequest())
    order = sorted((html.find(m), m) for m in (_CODE, _PART, _PATH))
    pieces: tuple[str, ...] | None = None
    if all(html.count(m) == 1 for _at, m in order):
        at, parts = 0, []
        for where, marker in order:
            parts += [html[at:where], marker]
            at = where + len(marker)
        pieces = (*parts, html[at:])
    else:
        log.error("lookup page frame for %r: a marker is missing or repeated; rendered whole",
                  language)
    with _lock:
        _frames[language] = pieces
    return pieces


def render_dossier(status: dict, language: str) -> str:
    """The dossier's part of the page (HTML, escaped)."""
    return get_template(PART).render({"d": status, "LANG": language})


def response(request, status: dict) -> HttpResponse:
    """The page for ``status`` (``selectors.dossier_public_status``)."""
    language = get_language()
    dossier = mark_safe(render_dossier(status, language))
    if not request.user.is_authenticated and not get_messages(request):
        pieces = _frame(language)
        if pieces is not None:
            values = {_CODE: escape(status["code"]), _PART: dossier,
                      _PATH: escape(request.get_full_path())}
            return HttpResponse("".join(values.get(p, p) for p in pieces))
    return render(request, PAGE, {"code": status["code"], "dossier": dossier})
