"""Staff pages (trang làm việc của cán bộ): worklists, dossier page and actions, intake,
the apology register.

Thin: parse the form, call one dossier service or selector, render. Who may see a dossier and
which actions a user may take come from ``motcua.dossiers.permissions``; the services check again,
so a stale page or a hand-made POST gets the same answer (403 for a role or unit that may not,
409 for a state that no longer allows it, 400 for bad input) and nothing half-written.
"""

from __future__ import annotations

import functools
import urllib.parse

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.citizens import selectors as citizen_selectors
from motcua.core.errors import Conflict, DomainError, InvalidInput, NotAllowed
from motcua.core.limits import MAX_BIG_ID
from motcua.dossiers import access, identity, permissions, services
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import CounterGuidance, Dossier
from motcua.dossiers.pagination import CappedPaginator
from motcua.dossiers.states import NATIONAL_NAME
from motcua.dossiers.transitions import TRANSITIONS, check_state
from motcua.org.models import Role, Unit
from motcua.payments.services import fee_choice_record
from motcua.printing.forms import available_forms
from motcua.workspace import selectors
from motcua.workspace.forms import (
    IntakeForm,
    WorklistFilterForm,
    action_form_class,
    attach_domain_error,
)
from motcua.workspace.templatetags.workspace_tags import vn_int

PAGE_SIZE = 25

EXTRA_ACTIONS = {
    "apologise": gettext_lazy("Xin lỗi, hẹn lại ngày trả kết quả"),
    "record_explanation": gettext_lazy("Giải trình trễ hạn"),
    "escalate": gettext_lazy("Báo cáo UBND chủ quản"),
    "hand_over_notice": gettext_lazy("Trao thông báo cho công dân"),
}
# The form to print after an action succeeds (the print page says if it does not apply).
PRINT_AFTER = {
    "request_supplement": "mau-02",
    "request_supplement_at_reception": "mau-02-truoc-tiep-nhan",
    "apologise": "mau-04",
    "withdraw": "mau-05",
    "refuse": "tb-tu-choi",
    "stop": "mau-05",
}


