"""Serving stored files after the caller checked access (tải tệp có kiểm soát).

Production behind nginx: ``MOTCUA_X_ACCEL_REDIRECT_PREFIX=/protected-media/`` and an
``internal`` location that maps that prefix to MEDIA_ROOT; Django answers with headers only
and nginx streams the file. Otherwise Django streams it. Either way the file is an attachment,
never rendered inline, with ``nosniff`` and a sandboxing CSP. Files in an S3-compatible store
(``MOTCUA_STORAGE=s3``) are streamed through Django, or with ``MOTCUA_S3_PRESIGNED_SECONDS``
answered by a redirect to a presigned address that expires within seconds.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect


def _disposition(download_name: str) -> str:
    return (f"attachment; filename=\"{download_name.encode('ascii', 'replace').decode()}\"; "
            f"filename*=UTF-8''{quote(download_name)}")


def _harden(response, download_name: str) -> HttpResponse:
    response["Content-Disposition"] = _disposition(download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _is_local(storage) -> bool:
    # X-Accel-Redirect maps to MEDIA_ROOT on disk: only for files stored there.
    return isinstance(storage, FileSystemStorage)  # default_storage proxies its class


def _presigned_url(field_file, download_name: str, content_type: str) -> str | None:
    """A short-lived address of the object in the S3 store (MOTCUA_S3_PRESIGNED_SECONDS),
    answered as an attachment by the store itself; None to stream through Django."""
    seconds = settings.MOTCUA_S3_PRESIGNED_SECONDS
    storage = field_file.storage
    if not seconds or _is_local(storage) or not hasattr(storage, "bucket_name"):
        return None
    return storage.url(field_file.name, expire=seconds, parameters={
        "ResponseContentDisposition": _disposition(download_name),
        "ResponseContentType": content_type, "ResponseCacheControl": "private, no-store"})


def attachment_response(field_file, *, download_name: str, content_type: str) -> HttpResponse:
    """The stored file behind ``field_file`` as a download named ``download_name``."""
    if not field_file or not field_file.name:
        raise Http404
    name = field_file.name
    if ".." in name.split("/") or name.startswith("/"):
        raise Http404
    presigned = _presigned_url(field_file, download_name, content_type)
    if presigned:
        redirect = HttpResponseRedirect(presigned)
        redirect["Cache-Control"] = "private, no-store"
        return redirect
    prefix = settings.MOTCUA_X_ACCEL_REDIRECT_PREFIX
    if prefix and _is_local(field_file.storage):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
        return _harden(response, download_name)
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, as_attachment=True)
    return _harden(response, download_name)
