"""Cổng công dân: online submission one thing per page (applicant → request → one page per
required document → delivery → review → submit), drafts, "Hồ sơ của tôi", supplements and the
result download. Thin: the writes are ``motcua.citizens.services``."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.citizens import receipt, selectors, services
from motcua.citizens.models import CitizenFile, DraftStatus, ElectronicDocument
from motcua.core.downloads import attachment_response
from motcua.core.errors import DomainError, InvalidInputs
from motcua.core.pdf import pdf_response, safe_filename
from motcua.core.public_url import public_base_url
from motcua.core.qr import qr_parts
from motcua.core.upload_limit import (
    STOPPED,
    LimitedUploadHandler,
    announced_too_large,
    too_large_message,
)
from motcua.core.uploads import content_type_for
from motcua.dossiers.states import DeliveryMethod
from motcua.notifications.preferences import channels_for, preference_set
from motcua.portal import citizen_slots
from motcua.printing import forms as form_data
from motcua.printing.editions import FormKey
from motcua.printing.forms import RECEPTION_SUPPLEMENT_ACTION, FormNotApplicable
from motcua.printing.services import form_print_record
from motcua.printing.views import form_document

# Files sent in one request (one document's pages); the request is refused before its body is
# read when it announces more than this many full-size files.
FILES_PER_REQUEST = 5


def citizen_required(view):
    """Signed in as a citizen (through the identity provider); otherwise to the sign-in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        citizen = selectors.citizen_of(request.user)
        if citizen is None:
            if request.user.is_authenticated:
                raise PermissionDenied(_("Trang này dành cho công dân đăng nhập bằng định danh "
                                         "điện tử."))
            return HttpResponseRedirect(
                reverse("oidc_authentication_init") + "?" + urlencode({"next": request.get_full_path()}))
        request.citizen = citizen
        return view(request, *args, **kwargs)

    return wrapper


def _errors(error: DomainError) -> list[str]:
    if isinstance(error, InvalidInputs):
        return [e.message for e in error.errors]
    return [error.message]


def _draft_or_404(request, pk):
    draft = selectors.citizen_draft(citizen=request.citizen, pk=pk)
    if draft is None:
        raise Http404(_("Không tìm thấy hồ sơ đang soạn."))
    return draft


def _steps(draft) -> list[dict]:
    """The pages of the journey, for the progress line and "next"."""
    pk = draft.pk
    steps = [{"url": reverse("portal:apply-applicant", args=[pk]), "label": _("Người nộp")},
             {"url": reverse("portal:apply-request", args=[pk]), "label": _("Nội dung yêu cầu")}]
    for i, doc in enumerate(_documents(draft), start=1):
        steps.append({"url": reverse("portal:apply-document", args=[pk, i]), "label": doc.name})
    steps += [{"url": reverse("portal:apply-delivery", args=[pk]), "label": _("Nhận kết quả")},
              {"url": reverse("portal:apply-review", args=[pk]), "label": _("Kiểm tra và nộp")}]
    return steps


def _documents(draft):
    return list(draft.procedure_version.documents.order_by("order", "pk"))


def _next_url(draft, current: str) -> str:
    steps = _steps(draft)
    urls = [s["url"] for s in steps]
    i = urls.index(current) if current in urls else -1
    return urls[min(i + 1, len(urls) - 1)]


def _page(request, draft, template, context, status=200):
    if draft.status != DraftStatus.OPEN:
        return redirect("portal:my-dossier", code=draft.dossier.code)
    steps = _steps(draft)
    context.update(draft=draft, steps=steps, version=draft.procedure_version,
                   step_no=[s["url"] for s in steps].index(request.path) + 1
                   if request.path in [s["url"] for s in steps] else 0)
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@citizen_required
def apply_start(request, code: str):
    """"Nộp hồ sơ trực tuyến" on the procedure page: a new draft for this procedure."""
    version = selectors.published_version(code=code)
    if version is None:
        raise Http404(_("Không tìm thấy thủ tục."))
    units = selectors.receiving_units(version)
    if request.method == "GET":
        drafts = selectors.open_drafts(citizen=request.citizen).filter(procedure_version=version)
        return render(request, "portal/citizen/apply_start.html", {
            "v": version, "units": units, "drafts": drafts,
            "online": version.online_mode != "none",
        })
    unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
    if unit is None and len(units) == 1:
        unit = units[0]
    if unit is None:
        messages.error(request, _("Cần chọn nơi nộp hồ sơ."))
        return redirect("portal:apply-start", code=code)
    try:
        draft = services.draft_start(
            actor=request.user, citizen=request.citizen, procedure_version=version,
            receiving_unit=unit, as_organisation=request.POST.get("as") == "organisation")
    except DomainError as error:
        return render(request, "portal/citizen/apply_start.html", {
            "v": version, "units": units, "errors": _errors(error),
            "online": version.online_mode != "none"}, status=400)
    return redirect("portal:apply-applicant", pk=draft.pk)