def staff_required(view):
    """Logged in (else /dang-nhap/) and a staff member (a role in a unit, or superuser)."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not permissions.is_staff_member(request.user):
            raise PermissionDenied(_("Chỉ cán bộ có vai trò tại một đơn vị mới dùng trang này."))
        return view(request, *args, **kwargs)

    return wrapper


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def action_label(action: str) -> str:
    t = TRANSITIONS.get(action)
    return transition_text(t.label) if t else str(EXTRA_ACTIONS.get(action, action))


def transition_text(text: str) -> str:
    """A label or description of the transitions table in the page's language.

    The table keeps plain Vietnamese strings: the service and API messages and the docs table
    use them as they are. Its own context keeps an action ("Dừng xử lý", stop) apart from the
    state of the same name (stopped).
    """
    return pgettext("thao tác", text) if text else ""


# ----------------------------------------------------------------------------- worklists


def _tile_count(n: int) -> str:
    """Vietnamese digit grouping; "1.000+" past the tile cap."""
    if n > selectors.TILE_COUNT_CAP:
        return vn_int(selectors.TILE_COUNT_CAP) + "+"
    return vn_int(n)


@require_GET
@staff_required
def home(request):
    now = timezone.now()
    counts = selectors.worklist_counts(user=request.user, now=now)
    lists = [{"key": w.key, "label": w.label, "help": w.help, "count": counts[w.key],
              "shown": _tile_count(counts[w.key])} for w in selectors.WORKLISTS]
    roles = [
        {"role": Role(r).label, "unit": u}
        for u, r in sorted(permissions.memberships(request.user))
    ]
    unit_names = dict(Unit.objects.filter(
        pk__in=[r["unit"] for r in roles]).values_list("pk", "name"))
    for r in roles:
        r["unit"] = unit_names.get(r["unit"], "")
    return render(request, "workspace/home.html", {
        "ws_section": "home",
        "lists": lists,
        "roles": roles,
        "can_receive": bool(selectors.reception_units(request.user)),
    })


@require_GET
@staff_required
def dossier_list(request):
    key = request.GET.get("list") or "unit"
    if key not in selectors.WORKLIST_KEYS:
        raise Http404(_("Không có danh sách này."))
    form = WorklistFilterForm(request.GET)
    now = timezone.now()
    sort = request.GET.get("sort", "")
    if selectors.sort_order(sort) is None:
        sort = ""
    try:
        qs = selectors.worklist(user=request.user, key=key, filters=form.filters(), now=now,
                                sort=sort)
    except InvalidInput as exc:
        attach_domain_error(form, exc)
        qs = Dossier.objects.none()
    # The count stops at COUNT_CAP ("hơn 10.000 hồ sơ") and is skipped on a list's last page.
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.mark_rows(page.object_list, now=now)
    # The list shows applicants' names: each row shown is logged as a read (domain §7).
    access.record_list(actor=request.user, dossiers=rows, channel=access.WEB,
                       ip=request.META.get("REMOTE_ADDR"))
    query = request.GET.copy()
    query.pop("page", None)
    current = next(w for w in selectors.WORKLISTS if w.key == key)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    return render(request, "workspace/dossier_list.html", {
        "sorts": _sort_links(unsorted, sort),
        "worklists": selectors.WORKLISTS, "current": current, "form": form, "page": page,
        "rows": rows, "query": query.urlencode(), "list_key": key, "ws_section": "list",
    })


@require_GET
@staff_required
def search(request):
    """GET /can-bo/tim/?q=…: the header's search box (tìm hồ sơ).

    A full or partial code, a name with or without diacritics, or a scanned receipt QR (its
    lookup URL or code) over every dossier the user may see; one match opens the dossier,
    otherwise the list of all dossiers filtered by the term.
    """
    term = dossier_selectors.search_term(request.GET.get("q", ""))[:200]
    list_url = reverse("workspace:list") + "?" + urllib.parse.urlencode(
        {"list": "all", **({"q": term} if term else {})})
    if not term:
        return redirect(list_url)
    found = list(selectors.worklist(user=request.user, key="all", filters={"q": term})
                 .values_list("code", flat=True)[:2])
    if len(found) == 1:
        return redirect("workspace:dossier", code=found[0])
    return redirect(list_url)


def _sort_links(query: QueryDict, current: str) -> dict[str, dict]:
    """Per sortable column: the link that sorts by it (ascending first, then the reverse) and
    its ``aria-sort`` state."""
    links = {}
    for key in selectors.SORTS:
        q = query.copy()
        state = ("ascending" if current == key
                 else "descending" if current == f"-{key}" else "none")
        q["sort"] = f"-{key}" if state == "ascending" else key
        links[key] = {"url": "?" + q.urlencode(), "aria": state,
                      "mark": {"ascending": " ▲", "descending": " ▼"}.get(state, "")}
    return links


# ----------------------------------------------------------------------------- dossier page


def _get_dossier(user, code: str) -> Dossier:
    """404 if no such dossier or if the user's units have nothing to do with it: the same
    answer, so that a foreign unit's staff cannot probe which codes exist."""
    try:
        return dossier_selectors.dossier_get(user=user, code=code)
    except (Dossier.DoesNotExist, NotAllowed):
        raise Http404(gettext_noop("Không tìm thấy hồ sơ, hoặc bạn không có quyền xem hồ sơ này.")) from None


def available_actions(user, dossier: Dossier, apology=None) -> list[str]:
    """The actions of this user on this dossier now, in table order (plus the apology ones)."""
    return permissions.allowed_actions(user, dossier, apology)


def _action_forms(dossier, names, bound=None) -> list[dict]:
    result = []
    for name in names:
        form = bound[1] if bound and bound[0] == name else action_form_class(name)(
            dossier=dossier, prefix=name
        )
        result.append({"name": name, "label": action_label(name), "form": form,
                       "description": transition_text(
                           getattr(TRANSITIONS.get(name), "description", "")),
                       "open": bool(bound and bound[0] == name)})
    return result


