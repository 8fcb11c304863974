"""Signature backends (ký số kết quả): ``get_backend().sign(pdf_bytes, signer=user, unit=unit)``.

The backend is chosen by dotted path in ``settings.MOTCUA_SIGNATURE_BACKEND``; the default
``motcua.signing.contrib.unsigned.UnsignedBackend`` signs nothing and says so. With a signing
directory configured (``MOTCUA_SIGNING_DIR``), the default becomes the PAdES backend
(``motcua.signing.contrib.pades.PadesBackend``, pyHanko). ``motcua.signing.verify`` checks a
signed PDF. docs/signing.md: how remote signing services fit the interface.
"""

from motcua.signing.base import SignatureBackend, SignedResult, get_backend

__all__ = ["SignatureBackend", "SignedResult", "get_backend"]
