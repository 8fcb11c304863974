"""The dossier's uploaded and digitized files for the desk (xem tệp hồ sơ trực tuyến, số hóa):
shown inline (a PDF in the page's viewer, images) through an access-checked view, and the
receptionist's scans of paper documents attached at the counter."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from motcua.citizens import services as citizen_services
from motcua.citizens.models import CitizenFile
from motcua.core.errors import DomainError
from motcua.dossiers import access, permissions
from motcua.dossiers.models import DossierDocument
from motcua.org.models import Role
from motcua.workspace.views import _get_dossier, staff_required

INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


@require_GET
@staff_required
@xframe_options_sameorigin
def citizen_file(request, code: str, file_id: int):
    """One file, inline, for the page's viewer. Only the three types the upload policy let in
    (checked by content when stored) are ever served inline; with nosniff and a sandbox."""
    dossier = _get_dossier(request.user, code)
    if not permissions.can_view_personal_data(request.user, dossier):
        raise PermissionDenied(_("Bạn không được xem giấy tờ của hồ sơ này."))
    row = get_object_or_404(CitizenFile, pk=file_id, dossier=dossier)
    if row.content_type not in INLINE_TYPES:
        raise Http404
    access.record_view(actor=request.user, dossier=dossier, channel=access.WEB,
                       ip=request.META.get("REMOTE_ADDR"))
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=row.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Framed by our own dossier page only; PDFs with scripts were refused at upload.
    response["Content-Security-Policy"] = ("default-src 'none'; img-src 'self'; "
                                           "style-src 'unsafe-inline'; frame-ancestors 'self'")
    return response


@require_POST
@staff_required
def digitise(request, code: str):
    """Số hóa: the receptionist attaches scans of a paper document of the dossier."""
    dossier = _get_dossier(request.user, code)
    if not permissions.has_role(request.user, Role.RECEPTIONIST, dossier.receiving_unit_id):
        raise PermissionDenied(_("Chỉ cán bộ tiếp nhận của đơn vị tiếp nhận được số hóa hồ sơ."))
    document = None
    if request.POST.get("document"):
        document = get_object_or_404(DossierDocument, pk=request.POST["document"],
                                     dossier=dossier)
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, _("Chọn ít nhất một tệp quét để số hóa."))
    try:
        for upload in files:
            citizen_services.counter_scan_attach(actor=request.user, dossier=dossier,
                                                 document=document, upload=upload)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if files:
            messages.success(request, _("Đã số hóa %(n)s tệp.") % {"n": len(files)})
    return redirect("workspace:dossier", code=dossier.code)
