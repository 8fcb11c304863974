"""Serving stored files after the caller checked access (tải tệp có kiểm soát).

Production behind nginx: ``MOTCUA_X_ACCEL_REDIRECT_PREFIX=/protected-media/`` and an
``internal`` location that maps that prefix to MEDIA_ROOT; Django answers with headers only
and nginx streams the file. Otherwise Django streams it. Either way the file is an attachment,
never rendered inline, with ``nosniff`` and a sandboxing CSP.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse


def _harden(response, download_name: str) -> HttpResponse:
    response["Content-Disposition"] = (
        f"attachment; filename=\"{download_name.encode('ascii', 'replace').decode()}\"; "
        f"filename*=UTF-8''{quote(download_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_response(field_file, *, download_name: str, content_type: str) -> HttpResponse:
    """The stored file behind ``field_file`` as a download named ``download_name``."""
    if not field_file or not field_file.name:
        raise Http404
    name = field_file.name
    if ".." in name.split("/") or name.startswith("/"):
        raise Http404
    prefix = settings.MOTCUA_X_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
        return _harden(response, download_name)
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, as_attachment=True)
    return _harden(response, download_name)
