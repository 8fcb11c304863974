"""Request ids (mã yêu cầu) and structured logs.

nginx gives every request an ``X-Request-ID`` (its ``$request_id``, or the client's when a
trusted upstream set one); the middleware keeps it — or makes one — for the request, answers
with it, and every log line written while serving the request carries it as ``request_id``, so
an error an officer reports (the id is on the error page's response header) is found in the
JSON logs of whichever node served it.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("motcua_request_id", default="")

# Only ids that are safe to echo into a header and a log line.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
HEADER = "X-Request-ID"


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        # Not reset when the middleware returns: Django logs a 4xx/5xx answer ("django.request")
        # after the middleware chain, and that line needs the id too. The next request served
        # by this thread sets its own.
        _request_id.set(rid)
        response = self.get_response(request)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _request_id.get()
        return True