def _dossier_context(request, dossier: Dossier, *, success: str = "", error: str = "",
                     warnings=(), print_key: str = "", bound=None) -> dict:
    now = timezone.now()
    apology = selectors.apology_of(dossier)
    names = available_actions(request.user, dossier, apology)
    personal = permissions.can_view_personal_data(request.user, dossier)
    forms = available_forms(dossier) if personal else []
    for f in forms:
        f["url"] = reverse("printing:dossier_form", kwargs={"code": dossier.code, "form": f["key"]})
    keys = {f["key"] for f in forms}
    wanted = request.GET.get("in", "") or print_key
    timeliness = dossier_selectors.dossier_timeliness(dossier, now=now)
    return {
        "ws_section": "list",
        "dossier": dossier,
        # A courier sees the code, the destination and the delivery address, not the
        # applicant's identity and contact data, nor the forms that print them.
        "personal": personal,
        "national_name": NATIONAL_NAME.get(dossier.national_status, ""),
        "overdue": dossier.is_overdue(now),
        "due_soon": bool(selectors.mark_rows([dossier], now=now)[0].row_due_soon),
        "timeliness": timeliness.name.lower() if timeliness else "",
        "documents": selectors.documents(dossier=dossier),
        # Uploaded / digitized files with their provenance (citizens): personal data.
        "citizen_files": citizen_selectors.dossier_files(dossier=dossier) if personal else [],
        "can_digitise": permissions.has_role(request.user, Role.RECEPTIONIST,
                                             dossier.receiving_unit_id),
        "timeline": selectors.timeline(dossier=dossier),
        "steps": dossier_selectors.dossier_steps(dossier=dossier),
        "pauses": selectors.pauses(dossier=dossier),
        "apology": apology,
        "actions": _action_forms(dossier, names, bound),
        "print_forms": forms,
        "print_now": next((f for f in forms if f["key"] == wanted), None) if wanted in keys
        else None,
        "success": success,
        "error": error,
        "warnings": list(warnings),
    }


@require_GET
@staff_required
def dossier_detail(request, code: str):
    dossier = _get_dossier(request.user, code)
    # Opening the page shows the applicant's personal data: that read is logged (domain §7).
    access.record_view(actor=request.user, dossier=dossier, channel=access.WEB,
                       ip=request.META.get("REMOTE_ADDR"))
    context = _dossier_context(request, dossier)
    # The paper trail, home delivery and the signed result (courier feature); imported here
    # because courier_views builds on this module.
    from motcua.workspace.courier_views import dossier_panel

    context["courier"] = dossier_panel(request, dossier)
    return render(request, "workspace/dossier_detail.html", context)


def _deny_or_conflict(user, dossier: Dossier, action: str, apology) -> DomainError:
    """Why ``action`` is not offered: PermissionDenied (role/unit) or a Conflict (state)."""
    transition = TRANSITIONS.get(action)
    if transition is not None:
        try:
            permissions.check_transition_actor(user, transition, dossier)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        try:
            check_state(transition, dossier.status)
        except Conflict as exc:
            return exc
        return Conflict("action_not_available", _("Thao tác này hiện không thực hiện được."))
    if action == permissions.NOTICE_ACTION:
        if not permissions.may_hand_over_notice(user, dossier):
            raise PermissionDenied(
                _("Chỉ cán bộ tiếp nhận của nơi tiếp nhận hồ sơ được trao thông báo cho công dân.")
            )
        return Conflict("action_not_available",
                        _("Hồ sơ không có thông báo chờ trao cho công dân."))
    if action == "apologise":
        if not permissions.may_apologise(user, dossier):
            raise PermissionDenied(_("Chỉ lãnh đạo cơ quan giải quyết được xin lỗi, hẹn lại."))
        return Conflict("apology_not_allowed",
                        _("Hồ sơ không còn được xin lỗi, hẹn lại (đã hẹn lại hoặc đã xử lý xong)."))
    if not permissions.may_take_apology_action(user, dossier, apology, action):
        raise PermissionDenied(_("Bạn không được thực hiện thao tác này."))
    return Conflict("action_not_available", _("Thao tác này hiện không thực hiện được."))


def _run_action(user, dossier: Dossier, action: str, params: dict, apology):
    result = services.dossier_perform(actor=user, dossier=dossier, action=action,
                                      apology=apology, **params)
    return result.warnings