@require_http_methods(["GET", "POST"])
@citizen_required
def apply_applicant(request, pk):
    draft = _draft_or_404(request, pk)
    if request.method == "POST":
        try:
            services.draft_update(actor=request.user, citizen=request.citizen, draft=draft,
                                  applicant={k: request.POST.get(k, "") for k in
                                             services.EDITABLE_APPLICANT})
        except DomainError as error:
            return _page(request, draft, "portal/citizen/apply_applicant.html",
                         {"errors": _errors(error)}, status=400)
        return redirect(_next_url(draft, request.path))
    return _page(request, draft, "portal/citizen/apply_applicant.html", {})


@require_http_methods(["GET", "POST"])
@citizen_required
def apply_request(request, pk):
    draft = _draft_or_404(request, pk)
    if request.method == "POST":
        try:
            services.draft_update(actor=request.user, citizen=request.citizen, draft=draft,
                                  request_summary=request.POST.get("request_summary", ""))
        except DomainError as error:
            return _page(request, draft, "portal/citizen/apply_request.html",
                         {"errors": _errors(error)}, status=400)
        return redirect(_next_url(draft, request.path))
    return _page(request, draft, "portal/citizen/apply_request.html", {})


def _too_large(request) -> bool:
    return announced_too_large(request, files=FILES_PER_REQUEST)


