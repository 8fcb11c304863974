"""Signature backends (ký số kết quả): ``get_backend().sign(pdf_bytes, signer=user)``.

The backend is chosen by dotted path in ``settings.MOTCUA_SIGNATURE_BACKEND``; the default
``motcua.signing.contrib.unsigned.UnsignedBackend`` signs nothing and says so. A PAdES backend
(pyHanko) comes later behind the same interface.
"""

from motcua.signing.base import SignatureBackend, SignedResult, get_backend

__all__ = ["SignatureBackend", "SignedResult", "get_backend"]