def _main(request, dossier, *, status=200, **context):
    response = render(request, "workspace/_dossier_main.html",
                      _dossier_context(request, dossier, **context), status=status)
    response["HX-Retarget"] = "#dossier-main"
    response["HX-Reswap"] = "outerHTML"
    return response


@require_POST
@staff_required
def dossier_action(request, code: str, action: str):
    """POST /can-bo/ho-so/<code>/thao-tac/<action>/ (HTMX or plain form)."""
    if action not in TRANSITIONS and action not in EXTRA_ACTIONS:
        raise Http404(_("Không có thao tác này."))
    if action in TRANSITIONS and TRANSITIONS[action].system_only:
        raise PermissionDenied(_("Thao tác này chỉ do hệ thống thực hiện."))
    user = request.user
    dossier = _get_dossier(user, code)
    apology = selectors.apology_of(dossier)
    htmx = _is_htmx(request)
    if action not in available_actions(user, dossier, apology):
        conflict = _deny_or_conflict(user, dossier, action, apology)
        if htmx:
            return _main(request, dossier, status=409, error=conflict.message)
        return render(request, "workspace/dossier_detail.html",
                      _dossier_context(request, dossier, error=conflict.message), status=409)
    form = action_form_class(action)(request.POST, request.FILES, dossier=dossier, prefix=action)
    status = 400
    if form.is_valid():
        try:
            warnings = _run_action(user, dossier, action, form.params(), apology)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except (InvalidInput, Conflict) as exc:
            attach_domain_error(form, exc)
            status = exc.http_status
        else:
            done = _("Đã thực hiện: %(action)s.") % {"action": action_label(action)}
            try:
                fresh = _get_dossier(user, code)
            except Http404:
                # The dossier left every unit of this user (e.g. sent on); back to the lists.
                messages.success(request, done)
                target = reverse("workspace:home")
                return _redirect(request, target)
            if not htmx:
                messages.success(request, done)
                for w in warnings:
                    messages.warning(request, w)
                return redirect("workspace:dossier", code=code)
            return _main(request, fresh, success=done, warnings=warnings,
                         print_key=PRINT_AFTER.get(action, ""))
    if htmx:
        response = render(request, "workspace/_action.html", {
            "dossier": dossier, "action": {"name": action, "label": action_label(action),
                                           "form": form, "open": True,
                                           "description": ""},
        }, status=status)
        response["HX-Retarget"] = f"#action-{action}"
        response["HX-Reswap"] = "outerHTML"
        return response
    context = _dossier_context(request, dossier, bound=(action, form))
    return render(request, "workspace/dossier_detail.html", context, status=status)


def _redirect(request, url: str):
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# ----------------------------------------------------------------------------- intake


def _reception_unit_or_403(request, units, value: str | None) -> Unit:
    if not units:
        raise PermissionDenied(
            _("Chỉ cán bộ tiếp nhận của bộ phận một cửa mới được tiếp nhận hồ sơ.")
        )
    if value:
        for u in units:
            if str(u.pk) == str(value):
                return u
        raise PermissionDenied(_("Bạn không phải cán bộ tiếp nhận của đơn vị này."))
    return units[0]


def _intake_form(request, data: QueryDict | None, units, unit):
    source = data if data is not None else request.GET
    q = source.get("q", "")
    versions = list(selectors.receivable_procedures(unit=unit, q=q))
    chosen = source.get("procedure") or ""
    version = next((v for v in versions if str(v.pk) == chosen), None)
    # Looked up only as an id: any other text made the ORM raise (a 500); the form then says
    # that the choice is not valid.
    if version is None and chosen.isascii() and chosen.isdigit() and int(chosen) <= MAX_BIG_ID:
        version = selectors.receivable_procedures(unit=unit).filter(pk=chosen).first()
        if version is not None:
            versions.insert(0, version)
    documents = list(version.documents.order_by("order")) if version else []
    initial = {"unit": str(unit.pk), "procedure": chosen, "q": q}
    if data is None and source.get("ticket"):  # intake from a called queue ticket (floor)
        from motcua.workspace.counter import ticket_applicant

        initial.update(ticket_applicant(request.user, str(source.get("ticket", "")))[1])
    form = IntakeForm(data, units=units, versions=versions, required_documents=documents,
                      fees=list(version.fees.all()) if version else (), initial=initial)
    return form, version