def _upload_view(view):
    """Uploads: refused on the announced size before the body is read, then streamed through a
    handler that stops at the size limit (CSRF checked after the handlers are in place)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            if _too_large(request):
                # Answered without reading the body (not even for the CSRF token): the view
                # writes nothing on this path, it only says the file is too large.
                request._too_large = True
                return view(request, *args, **kwargs)
            request.upload_handlers.insert(0, LimitedUploadHandler(request))
        return csrf_protect(view)(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def _too_large_message() -> str:
    return too_large_message()


@_upload_view
@require_http_methods(["GET", "POST"])
@citizen_required
def apply_document(request, pk, n: int):
    draft = _draft_or_404(request, pk)
    docs = _documents(draft)
    if not 1 <= n <= len(docs):
        raise Http404
    doc = docs[n - 1]
    errors: list[str] = []
    if request.method == "POST" and getattr(request, "_too_large", False):
        errors = [_too_large_message()]
    elif request.method == "POST":
        action = request.POST.get("action", "upload")
        try:
            if action == "remove":
                services.draft_remove_file(actor=request.user, citizen=request.citizen,
                                           draft=draft, file_id=request.POST.get("file"))
            elif action == "reuse":
                edoc = get_object_or_404(ElectronicDocument, pk=request.POST.get("document"),
                                         id_number=request.citizen.id_number)
                services.draft_reuse_document(actor=request.user, citizen=request.citizen,
                                              draft=draft, required_id=doc.pk, document=edoc)
            elif action == "next":
                return redirect(_next_url(draft, request.path))
            else:
                files = request.FILES.getlist("files")
                if request.META.get(STOPPED):
                    errors = [_too_large_message()]
                elif not files:
                    errors = [_("Chọn ít nhất một tệp để tải lên.")]
                for upload in files if not errors else []:
                    services.draft_add_file(actor=request.user, citizen=request.citizen,
                                            draft=draft, required_id=doc.pk, upload=upload)
        except DomainError as error:
            errors = _errors(error)
        if not errors:
            return redirect(request.path)
    files = selectors.draft_files(draft=draft).get(doc.pk, [])
    reusable = selectors.reusable_for(id_number=request.citizen.id_number,
                                      required_ids=[doc.pk], names=[doc.name]).get(doc.pk, [])
    used = {f.reused_from_id for f in files}
    return _page(request, draft, "portal/citizen/apply_document.html", {
        "doc": doc, "n": n, "files": files, "errors": errors,
        "reusable": [r for r in reusable if r.pk not in used],
        "max_mb": settings.MOTCUA_UPLOAD_MAX_MB,
    }, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
@citizen_required
def apply_delivery(request, pk):
    draft = _draft_or_404(request, pk)
    if request.method == "POST":
        try:
            services.draft_update(actor=request.user, citizen=request.citizen, draft=draft,
                                  delivery={"method": request.POST.get("method", ""),
                                            "address": request.POST.get("address", "")})
        except DomainError as error:
            return _page(request, draft, "portal/citizen/apply_delivery.html",
                         {"errors": _errors(error), "methods": DeliveryMethod.choices},
                         status=400)
        return redirect(_next_url(draft, request.path))
    return _page(request, draft, "portal/citizen/apply_delivery.html",
                 {"methods": DeliveryMethod.choices})


@require_http_methods(["GET", "POST"])
@citizen_required
def apply_review(request, pk):
    draft = _draft_or_404(request, pk)
    if request.method == "POST":
        if request.POST.get("token") != str(draft.token):
            raise Http404
        try:
            dossier = services.draft_submit(actor=request.user, citizen=request.citizen,
                                            draft=draft)
        except DomainError as error:
            return _review(request, draft, errors=_errors(error), status=400)
        return redirect("portal:my-dossier", code=dossier.code)
    if draft.status == DraftStatus.SUBMITTED:
        return redirect("portal:my-dossier", code=draft.dossier.code)
    return _review(request, draft)


def _review(request, draft, *, errors=(), status=200):
    files = selectors.draft_files(draft=draft)
    docs = [{"doc": d, "n": i, "files": files.get(d.pk, [])}
            for i, d in enumerate(_documents(draft), start=1)]
    return _page(request, draft, "portal/citizen/apply_review.html", {
        "docs": docs, "errors": errors,
        "missing": services.missing_documents(draft),
        "delivery_label": dict(DeliveryMethod.choices).get(draft.delivery.get("method"), ""),
    }, status=status)


@require_GET
@citizen_required
def my_dossiers(request):
    return render(request, "portal/citizen/my_dossiers.html", {
        "dossiers": selectors.citizen_dossiers(citizen=request.citizen)[:200],
        "drafts": selectors.open_drafts(citizen=request.citizen),
        "store": selectors.store_documents(id_number=request.citizen.id_number)[:50],
    })


def _own_dossier(request, code):
    dossier = selectors.citizen_dossier(citizen=request.citizen, code=code)
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier


@_upload_view
@require_http_methods(["GET", "POST"])
@citizen_required
def my_dossier(request, code: str):
    dossier = _own_dossier(request, code)
    errors: list[str] = []
    if request.method == "POST" and getattr(request, "_too_large", False):
        errors = [_too_large_message()]
    elif request.method == "POST":
        files = request.FILES.getlist("files")
        if request.META.get(STOPPED):
            errors = [_too_large_message()]
        elif not files:
            errors = [_("Chọn ít nhất một tệp để tải lên.")]
        try:
            if not errors:
                services.supplement_upload(actor=request.user, citizen=request.citizen,
                                           dossier=dossier, uploads=files,
                                           label=request.POST.get("label", ""))
        except DomainError as error:
            errors = _errors(error)
        if not errors:
            messages.success(request, _("Đã gửi tệp bổ sung. Cán bộ tiếp nhận sẽ kiểm tra."))
            return redirect(request.path)
    return render(request, "portal/citizen/my_dossier.html", {
        **_dossier_context(request, dossier), "errors": errors,
    }, status=400 if errors else 200)


def _dossier_context(request, dossier) -> dict:
    # What the citizen is shown is the citizens feature's (the mobile app's API shows the same).
    summary = selectors.dossier_summary(dossier)
    actions = summary["actions"]
    return {
        "d": dossier, "supplement": summary["supplement"], "awaiting": summary["awaiting"],
        "history": summary["timeline"], "files": summary["files"],
        "apology": summary["apology"], "has_result": actions["result"],
        "slots": citizen_slots.links_for(request, dossier),
        "qr": qr_parts(receipt.lookup_url(request, dossier)),
        "can_withdraw": actions["withdraw"], "withdraw_at_desk": actions["withdraw_at_desk"],
        # Mẫu 02 of a request before receipt, which the citizen may print (my_supplement_notice).
        "reception_notice": dossier.status_changes.filter(
            action=RECEPTION_SUPPLEMENT_ACTION).exists(),
    }


@require_GET
@citizen_required
def my_result(request, code: str):
    dossier = _own_dossier(request, code)
    if not selectors.has_result(dossier):
        raise Http404(_("Hồ sơ chưa có kết quả điện tử."))
    extension = dossier.result_file.name.rsplit(".", 1)[-1].lower()
    return attachment_response(dossier.result_file,
                               download_name=f"{dossier.code}-ket-qua.{extension}",
                               content_type=content_type_for(dossier.result_file.name))


@require_GET
@citizen_required
def my_file(request, code: str, file_id: int):
    dossier = _own_dossier(request, code)
    row = get_object_or_404(CitizenFile, pk=file_id, dossier=dossier)
    return attachment_response(row.file, download_name=safe_filename(dossier.code, row.label)
                               + "." + (row.file.name or "").rsplit(".", 1)[-1],
                               content_type=row.content_type)


@require_GET
@citizen_required
def my_receipt_pdf(request, code: str):
    """Giấy xác nhận nộp hồ sơ trực tuyến (``citizens.receipt``)."""
    dossier = _own_dossier(request, code)
    return pdf_response(receipt.receipt_pdf(request, dossier),
                        safe_filename("xac-nhan-nop", dossier.code) + ".pdf")


@require_GET
@citizen_required
def my_supplement_notice(request, code: str):
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) of a request before receipt, as PDF:
    the same document the desk prints (printing.forms.reception_supplement_context). Printing
    it is logged (``printing.form_printed``) and gives the form its number if the desk has not
    printed it yet: it is one issued document, whoever prints it first."""
    dossier = _own_dossier(request, code)
    key = FormKey.RECEPTION_SUPPLEMENT
    try:
        form = form_data.reception_supplement_context(dossier, base_url=public_base_url(request))
    except FormNotApplicable as exc:
        raise Http404(exc.message) from None
    form_print_record(actor=request.user, form=key.value, fmt="pdf", dossier=dossier,
                      numbering=form["header"]["numbering"])
    if not form["header"]["issued"]:
        form = form_data.reception_supplement_context(dossier, base_url=public_base_url(request))
    document = form_document(form, key, base_url=request.build_absolute_uri("/"))
    return pdf_response(document.write_pdf(), safe_filename("mau-02", dossier.code) + ".pdf")


