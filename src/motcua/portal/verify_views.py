"""Xác thực kết quả: anyone uploads a result PDF (or scans the QR a staff page shows for a
dossier's result) and sees whether its signature is valid, who signed, when, and whether the
document changed after signing. Nothing uploaded is kept."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.errors import DomainError
from motcua.core.ratelimit import rate_limited
from motcua.core.uploads import check_upload
from motcua.dossiers.results import dossier_for_token, result_bytes, verify_result


def _page(request, *, report=None, dossier=None, error: str = "", status: int = 200):
    return render(request, "courier/verify_result.html", {
        "report": report, "dossier": dossier, "error": error,
    }, status=status)


@require_http_methods(["GET", "POST"])
@rate_limited("verify", "MOTCUA_VERIFY_RATE")
@never_cache
def verify_result_upload(request):
    if request.method == "GET":
        return _page(request)
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, error=_("Cần chọn tệp PDF kết quả để kiểm tra."), status=400)
    try:
        # Only read, never stored: the size and type rules of a result, no antivirus scan.
        checked = check_upload(upload, purpose="result", field="file", scan=False)
    except DomainError as exc:
        return _page(request, error=exc.message, status=400)
    return _page(request, report=verify_result(checked.content))


@require_GET
@rate_limited("verify", "MOTCUA_VERIFY_RATE")
@never_cache
def verify_result_token(request, token: str):
    dossier = dossier_for_token(token)
    if dossier is None or not dossier.result_file:
        return _page(request, error=_("Liên kết xác thực không hợp lệ hoặc hồ sơ chưa có kết "
                                      "quả điện tử."), status=404)
    try:
        data = result_bytes(dossier)
    except (DomainError, OSError):
        return _page(request, error=_("Không đọc được tệp kết quả."), status=404)
    return _page(request, report=verify_result(data, dossier=dossier), dossier=dossier)
