"""A streaming upload handler that stops a file past the size limit while it arrives, so a
200 MB body announced without a length (chunked) is cut off instead of stored."""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

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
