"""A no-op backend: the document is stored as given and recorded as "not digitally signed"."""

from __future__ import annotations

from motcua.signing.base import SignatureBackend, SignedResult


class UnsignedBackend(SignatureBackend):
    name = "unsigned"

    def sign(self, pdf_bytes: bytes, *, signer, unit=None) -> SignedResult:
        return SignedResult(
            content=bytes(pdf_bytes),
            signed=False,
            backend=self.name,
            note="Chưa ký số (không cấu hình chữ ký số).",
            signer_label=str(signer) if signer is not None else "",
        )