@require_http_methods(["GET", "POST"])
@staff_required
def intake(request):
    """Tiếp nhận hồ sơ tại quầy: accept (Mẫu 01), guide (Mẫu 02) or refuse (Mẫu 03)."""
    units = selectors.reception_units(request.user)
    source = request.POST if request.method == "POST" else request.GET
    unit = _reception_unit_or_403(request, units, source.get("unit"))
    if request.method == "GET":
        form, version = _intake_form(request, None, units, unit)
        return render(request, "workspace/intake.html",
                      {"form": form, "version": version, "unit": unit, "ws_section": "intake",
                       "ticket": _intake_ticket(request)})
    form, version = _intake_form(request, request.POST, units, unit)
    decision = request.POST.get("decision", "")
    if decision not in ("accept", "guide", "refuse"):
        # Only a press of one of the three buttons decides: a form sent by Enter in a text
        # field (or by a script) without one must not accept a dossier.
        form.is_valid()
        form.add_error(None, _("Hãy bấm một trong các nút: Tiếp nhận, Hướng dẫn bổ sung "
                               "hoặc Từ chối tiếp nhận."))
    if form.is_valid() and version is None:
        form.add_error("procedure", _("Hãy chọn thủ tục hành chính."))
    if form.is_valid():
        try:
            return _intake_decide(request, form, decision, version, unit)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except (InvalidInput, Conflict) as exc:
            form.add_domain_error(exc)
    elif version is not None:
        # The page's parsing failed on some field (a malformed date): still show every other
        # error the intake would meet, all at once.
        for problem in services.intake_problems(
            procedure_version=version, applicant=form.applicant(), documents=form.documents(),
            delivery=form.delivery(), request_summary=form.cleaned_data.get("request_summary", ""),
            notes=form.cleaned_data.get("notes", ""), check_documents=decision == "accept",
        ):
            form.add_domain_error(problem)
    return render(request, "workspace/intake.html",
                  {"form": form, "version": version, "unit": unit, "ws_section": "intake"}, status=400)


def _intake_decide(request, form: IntakeForm, decision: str, version, unit):
    user = request.user
    if decision == "guide":
        items = form.cleaned_data.get("items", "").strip() or "\n".join(
            f"- {name}" for name in form.missing_mandatory()
        )
        guidance = services.counter_guidance_issue(
            actor=user, procedure_version=version, receiving_unit=unit,
            applicant=form.applicant(), items=items, reason=form.cleaned_data.get("reason", ""),
        )
        return redirect("workspace:guidance", pk=guidance.pk)
    if decision == "refuse":
        dossier = services.dossier_refuse_at_reception(
            actor=user, procedure_version=version, receiving_unit=unit,
            applicant=form.applicant(), reason=form.cleaned_data.get("reason", ""),
            documents=[d for d in form.documents() if d["provided_as"] != "none"],
        )
        messages.success(request, _("Đã từ chối tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code})
        return redirect(reverse("workspace:dossier", kwargs={"code": dossier.code}) + "?in=mau-03")
    fee_choice = form.fee_choice()
    # One transaction: the dossier and what was entered for its fees (payments2).
    with transaction.atomic():
        dossier = services.dossier_receive(
            actor=user, procedure_version=version, receiving_unit=unit,
            applicant=form.applicant(), documents=form.documents(),
            counter=selectors.membership_counter(user, unit), delivery=form.delivery(),
            request_summary=form.cleaned_data.get("request_summary", "") or version.name,
            notes=form.cleaned_data.get("notes", ""), **fee_choice,
        )
        fee_choice_record(actor=user, dossier=dossier, copies=fee_choice["fee_copies"],
                          exemption=fee_choice["fee_exemption"])
    ticket = _intake_ticket(request)
    if ticket is not None:
        from motcua.floor.queue import ticket_link_dossier

        ticket_link_dossier(actor=user, ticket=ticket, dossier=dossier)
    messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code})
    return redirect(reverse("workspace:dossier", kwargs={"code": dossier.code}) + "?in=mau-01")


