"""Public pages (cổng công khai): the procedure catalog and the dossier status lookup.

Thin views: parse the query, call a selector, render. Unknown codes render a Vietnamese page
with status 404 whatever DEBUG says.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.catalog import selectors as catalog
from motcua.core.ratelimit import rate_limited
from motcua.org.models import Level
from motcua.portal import lookup_page, selectors

PAGE_SIZE = 20


def _not_found(request, title: str, message: str):
    return render(
        request, "portal/not_found.html", {"title": title, "message": message}, status=404
    )


@require_GET
def home(request):
    agencies = list(catalog.agencies_with_counts())
    return render(
        request,
        "portal/home.html",
        {
            "fields": catalog.fields_with_counts(),
            "agencies": [a for a in agencies if a.level == Level.PROVINCE],
            "communes": [a for a in agencies if a.level == Level.COMMUNE],
            "center": selectors.provincial_center(),
            "points": selectors.service_points(),
        },
    )


def _procedure_list(request, *, heading: str, field=None, agency=None, intro: str = ""):
    q = request.GET.get("q", "").strip()[:200]
    field_code = field.code if field else request.GET.get("field", "").strip()
    agency_code = agency.code if agency else request.GET.get("agency", "").strip()
    level = request.GET.get("level", "").strip()
    if level not in Level.values:
        level = ""
    results = catalog.procedures_search(
        q=q, field=field_code or None, agency=agency_code or None, level=level or None
    )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/procedure_list.html",
        {
            "heading": heading,
            "intro": intro,
            "page": page,
            "q": q,
            "field_code": field_code,
            "agency_code": agency_code,
            "level": level,
            "fixed_field": field,
            "fixed_agency": agency,
            "fields": catalog.fields_with_counts(),
            "agencies": catalog.agencies_with_counts().order_by("level", "name"),
            "levels": Level.choices,
            "query": query.urlencode(),
        },
    )


@require_GET
def procedure_list(request):
    return _procedure_list(request, heading=_("Thủ tục hành chính"))


@require_GET
def field_detail(request, slug: str):
    field = selectors.field_by_slug(slug)
    if field is None:
        return _not_found(
            request, _("Không tìm thấy lĩnh vực"), _("Không có lĩnh vực nào với đường dẫn này.")
        )
    return _procedure_list(request, heading=_("Lĩnh vực: %(name)s") % {"name": field.name},
                           field=field)


@require_GET
def agency_detail(request, code: str):
    unit = selectors.unit_by_code(code)
    if unit is None:
        return _not_found(
            request,
            _("Không tìm thấy cơ quan"),
            _("Không có cơ quan nào mang mã %(code)s.") % {"code": code},
        )
    intro = " · ".join(x for x in (unit.address, unit.phone) if x)
    return _procedure_list(request, heading=unit.name, agency=unit, intro=intro)


@require_GET
def procedure_detail(request, code: str):
    version = catalog.procedure_detail(code=code)
    if version is None:
        return _not_found(
            request,
            _("Không tìm thấy thủ tục"),
            _("Không có thủ tục hành chính nào đang áp dụng mang mã %(code)s.") % {"code": code},
        )
    return render(request, "portal/procedure_detail.html", {"v": version})


# Longer than any dossier code (Dossier.code has 64 characters); a "/" cannot be in a URL part.
CODE_MAX = 64


@require_GET
def lookup(request):
    code = request.GET.get("ma", "").strip()
    if code and ("/" in code or len(code) > CODE_MAX):
        # No dossier has such a code, and it cannot be put in the result's URL (was a 500).
        return render(request, "portal/lookup.html", {"code": code[:CODE_MAX], "missing": True},
                      status=400)
    if code:
        return redirect(reverse("portal:lookup-result", args=[code]))
    return render(request, "portal/lookup.html", {})


@require_GET
@rate_limited("lookup", "MOTCUA_LOOKUP_RATE")
@never_cache
def lookup_result(request, code: str):
    status = selectors.dossier_public_status(code)
    if status is None:
        return render(request, "portal/lookup.html", {"code": code, "missing": True}, status=404)
    if status["code"] != code:
        # "…h15-…" or " … " typed: one address per dossier.
        return redirect(reverse("portal:lookup-result", args=[status["code"]]))
    return lookup_page.response(request, status)
