"""Signed results (kết quả điện tử có chữ ký số): checking them against the trusted roots and
the competent unit, the public verification link, and certified electronic copies.

``signing`` (the core) knows PDFs and certificates; this module knows which unit should have
signed a dossier's result, and hands out the link a QR code carries (``verification_token``):
signed, so codes cannot be guessed from the link.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing as django_signing
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.core.errors import InvalidInput, NotAllowed
from motcua.core.uploads import Infected, check_upload, record_infected
from motcua.dossiers.models import Dossier
from motcua.org.permissions import memberships
from motcua.signing import SignedResult, get_backend
from motcua.signing.contrib.pades import signing_store
from motcua.signing.verify import VerificationReport, roots_from_file, verify_pdf

SALT = "motcua.results.verify"


def trust_roots() -> list[bytes]:
    """The signing directory's CA and the configured extra roots (the national CA...)."""
    roots: list[bytes] = []
    store = signing_store()
    if store is not None:
        roots.extend(store.trust_roots())
    for path in getattr(settings, "MOTCUA_SIGNING_TRUST_ROOTS", []):
        roots.extend(roots_from_file(path))
    return roots


def verify_result(data: bytes, *, dossier: Dossier | None = None) -> VerificationReport:
    """Verify a result PDF; with ``dossier``, its signer must be the dossier's competent unit."""
    expected = dossier.competent_unit.code if dossier is not None else ""
    return verify_pdf(data, trust_roots=trust_roots(), expected_unit_code=expected)


def result_bytes(dossier: Dossier) -> bytes:
    if not dossier.result_file:
        raise InvalidInput("no_result", _("Hồ sơ %(code)s chưa có văn bản kết quả.")
                                        % {"code": dossier.code})
    with dossier.result_file.open("rb") as fh:
        return fh.read()


def verification_token(dossier: Dossier) -> str:
    return django_signing.dumps(dossier.code, salt=SALT, compress=True)


def dossier_for_token(token: str) -> Dossier | None:
    try:
        code = django_signing.loads(token, salt=SALT)
    except django_signing.BadSignature:
        return None
    return Dossier.objects.select_related("competent_unit", "procedure_version") \
        .filter(code=code).first()


CERTIFYING_ROLES = frozenset({"receptionist", "leader", "center_manager"})


def copy_certify(*, actor, upload=None, content: bytes | None = None, unit) -> SignedResult:
    """Chứng thực bản sao điện tử từ bản chính: the scan of a paper result is sealed by ``unit``
    (the actor's), the same PAdES signature a result gets, so the public page verifies it."""
    if not any(u == unit.pk and r in CERTIFYING_ROLES for u, r in memberships(actor)):
        raise NotAllowed("not_certifier", _("Bạn không thuộc đơn vị chứng thực bản sao."))
    try:
        checked = check_upload(upload, content=content, purpose="result", field="file")
    except Infected as virus:
        record_infected(virus, actor=actor)
        raise
    with transaction.atomic():
        signed = get_backend().sign(checked.content, signer=actor, unit=unit)
        if not signed.signed:
            raise InvalidInput("no_certificate",
                               _("Đơn vị chưa có chứng thư số: không chứng thực được bản sao "
                                 "điện tử."), field="file")
        audit_record(actor=actor, event_type="results.copy_certified", data={
            "unit": unit.code, "bytes": len(checked.content), "signer": signed.signer_label})
    return signed