def _intake_ticket(request):
    """The called queue ticket this intake started from (floor), if any and at my counter."""
    from motcua.workspace.counter import ticket_applicant

    source = request.POST if request.method == "POST" else request.GET
    return ticket_applicant(request.user, str(source.get("ticket") or ""))[0]


@require_GET
@staff_required
def intake_procedures(request):
    """HTMX: the procedure select filtered by the search box."""
    units = selectors.reception_units(request.user)
    unit = _reception_unit_or_403(request, units, request.GET.get("unit"))
    form, _version = _intake_form(request, None, units, unit)
    return render(request, "workspace/_intake_procedures.html", {"form": form})


@require_GET
@staff_required
def intake_documents(request):
    """HTMX: the document checklist of the chosen procedure."""
    units = selectors.reception_units(request.user)
    unit = _reception_unit_or_403(request, units, request.GET.get("unit"))
    form, version = _intake_form(request, None, units, unit)
    return render(request, "workspace/_intake_documents.html",
                  {"form": form, "version": version})


@require_POST
@staff_required
def intake_validate(request):
    """HTMX: check one field (id_number, phone, tax_code) with ``dossiers.identity``."""
    _reception_unit_or_403(request, selectors.reception_units(request.user), None)
    name = request.POST.get("field", "")
    value = (request.POST.get(name) or "").strip()
    if name not in ("id_number", "phone", "tax_code"):
        raise Http404
    message = ""
    if value:
        try:
            if name == "id_number":
                birth = IntakeForm.base_fields["birth_date"].clean(
                    request.POST.get("birth_date") or None
                ) if request.POST.get("birth_date") else None
                identity.validate_identity(
                    value, birth_date=birth, gender=request.POST.get("gender", ""),
                    on=timezone.localdate(), field=name,
                )
            elif name == "phone":
                identity.normalise_phone(value, field=name)
            else:
                identity.validate_tax_code(value, field=name)
        except InvalidInput as exc:
            message = " ".join(e.message for e in getattr(exc, "errors", None) or [exc])
        except ValidationError:  # a malformed birth date: the date field says so itself
            message = ""
    return render(request, "workspace/_field_check.html",
                  {"name": name, "message": message, "ok": bool(value) and not message})


@require_GET
@staff_required
def guidance(request, pk: int):
    """After "Hướng dẫn bổ sung": the slip (Mẫu 02) to print."""
    guidance = get_object_or_404(CounterGuidance.objects.select_related(
        "procedure_version", "procedure_version__procedure", "unit"), pk=pk)
    if guidance.unit_id not in permissions.staff_units(request.user):
        raise Http404(_("Không tìm thấy phiếu hướng dẫn."))  # another unit's: as if absent
    if not permissions.has_personal_data_role(request.user, guidance.unit_id):
        raise PermissionDenied(_("Vai trò của bạn không được xem dữ liệu cá nhân."))
    return render(request, "workspace/guidance.html", {"guidance": guidance, "ws_section": "intake"})


# ----------------------------------------------------------------------------- registers


@require_GET
@staff_required
def apologies(request):
    """Sổ xin lỗi: apologies issued by a unit (and, at a center, for dossiers it received)."""
    units = selectors.apology_units(request.user)
    if not units:
        raise PermissionDenied(_("Bạn không thuộc đơn vị nào."))
    code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == code), None) if code else units[0]
    if unit is None:
        if Unit.objects.filter(code=code).exists():
            raise PermissionDenied(_("Bạn không thuộc đơn vị này."))
        raise Http404(_("Không có đơn vị này."))
    issued = dossier_selectors.apology_register(unit=unit)
    received = selectors.apologies_received_at(unit=unit) if unit.is_receiving else None
    register_url = reverse("printing:register") + "?" + urllib.parse.urlencode({"unit": unit.code})
    return render(request, "workspace/apologies.html", {
        "units": units, "unit": unit, "issued": issued, "received": received,
        "register_url": register_url, "ws_section": "apologies",
    })
