"""The upload policy (quy định tệp tải lên), in one place for forms, the API and services.

- the type is read from the content (magic bytes), never from the name or the browser's
  Content-Type: a text file named ``fake.pdf`` is refused;
- the size is limited (``MOTCUA_UPLOAD_MAX_MB``), checked before the file is read;
- the stored name is random (``results/2026/03/<32 hex>.pdf``): the uploader's name, with its
  ``../`` and its ``.html``, never reaches the disk;
- files are never served inline: downloads go through an access-checked view as attachments
  (``motcua.core.downloads``);
- when ``MOTCUA_CLAMD`` is set, clamd scans every upload (streamed uploads as they are read,
  before anything is stored); a scanner that cannot be asked refuses the upload rather than
  letting it through.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.core import antivirus
from motcua.core.errors import DomainError, InvalidInput

logger = logging.getLogger("motcua.security")


@dataclass(frozen=True)
class FileKind:
    name: str
    extension: str
    content_type: str


PDF = FileKind("pdf", "pdf", "application/pdf")
PNG = FileKind("png", "png", "image/png")
JPEG = FileKind("jpeg", "jpg", "image/jpeg")

# What each kind of upload may be.
PURPOSES: dict[str, tuple[FileKind, ...]] = {
    "result": (PDF,),  # văn bản kết quả: a (signed) PDF
    "document": (PDF, PNG, JPEG),  # giấy tờ số hóa
}


class ScannerDown(DomainError):
    http_status = 503


def sniff(head: bytes) -> FileKind | None:
    """The kind of a file from its first bytes, or None when it is none we accept."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def max_bytes() -> int:
    return settings.MOTCUA_UPLOAD_MAX_MB * 1024 * 1024


def _size(upload) -> int | None:
    size = getattr(upload, "size", None)
    return size if isinstance(size, int) else None


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    kind: FileKind

    @property
    def storage_name(self) -> str:
        """A name for ``FieldFile.save``: random, with the extension of the real type."""
        return f"{uuid.uuid4().hex}.{self.kind.extension}"


def check_upload(upload=None, *, content: bytes | None = None, purpose: str,
                 field: str = "file", scan: bool = True) -> CheckedFile:
    """Read and check one upload (a Django UploadedFile, or ``content``); raise InvalidInput
    with a Vietnamese message (or ScannerDown, 503) when it may not be kept.

    ``scan=False`` skips the antivirus (a form's early check; the service scans)."""
    allowed = PURPOSES[purpose]
    limit = max_bytes()
    size = _size(upload) if upload is not None else len(content or b"")
    if size is not None and size > limit:
        raise InvalidInput("file_too_large",
                           _("Tệp không được lớn hơn %(limit)s MB.") % {"limit": settings.MOTCUA_UPLOAD_MAX_MB},
                           field=field)
    if content is None:
        if hasattr(upload, "seek"):
            upload.seek(0)
        content = upload.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput("file_too_large",
                           _("Tệp không được lớn hơn %(limit)s MB.") % {"limit": settings.MOTCUA_UPLOAD_MAX_MB},
                           field=field)
    if not content:
        raise InvalidInput("file_empty", _('Tệp rỗng.'), field=field)
    kind = sniff(content[:16])
    if kind not in allowed:
        names = ", ".join(k.name.upper() for k in allowed)
        raise InvalidInput("file_type_not_allowed",
                           _("Chỉ nhận tệp %(names)s (kiểm tra theo nội dung tệp, không theo tên).") % {"names": names},
                           field=field)
    if not scan:
        return CheckedFile(content=content, kind=kind)
    try:
        result = antivirus.scan_bytes(content)
    except antivirus.ScannerUnavailable:
        raise _scanner_down(field) from None
    if result is not None and not result.clean:
        raise Infected(result.signature, field=field, name=_upload_name(upload))
    return CheckedFile(content=content, kind=kind)


class Infected(InvalidInput):
    """Tệp nhiễm mã độc: clamd found ``signature`` in the upload (``file_infected``); ``name``
    is the name the uploader gave the file (empty for bytes passed as ``content``)."""

    def __init__(self, signature: str, *, field: str, name: str = ""):
        super().__init__("file_infected",
                         _("Tệp bị phát hiện nhiễm mã độc (%(signature)s) nên không được nhận. "
                           "Hãy quét virus trên máy của mình rồi tải lên tệp khác.")
                         % {"signature": signature}, field=field)
        self.signature = signature
        self.name = name


def _upload_name(upload) -> str:
    return (getattr(upload, "name", "") or "")[:255]


