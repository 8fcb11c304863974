"""Uploads past the size limit, refused as early as possible (the portal's pages and the
citizen API): a body announcing more than a few full-size files is refused before it is read
(``announced_too_large``), and a streaming upload handler stops a file past the limit while it
arrives, so a 200 MB body sent without a length (chunked) is cut off instead of stored."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext_lazy as _

from motcua.core.uploads import max_bytes

STOPPED = "motcua.upload_stopped"


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_bytes():
            if self.request is not None:
                self.request.META[STOPPED] = True
            raise StopUpload(connection_reset=True)
        return raw_data  # the next handler (memory or temporary file) keeps it

    def file_complete(self, file_size):
        return None


def announced_too_large(request, *, files: int) -> bool:
    """The announced length is over ``files`` full-size files and a megabyte of form fields."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > max_bytes() * files + 1024 * 1024


def too_large_message() -> str:
    return str(_("Tệp quá lớn: mỗi tệp không được lớn hơn %(mb)s MB.")
               % {"mb": settings.MOTCUA_UPLOAD_MAX_MB})
