"""OpenAPI post-processing: the error answers every operation can give, in the error shape.

Each view documents its own success and its meaningful errors (a 409 of an action, a 400 of a
filter, with examples). Some answers can come from any operation, before or around the view:
a NUL byte or a malformed query (400), an unknown page or code (404), a body over the limit
(413, operations with a body), missing or wrong credentials (401) and a role that may not
(403, operations behind authentication). They are added here where a view did not say more,
so that the schema lists every status the API really gives (checked by schemathesis,
tests/api/test_schemathesis.py).
"""

from __future__ import annotations

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "Mã lỗi ổn định, cho máy đọc"},
        "message": {"type": "string", "description": "Thông báo tiếng Việt"},
        "fields": {
            "type": "object",
            "description": "Lỗi theo trường; trường lồng nhau viết có dấu chấm "
                           "(applicant.id_number, documents.0.copies)",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "message"],
}
COMMON = {
    "400": "Yêu cầu không hợp lệ (tham số, dữ liệu, byte NUL)",
    "404": "Không tìm thấy (đường dẫn, mã, trang)",
}
WITH_BODY = {"413": "Dữ liệu gửi lên quá lớn"}
WITH_AUTH = {
    "401": "Chưa đăng nhập hoặc mã thông báo sai",
    "403": "Vai trò hoặc đơn vị không được phép",
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def add_error_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            wanted = dict(COMMON)
            if "requestBody" in operation:
                wanted.update(WITH_BODY)
            if any(entry for entry in operation.get("security", [])):
                wanted.update(WITH_AUTH)
            responses = operation.setdefault("responses", {})
            for status, description in wanted.items():
                responses.setdefault(status, _error(description))
    return result