def record_infected(virus: Infected, *, actor) -> None:
    """The security event of a refused infected upload, ``security.upload_infected`` (chain
    ``security``), in a transaction of its own: call it once the refused work has rolled back
    (outside the service's transaction), so the event stays when nothing else does."""
    logger.warning("upload refused, infected: %s (%s)", virus.signature, virus.name)
    with transaction.atomic():
        audit_record(actor=actor, event_type="security.upload_infected", chain="security",
                     data={"signature": virus.signature[:200], "name": virus.name,
                           "field": virus.field})


def _scanner_down(field: str) -> ScannerDown:
    return ScannerDown("antivirus_unavailable",
                       _("Chưa kiểm tra được virus cho tệp (máy quét không phản hồi); "
                         "vui lòng thử lại sau."), field=field)


# A PDF that runs code when opened (/JavaScript, /JS actions, /Launch): refused. PDF names may
# spell letters as #xx escapes, which the pattern below decodes before matching.
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch)(?![A-Za-z0-9])")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_OVERLAP = 64  # bytes kept between chunks so a name split across two chunks is still seen


@dataclass(frozen=True)
class StreamedFile:
    kind: FileKind
    size: int

    @property
    def storage_name(self) -> str:
        return f"{uuid.uuid4().hex}.{self.kind.extension}"


def check_stream(upload, *, purpose: str, field: str = "file", scan: bool = True) -> StreamedFile:
    """Check an upload chunk by chunk (``upload.chunks()``): type by content, size, active PDF
    content, and — when ``MOTCUA_CLAMD`` is set — clamd, fed the same chunks (INSTREAM) in the
    same pass; memory stays at one chunk whatever the file's size. Only a file that passed all
    of it is then saved by the caller (the storage streams the same upload again), so an
    infected file never reaches storage. Raises InvalidInput like ``check_upload`` (``Infected``
    for a virus), or ScannerDown (503) when clamd is configured but does not answer.

    ``scan=False`` skips the antivirus (a check of a file that is read, never kept)."""
    allowed = PURPOSES[purpose]
    limit = max_bytes()
    too_large = InvalidInput("file_too_large",
                             _("Tệp không được lớn hơn %(upload_max_mb)s MB.")
                             % {"upload_max_mb": settings.MOTCUA_UPLOAD_MAX_MB},
                             field=field)
    size = _size(upload)
    if size is not None and size > limit:
        raise too_large
    if hasattr(upload, "seek"):
        upload.seek(0)
    total, kind, tail = 0, None, b""
    session: antivirus.Session | None = None
    try:
        for chunk in upload.chunks():
            if not chunk:
                continue
            if kind is None and total == 0:
                kind = sniff(chunk[:16])
                if kind not in allowed:
                    names = ", ".join(k.name.upper() for k in allowed)
                    raise InvalidInput(
                        "file_type_not_allowed",
                        _("Chỉ nhận tệp %(names)s (kiểm tra theo nội dung tệp, không theo tên).")
                        % {"names": names},
                        field=field)
                # Opened once the type is known to be one we take: a text file gets its type
                # message, not a 503, while the scanner is down.
                session = antivirus.open_session() if scan else None
            total += len(chunk)
            if total > limit:
                raise too_large
            if kind is PDF:
                window = _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), tail + chunk)
                if _PDF_ACTIVE.search(window):
                    raise InvalidInput(
                        "pdf_active_content",
                        _("Tệp PDF có chứa mã lệnh (JavaScript hoặc lệnh tự chạy); hãy in lại thành "
                          "PDF thường rồi tải lên."), field=field)
                tail = chunk[-_OVERLAP:]
            if session is not None:
                session.send(chunk)
        if total == 0 or kind is None:
            raise InvalidInput("file_empty", _("Tệp rỗng."), field=field)
        result = session.verdict() if session is not None else None
    except antivirus.ScannerUnavailable:
        raise _scanner_down(field) from None
    finally:
        if session is not None:
            session.close()
    if result is not None and not result.clean:
        raise Infected(result.signature, field=field, name=_upload_name(upload))
    if hasattr(upload, "seek"):
        upload.seek(0)
    return StreamedFile(kind=kind, size=total)


@deconstructible
class RandomName:
    """``upload_to`` for a FileField: ``<prefix>/<yyyy>/<mm>/<random>.<ext>`` whatever name
    was given (only its extension is kept, and the policy chose that from the content)."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
        ext = "".join(c for c in ext if c.isalnum())[:8] or "bin"
        today: dt.date = timezone.localdate()
        return f"{self.prefix}/{today:%Y/%m}/{uuid.uuid4().hex}.{ext}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


def content_type_for(name: str) -> str:
    """The Content-Type to serve a stored file with, from the extension the policy gave it."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for kinds in PURPOSES.values():
        for kind in kinds:
            if kind.extension == extension:
                return kind.content_type
    return "application/octet-stream"