@require_POST
@citizen_required
def my_withdraw(request, code: str):
    """Rút hồ sơ: before receipt at once; after, the page says to ask the desk (Mẫu 05)."""
    dossier = _own_dossier(request, code)
    try:
        services.dossier_withdraw(actor=request.user, citizen=request.citizen, dossier=dossier,
                                  reason=request.POST.get("reason", ""))
    except DomainError as error:
        return render(request, "portal/citizen/my_dossier.html", {
            **_dossier_context(request, dossier), "errors": _errors(error)}, status=409)
    messages.success(request, _("Đã rút hồ sơ."))
    return redirect("portal:my-dossier", code=code)


@require_POST
@citizen_required
def draft_delete(request, pk):
    draft = _draft_or_404(request, pk)
    if draft.status == DraftStatus.OPEN:
        services.draft_delete(actor=request.user, citizen=request.citizen, draft=draft)
    return redirect("portal:my-dossiers")


@require_http_methods(["GET", "POST"])
@citizen_required
def my_notifications(request):
    """Kênh nhận thông báo: the citizen chooses e-mail, SMS and/or Zalo (notifications.preferences,
    keyed by the verified ID number, so a choice follows every dossier of this person)."""
    citizen = request.citizen
    errors: list[str] = []
    if request.method == "POST":
        try:
            preference_set(actor=request.user, channels=request.POST.getlist("channels"),
                           id_number=citizen.id_number, phone=citizen.phone, email=citizen.email)
        except DomainError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("Đã lưu lựa chọn kênh nhận thông báo."))
            return redirect("portal:my-notifications")
    chosen = channels_for(id_number=citizen.id_number, phones=[citizen.phone],
                          emails=[citizen.email])
    options = [
        ("email", _("Thư điện tử"), citizen.email),
        ("sms", _("Tin nhắn SMS"), citizen.phone),
        ("zalo", _("Zalo"), citizen.phone),
    ]
    return render(request, "portal/citizen/my_notifications.html", {
        "options": [{"value": v, "label": label, "address": address, "checked": v in chosen}
                    for v, label, address in options],
        "errors": errors,
    }, status=400 if errors else 200)
