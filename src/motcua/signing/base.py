"""Signature backend ABC and its result DTO."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "motcua.signing.contrib.unsigned.UnsignedBackend"
PADES_BACKEND = "motcua.signing.contrib.pades.PadesBackend"


@dataclass(frozen=True)
class SignedResult:
    """What a backend returns: the (possibly) signed bytes and whether they carry a signature."""

    content: bytes
    signed: bool
    backend: str
    note: str = ""
    signer_label: str = ""


class SignatureBackend(ABC):
    name: str = ""

    @abstractmethod
    def sign(self, pdf_bytes: bytes, *, signer, unit=None) -> SignedResult:
        """Sign a result document (văn bản kết quả) on behalf of ``signer`` for ``unit`` (the
        unit issuing it, whose seal a backend may add). Raise ``core.errors.InvalidInput``
        when it must not be signed (an expired certificate...): the caller changes nothing."""


def get_backend() -> SignatureBackend:
    path = getattr(settings, "MOTCUA_SIGNATURE_BACKEND", DEFAULT_BACKEND)
    return import_string(path)()
