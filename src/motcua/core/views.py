"""Error pages (trang lỗi) 400, 403, 404 and 500 in the site's look, Vietnamese first.

Django's own error pages are bare English. These render the site's layout in the language the
user chose (the locale middleware has already run), with the reason a view gave when it is
meant for people ("Bạn không có quyền xem hồ sơ này."). Under ``/api/`` the same errors keep the
API's JSON shape ``{code, message, fields}`` (a URL no API route matches still reaches these
handlers, not DRF's).

The 500 page renders without the request's context processors or the database: whatever broke
the request may break them too.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.template.exceptions import TemplateDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

_API_PREFIX = "/api/"

_API = {
    400: ("bad_request", gettext_lazy("Yêu cầu không hợp lệ.")),
    403: ("permission_denied", gettext_lazy("Bạn không có quyền thực hiện thao tác này.")),
    404: ("not_found", gettext_lazy("Không tìm thấy.")),
    500: ("server_error", gettext_lazy("Lỗi hệ thống, vui lòng thử lại sau.")),
}


def _titles() -> dict[int, tuple[str, str]]:
    """(title, explanation) per status, in the active language."""
    return {
        400: (_("Yêu cầu không hợp lệ"),
              _("Máy chủ không hiểu yêu cầu này. Hãy quay lại trang trước và thử lại.")),
        403: (_("Không có quyền truy cập"),
              _("Bạn không có quyền xem trang này.")),
        404: (_("Không tìm thấy trang"),
              _("Trang bạn tìm không tồn tại hoặc đã được chuyển đi.")),
        500: (_("Lỗi hệ thống"),
              _("Hệ thống gặp lỗi khi xử lý yêu cầu. Cán bộ kỹ thuật đã được ghi nhận lỗi; "
                "vui lòng thử lại sau ít phút.")),
    }


def _reason(exception) -> str:
    """The message a view raised, if it was written for people (a Vietnamese sentence, which
    the catalogue translates when English is chosen); Django's internal messages are not."""
    if exception is None or not exception.args:
        return ""
    message = str(exception.args[0])
    if not message or message.isascii():  # "No Dossier matches the given query." etc.
        return ""
    return _(message)


def _api(request, status: int, exception=None) -> JsonResponse | None:
    if not request.path.startswith(_API_PREFIX):
        return None
    code, message = _API[status]
    return JsonResponse({"code": code, "message": _reason(exception) or str(message)},
                        status=status)


def _page(request, status: int, exception=None, template: str = "core/error.html"):
    api = _api(request, status, exception)
    if api is not None:
        return api
    title, explanation = _titles()[status]
    context = {"status": status, "title": title, "explanation": explanation,
               "reason": _reason(exception)}
    try:
        body = loader.render_to_string(template, context, request=request)
    except TemplateDoesNotExist:  # pragma: no cover - a broken installation
        body = f"<h1>{title}</h1><p>{explanation}</p>"
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, exception)


def permission_denied(request, exception=None):
    return _page(request, 403, exception)


def page_not_found(request, exception=None):
    return _page(request, 404, exception)


def csrf_failure(request, reason=""):
    """A form sent after the session changed (or without its token): a 403 that says what to
    do, not Django's English CSRF page."""
    api = _api(request, 403)
    if api is not None:
        return api
    title = _("Phiên làm việc đã thay đổi")
    explanation = _("Biểu mẫu đã cũ hoặc phiên đăng nhập đã thay đổi. Hãy tải lại trang rồi gửi lại.")
    body = loader.render_to_string(
        "core/error.html",
        {"status": 403, "title": title, "explanation": explanation, "reason": ""},
        request=request,
    )
    return HttpResponse(body, status=403)


def server_error(request):
    api = _api(request, 500)
    if api is not None:
        return api
    title, explanation = _titles()[500]
    try:
        body = loader.render_to_string(
            "core/error_500.html", {"title": title, "explanation": explanation}
        )
    except Exception:  # noqa: BLE001 - the last resort must not fail
        logger.exception("the 500 page itself failed")
        body = f"<!doctype html><h1>{title}</h1><p>{explanation}</p>"
    return HttpResponse(body, status=500)
