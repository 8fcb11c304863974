"""Checking a signed result (xác thực văn bản điện tử): who signed, when, and whether the
document changed after signing, with pyHanko's validator against the trusted roots.

``verify_pdf`` never raises on bad input: a file that is not a PDF, or a PDF without a
signature, is a report with ``valid=False`` and a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO

from motcua.signing.certificates import split_pem

EXPIRY_INDICATIONS = frozenset({"EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"})


@dataclass
class SignatureCheck:
    field_name: str
    signer: str = ""
    organisation: str = ""
    unit_code: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    intact: bool = False
    trusted: bool = False
    modified_after: bool = False
    expired: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted and not self.modified_after and not self.problems


@dataclass
class VerificationReport:
    signatures: list[SignatureCheck] = field(default_factory=list)
    error: str = ""

    @property
    def valid(self) -> bool:
        return not self.error and bool(self.signatures) and all(s.ok for s in self.signatures)

    @property
    def modified_after_signing(self) -> bool:
        return any(s.modified_after or not s.intact for s in self.signatures)

    @property
    def summary(self) -> str:
        if self.error:
            return self.error
        if self.valid:
            return "Chữ ký số hợp lệ; văn bản không bị thay đổi sau khi ký."
        problems = [p for s in self.signatures for p in s.problems]
        return "Chữ ký số không hợp lệ: " + "; ".join(dict.fromkeys(problems))


def _name_attr(cert, attr: str) -> str:
    try:
        value = cert.subject.native.get(attr, "")
    except Exception:  # noqa: BLE001 - an odd subject is shown blank, not a crash
        return ""
    return value if isinstance(value, str) else ", ".join(value)


def verify_pdf(data: bytes, *, trust_roots: list[bytes] | None = None,
               expected_unit_code: str = "") -> VerificationReport:
    """Verify every signature of ``data`` against ``trust_roots`` (PEM certificates).

    ``expected_unit_code``: the unit that should have issued the document (a dossier's
    competent unit); a signature by a certificate of another unit is reported as a problem.
    """
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    if not data.startswith(b"%PDF-"):
        return VerificationReport(error="Tệp không phải là tệp PDF.")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as exc:
        return VerificationReport(error=f"Không đọc được tệp PDF ({type(exc).__name__}).")
    if not embedded:
        return VerificationReport(error="Tệp PDF không có chữ ký số.")
    roots = []
    for pem in trust_roots or []:
        roots.extend(load_certs_from_pemder_data(pem))
    report = VerificationReport()
    for sig in embedded:
        check = SignatureCheck(field_name=sig.field_name or "")
        report.signatures.append(check)
        try:
            status = validate_pdf_signature(
                sig, ValidationContext(trust_roots=roots, allow_fetching=False,
                                       revocation_mode="soft-fail"))
        except Exception as exc:  # noqa: BLE001 - a malformed signature is a finding
            check.problems.append(f"không kiểm tra được chữ ký ({type(exc).__name__})")
            continue
        cert = status.signing_cert
        check.signer = _name_attr(cert, "common_name")
        check.organisation = _name_attr(cert, "organization_name")
        check.unit_code = _name_attr(cert, "organizational_unit_name")
        ts = status.timestamp_validity
        check.timestamped = ts is not None
        check.signed_at = ts.timestamp if ts is not None else status.signer_reported_dt
        check.intact = bool(status.intact and status.valid)
        check.trusted = bool(status.trusted)
        level = status.modification_level
        check.modified_after = (
            not status.intact
            or status.docmdp_ok is False
            or (level is not None and level > ModificationLevel.FORM_FILLING)
        )
        indic = status.trust_problem_indic
        # pyHanko says OUT_OF_BOUNDS_NO_POE for an end-entity certificate expired before now
        # with no proof the signature existed earlier; the dates say the same thing plainly.
        validity = cert["tbs_certificate"]["validity"]
        now = dt.datetime.now(dt.UTC)
        check.expired = (
            getattr(indic, "name", "") in EXPIRY_INDICATIONS
            or not validity["not_before"].native <= now <= validity["not_after"].native
        )
        if not check.intact:
            check.problems.append("nội dung đã bị thay đổi sau khi ký")
        elif check.modified_after:
            check.problems.append("văn bản đã bị sửa đổi sau khi ký")
        if check.expired:
            check.problems.append("chứng thư số đã hết hạn")
        elif not check.trusted and check.intact:
            # (a broken signature is not checked further: "untrusted" would only confuse)
            check.problems.append("chứng thư số không do tổ chức tin cậy cấp")
        if expected_unit_code and check.unit_code != expected_unit_code:
            check.problems.append("chứng thư số không phải của đơn vị ban hành")
    return report


def roots_from_file(path) -> list[bytes]:
    with open(path, "rb") as fh:
        return split_pem(fh.read())
