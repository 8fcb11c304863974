"""One error shape for the whole API: ``{"code": ..., "message": ..., "fields": {...}}``.

``code`` is machine-readable and stable; ``message`` is Vietnamese for people.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from motcua.core.errors import DomainError

_DEFAULT_MESSAGES = {
    "not_authenticated": "Cần đăng nhập.",
    "authentication_failed": "Thông tin đăng nhập không đúng.",
    "permission_denied": "Bạn không có quyền thực hiện thao tác này.",
    "not_found": "Không tìm thấy.",
    "method_not_allowed": "Phương thức không được hỗ trợ.",
    "throttled": "Quá nhiều yêu cầu, vui lòng thử lại sau.",
    "parse_error": "Dữ liệu gửi lên không đọc được.",
    "invalid": "Dữ liệu không hợp lệ.",
}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "message": exc.message}
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
            "message": _DEFAULT_MESSAGES["invalid"],
            "fields": response.data if isinstance(response.data, dict) else {"non_field_errors": response.data},
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            code = codes
    response.data = {"code": code, "message": _DEFAULT_MESSAGES.get(code, str(getattr(exc, "detail", exc)))}
    if isinstance(exc, exceptions.Throttled):
        # Retry-After is set by DRF; the body says it in words too.
        if exc.wait:
            response.data["message"] = (
                f"Quá nhiều yêu cầu, vui lòng thử lại sau {int(exc.wait)} giây."
            )
        elif str(exc.detail) != exceptions.Throttled.default_detail:
            response.data["message"] = str(exc.detail)
        response.data["fields"] = {}
    return response
