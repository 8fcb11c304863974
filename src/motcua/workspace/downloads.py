"""Result file download for staff (tải văn bản kết quả): access-checked, as an attachment."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.core.downloads import attachment_response
from motcua.core.uploads import content_type_for
from motcua.dossiers import access, permissions
from motcua.workspace.views import _get_dossier, staff_required


@require_GET
@staff_required
def result_file(request, code: str):
    dossier = _get_dossier(request.user, code)
    if not permissions.can_download_result(request.user, dossier):
        raise PermissionDenied(_("Bạn không được tải văn bản kết quả của hồ sơ này."))
    if not dossier.result_file:
        raise Http404(_("Hồ sơ chưa có văn bản kết quả."))
    # The result names the applicant: downloading it is a read of personal data.
    access.record_view(actor=request.user, dossier=dossier, channel=access.WEB,
                       ip=request.META.get("REMOTE_ADDR"))
    extension = dossier.result_file.name.rsplit(".", 1)[-1].lower()
    return attachment_response(
        dossier.result_file, download_name=f"{dossier.code}-ket-qua.{extension}",
        content_type=content_type_for(dossier.result_file.name),
    )
