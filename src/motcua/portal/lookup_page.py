"""The public status page ``/tra-cuu/{code}/`` (trang tra cứu hồ sơ), rendered in two parts.

* The dossier's part: per request, written by hand (``dossier_html``) with its labels
  translated once per process and language. It is the HTML the page's single template gave,
  byte for byte, for every status and both languages (tests/portal/test_lookup_page_frame.py
  compares whole pages with that template, kept there as the reference). The template engine
  spent more on its ~45 nodes (a variable lookup, a filter, an escape each) than the rest of
  the view.
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
from urllib.parse import quote

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import linebreaksbr
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from motcua.portal.templatetags.portal import hm_dmy

log = logging.getLogger(__name__)

PAGE = "portal/lookup_result.html"

# Private-use characters: never in a code, a path or a translation; autoescape leaves them.
_CODE, _PART, _PATH = "\ue000code\ue000", "\ue000dossier\ue000", "\ue000path\ue000"

_frames: dict[str, tuple[str, ...] | None] = {}
_labels: dict[str, dict[str, str]] = {}
_lock = threading.Lock()


def clear(**kwargs) -> None:
    with _lock:
        _frames.clear()
        _labels.clear()


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


_LABELS = {
    "heading": _("Tình trạng hồ sơ"),
    "code": _("Mã hồ sơ"),
    "procedure": _("Thủ tục"),
    "unit": _("Nơi tiếp nhận"),
    "phone": _("ĐT"),
    "received": _("Tiếp nhận lúc"),
    "due": _("Hẹn trả kết quả"),
    "rescheduled": _("Đã hẹn lại; hẹn trả ban đầu"),
    "status": _("Trạng thái"),
    "overdue": _("Quá hạn"),
    "reason": _("Lý do"),
    "finished": _("Kết thúc lúc"),
    "notice": _("Thông báo cho công dân"),
    "handed": _("Đã trao lúc"),
    "notice_none": _("Mời ông/bà liên hệ nơi tiếp nhận để nhận thông báo và hồ sơ."),
    "returned": _("Đã trả kết quả lúc"),
    "no_personal_data": _("Trang này không hiển thị thông tin cá nhân của người nộp hồ sơ."),
    "other": _("Tra cứu hồ sơ khác"),
}


def _labels_in(language: str) -> dict[str, str]:
    """The part's fixed text in the active language: once per process and language. As
    ``{% translate "…" %}`` gives them: a translated literal is not escaped (it is the
    template's own text)."""
    found = _labels.get(language)
    if found is None:
        t = {key: str(label) for key, label in _LABELS.items()}
        found = {
            **t,
            "top": (f'<h1>{t["heading"]}</h1>\n<section class="card">\n<dl class="facts">\n'
                    f'  <dt>{t["code"]}</dt>'),
            "bottom": (f'</dl>\n</section>\n<p class="meta">{t["no_personal_data"]}</p>\n'
                       f'<p><a href="{escape(reverse("portal:lookup"))}">← {t["other"]}</a></p>'),
        }
        with _lock:
            _labels[language] = found
    return found


def dossier_html(d: dict, language: str) -> str:
    """The dossier's part of the page (escaped HTML) for ``selectors.dossier_public_status``."""
    t = _labels_in(language)
    out = [t["top"], "<dd><strong>", escape(d["code"]), "</strong></dd>\n  <dt>", t["procedure"],
           '</dt><dd><a href="/thu-tuc/', escape(quote(d["procedure_code"], safe="")), '/">',
           escape(d["procedure_name"]), "</a></dd>\n  <dt>", t["unit"], "</dt><dd>",
           escape(d["receiving_unit"])]
    if d["receiving_address"]:
        out += ['<div class="meta">', escape(d["receiving_address"])]
        if d["receiving_phone"]:
            out += [" · ", t["phone"], " ", escape(d["receiving_phone"])]
        out.append("</div>")
    out += ["</dd>\n  <dt>", t["received"], "</dt><dd>", hm_dmy(d["received_at"]) or "—",
            "</dd>\n  "]
    if not d["closed"]:
        out += ["\n  <dt>", t["due"], "</dt>\n  <dd>", hm_dmy(d["due_at"]) or "—", "\n    "]
        if d["rescheduled"]:
            out += ['<div class="meta">', t["rescheduled"], ": ", hm_dmy(d["original_due_at"]),
                    "</div>"]
        out.append("\n  </dd>\n  ")
    # ``{% translate d.status_name %}``: the name in the active language, asked again.
    name = gettext(str(d["status_name"]).replace("%", "%%"))
    out += ["\n  <dt>", t["status"], '</dt>\n  <dd><strong id="lookup-status">', escape(name),
            "</strong>\n    "]
    if d["overdue"]:
        out += [' <span class="badge late">', t["overdue"], "</span>"]
    out.append("\n  </dd>\n  ")
    if d["closed"]:
        out.append("\n  ")
        if d["public_reason"]:
            out += ["<dt>", t["reason"], '</dt><dd id="lookup-reason">',
                    linebreaksbr(d["public_reason"], autoescape=True), "</dd>"]
        out += ["\n  <dt>", t["finished"], "</dt><dd>", hm_dmy(d["finished_at"]) or "—",
                "</dd>\n  <dt>", t["notice"], "</dt>\n  <dd>"]
        if d["notice_handed_at"]:
            out += [t["handed"], " ", hm_dmy(d["notice_handed_at"])]
        else:
            out.append(t["notice_none"])
        out.append("</dd>\n  ")
    out.append("\n  ")
    if d["returned_at"]:
        out += ["<dt>", t["returned"], "</dt><dd>", hm_dmy(d["returned_at"]), "</dd>"]
    out += ["\n", t["bottom"], "\n"]
    return "".join(out)


def response(request, status: dict) -> HttpResponse:
    """The page for ``status`` (``selectors.dossier_public_status``)."""
    language = get_language()
    dossier = mark_safe(dossier_html(status, language))
    if not request.user.is_authenticated and not get_messages(request):
        pieces = _frame(language)
        if pieces is not None:
            values = {_CODE: escape(status["code"]), _PART: dossier,
                      _PATH: escape(request.get_full_path())}
            return HttpResponse("".join(values.get(p, p) for p in pieces))
    return render(request, PAGE, {"code": status["code"], "dossier": dossier})
