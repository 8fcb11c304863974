"""PAdES signatures with pyHanko (ký số PAdES): the leader's personal certificate and/or the
unit's seal, with an RFC 3161 timestamp when a TSA is configured.

Certificates come from the signing directory (``motcua.signing.certificates``). The personal
certificate of the signer (``people/<username>``) signs first, then the seal of the unit
(``units/<unit code>``) is added as a second, incremental signature, so the result carries
"who decided" and "which agency issued". With neither, the document is stored unsigned and
says so, exactly like ``UnsignedBackend``.

Refused, with nothing signed: an expired (or not yet valid) certificate, a certificate that
names another unit than the one issuing the result.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import InvalidInput
from motcua.signing.base import SignatureBackend, SignedResult
from motcua.signing.certificates import CertificateStore, KeyPair, unit_code_of


def signing_store() -> CertificateStore | None:
    root = getattr(settings, "MOTCUA_SIGNING_DIR", "")
    return CertificateStore(root) if root else None


def _check_certificate(pair: KeyPair, *, unit_code: str, what: str,
                       now: dt.datetime) -> None:
    cert = pair.certificate()
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise InvalidInput(
            "certificate_expired",
            _("Chứng thư số %(what)s đã hết hạn hoặc chưa có hiệu lực (hiệu lực đến %(date)s): "
              "không ký được.")
            % {"what": what, "date": cert.not_valid_after_utc.strftime("%d/%m/%Y")},
        )
    if unit_code and unit_code_of(cert) != unit_code:
        raise InvalidInput(
            "certificate_not_of_unit",
            _("Chứng thư số %(what)s không phải của đơn vị ban hành kết quả: không ký được.")
            % {"what": what},
        )


def pades_sign(pdf_bytes: bytes, pair: KeyPair, *, ca_file=None, field_name: str,
               reason: str, location: str = "", tsa_url: str = "") -> bytes:
    """One PAdES signature (B-B, or B-T with a timestamp) appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    signer = signers.SimpleSigner.load(
        str(pair.key_file), str(pair.cert_file),
        ca_chain_files=(str(ca_file),) if ca_file else None,
    )
    if signer is None:
        raise InvalidInput("certificate_unreadable", _("Không đọc được chứng thư số để ký."))
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location or None,
    )
    timestamper = timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None
    from pyhanko.pdf_utils.misc import PdfReadError

    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError):
        raise InvalidInput("result_not_readable",
                           _("Không đọc được tệp PDF kết quả để ký số; kiểm tra lại tệp."),
                           field="result_file") from None
    out = signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(writer)
    return out.getvalue()


class PadesBackend(SignatureBackend):
    name = "pades"

    def __init__(self, store: CertificateStore | None = None, tsa_url: str | None = None):
        self.store = store if store is not None else signing_store()
        self.tsa_url = getattr(settings, "MOTCUA_SIGNING_TSA_URL", "") if tsa_url is None \
            else tsa_url

    def sign(self, pdf_bytes: bytes, *, signer, unit=None) -> SignedResult:
        unit_code = getattr(unit, "code", "") or ""
        pairs: list[tuple[str, KeyPair, str]] = []
        if self.store is not None:
            username = getattr(signer, "username", "") or ""
            personal = self.store.personal(username) if username else None
            if personal is not None:
                pairs.append(("ca_nhan", personal, "cá nhân của người ký"))
            seal = self.store.unit_seal(unit_code) if unit_code else None
            if seal is not None:
                pairs.append(("con_dau", seal, "của đơn vị"))
        if not pairs:
            return SignedResult(content=bytes(pdf_bytes), signed=False, backend=self.name,
                                note="Chưa ký số (không có chứng thư số cho người ký hoặc "
                                     "đơn vị).",
                                signer_label=str(signer) if signer is not None else "")
        now = dt.datetime.now(dt.UTC)
        for _field, pair, what in pairs:
            _check_certificate(pair, unit_code=unit_code, what=what, now=now)
        content = bytes(pdf_bytes)
        labels = []
        location = getattr(unit, "name", "") or ""
        for field, pair, _what in pairs:
            content = pades_sign(
                content, pair, ca_file=self.store.ca_file if self.store else None,
                field_name=f"motcua_{field}", reason="Ký ban hành kết quả giải quyết TTHC",
                location=location, tsa_url=self.tsa_url,
            )
            labels.append(pair.certificate().subject.rfc4514_string())
        return SignedResult(
            content=content, signed=True, backend=self.name,
            note="Đã ký số PAdES" + (" có dấu thời gian." if self.tsa_url else "."),
            signer_label="; ".join(labels),
        )
