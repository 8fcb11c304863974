"""One error shape for the whole API: ``{"code": ..., "message": ..., "fields": {...}}``.

``code`` is machine-readable and stable; ``message`` is for people, in Vietnamese or in the
language the client chose (the language cookie), through gettext.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from motcua.core import views as pages
from motcua.core.errors import DomainError

_DEFAULT_MESSAGES = {
    "not_authenticated": _("Cần đăng nhập."),
    "authentication_failed": _("Thông tin đăng nhập không đúng."),
    "permission_denied": _("Bạn không có quyền thực hiện thao tác này."),
    "not_found": _("Không tìm thấy."),
    "method_not_allowed": _("Phương thức không được hỗ trợ."),
    "throttled": _("Quá nhiều yêu cầu, vui lòng thử lại sau."),
    "parse_error": _("Dữ liệu gửi lên không đọc được."),
    "invalid": _("Dữ liệu không hợp lệ."),
    "bad_request": _("Yêu cầu không hợp lệ."),
    "request_too_large": _("Dữ liệu gửi lên quá lớn."),
    "server_error": _("Lỗi hệ thống, vui lòng thử lại sau."),
}

API_PREFIX = "/api/"



def flatten_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as the documented ``{"field.path": ["message", …]}``.

    ``{"delivery": {"address": [...]}}`` becomes ``{"delivery.address": [...]}`` and an error
    of the third document ``{"documents.2.copies": [...]}``, as the domain errors name their
    fields (``applicant.id_number``): one flat shape whatever the nesting.
    """
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            out.update(flatten_fields(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        out = {}
        for index, item in enumerate(detail):
            if item:  # DRF puts {} for the items of a list that are valid
                out.update(flatten_fields(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(m) for m in messages]}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body: dict[str, object] = {"code": exc.code, "message": exc.message}
        errors = getattr(exc, "errors", None) or [exc]
        fields: dict[str, list[str]] = {}
        for error in errors:
            if error.field:
                fields.setdefault(error.field, []).append(error.message)
        if fields:
            body["fields"] = fields
        return Response(body, status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "message": str(_DEFAULT_MESSAGES["invalid"]),
            "fields": flatten_fields(response.data),
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            code = codes
    response.data = {"code": code,
                     "message": str(_DEFAULT_MESSAGES.get(code, getattr(exc, "detail", exc)))}
    if isinstance(exc, exceptions.Throttled):
        # Retry-After is set by DRF; the body says it in words too.
        if exc.wait:
            response.data["message"] = _(
                "Quá nhiều yêu cầu, vui lòng thử lại sau %(seconds)s giây."
            ) % {"seconds": int(exc.wait)}
        elif str(exc.detail) != exceptions.Throttled.default_detail:
            response.data["message"] = str(exc.detail)
        response.data["fields"] = {}
    return response


# --- Errors raised outside a DRF view ------------------------------------------------------
#
# A 404 for an unknown API path, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a NUL byte refused
# by motcua.core.edge, an unhandled exception: Django answers these with its handler400/403/
# 404/500 (config/urls.py points them here). Under /api/ the answer is the API's JSON shape in
# every environment (it was Django's HTML page); elsewhere the site's own error page.


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(status_code: int, code: str, message: str | None = None) -> JsonResponse:
    body = {"code": code, "message": str(message or _DEFAULT_MESSAGES.get(code, code))}
    return JsonResponse(body, status=status_code, json_dumps_params={"ensure_ascii": False})


def handler400(request, exception=None):
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        if is_api(request):
            return error_response(413, "request_too_large")
        response = pages.bad_request(request, exception)
        response.status_code = 413
        return response
    if is_api(request):
        return error_response(400, "bad_request")
    return pages.bad_request(request, exception)


def handler403(request, exception=None):
    if is_api(request):
        return error_response(403, "permission_denied")
    return pages.permission_denied(request, exception)


def handler404(request, exception=None):
    if is_api(request):
        return error_response(404, "not_found")
    return pages.page_not_found(request, exception)


def handler500(request):
    if is_api(request):
        return error_response(500, "server_error")
    return pages.server_error(request)
