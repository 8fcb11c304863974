"""PAdES results: a valid, an altered-after-signing and a wrongly signed PDF, each checked by
Motcua's verifier and by pyHanko's validator directly."""

from __future__ import annotations

from io import BytesIO

import pytest
from cryptography.hazmat.primitives import serialization

from motcua.core.errors import InvalidInput
from motcua.signing.certificates import CertificateStore, DevelopmentCA
from motcua.signing.contrib.pades import PadesBackend, pades_sign
from motcua.signing.verify import verify_pdf
from tests.signing.conftest import UNIT, FakeUnit, FakeUser, expired_window, pyhanko_statuses


def test_valid_result_has_two_signatures_person_and_seal(store, signed_pdf):
    report = verify_pdf(signed_pdf, trust_roots=store.trust_roots(), expected_unit_code=UNIT)
    assert report.valid, report.summary
    assert [s.signer for s in report.signatures] == ["Trần Văn Bình", "Sở Xây dựng"]
    assert {s.unit_code for s in report.signatures} == {UNIT}
    assert all(s.signed_at is not None and not s.modified_after for s in report.signatures)
    statuses = pyhanko_statuses(signed_pdf, store.trust_roots())
    assert len(statuses) == 2 and all(s.bottom_line for s in statuses)


def test_altered_after_signing_incremental_update(store, signed_pdf):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(signed_pdf), strict=False)
    stream = writer.add_object(generic.StreamObject(stream_data=b"0 0 m 100 100 l S"))
    writer.add_stream_to_page(0, stream)
    out = BytesIO()
    writer.write(out)
    altered = out.getvalue()

    report = verify_pdf(altered, trust_roots=store.trust_roots(), expected_unit_code=UNIT)
    assert not report.valid and report.modified_after_signing
    assert "sửa đổi sau khi ký" in report.summary
    statuses = pyhanko_statuses(altered, store.trust_roots())
    assert statuses and not any(s.bottom_line for s in statuses)
    assert all(s.intact for s in statuses)  # the signed bytes are intact: the change came after


def test_altered_signed_bytes(store, signed_pdf):
    tampered = signed_pdf.replace(b"/Producer", b"/Producex", 1)
    assert tampered != signed_pdf
    report = verify_pdf(tampered, trust_roots=store.trust_roots())
    assert not report.valid
    assert any(not s.intact for s in report.signatures)
    assert not all(s.bottom_line for s in pyhanko_statuses(tampered, store.trust_roots()))


def test_signed_under_another_ca_is_untrusted(store, plain_pdf, tmp_path):
    other = DevelopmentCA.create("Tổ chức lạ")
    other.save(tmp_path)
    other.issue_to(tmp_path, "units", UNIT, "Sở Xây dựng", organisation="Sở Xây dựng",
                   unit_code=UNIT)
    forged = PadesBackend(CertificateStore(tmp_path), tsa_url="").sign(
        plain_pdf, signer=None, unit=FakeUnit()).content
    report = verify_pdf(forged, trust_roots=store.trust_roots(), expected_unit_code=UNIT)
    assert not report.valid
    assert report.signatures[0].intact and not report.signatures[0].trusted
    assert "không do tổ chức tin cậy cấp" in report.summary
    statuses = pyhanko_statuses(forged, store.trust_roots())
    assert statuses[0].intact and not statuses[0].trusted and not statuses[0].bottom_line


def test_not_the_units_certificate(store, signed_pdf):
    report = verify_pdf(signed_pdf, trust_roots=store.trust_roots(),
                        expected_unit_code="000.00.99.H15")
    assert not report.valid
    assert "không phải của đơn vị ban hành" in report.summary


def test_backend_refuses_a_certificate_of_another_unit(store, plain_pdf):
    class OtherUnit:
        code, name = "000.00.99.H15", "Sở Khác"

    # The leader's personal certificate names Sở Xây dựng: signing for another unit is refused.
    with pytest.raises(InvalidInput) as err:
        PadesBackend(store, tsa_url="").sign(plain_pdf, signer=FakeUser(), unit=OtherUnit())
    assert err.value.code == "certificate_not_of_unit"


def test_expired_certificate_refused_and_detected(store, plain_pdf, tmp_path):
    ca_dir = store.root
    ca = DevelopmentCA.load(ca_dir)
    pair = ca.issue_to(tmp_path, "people", "cu", "Người Cũ", organisation="Sở Xây dựng",
                       unit_code=UNIT, **expired_window())
    (tmp_path / "ca.pem").write_bytes(ca.cert.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(InvalidInput) as err:
        class Old:
            username = "cu"
        PadesBackend(CertificateStore(tmp_path), tsa_url="").sign(plain_pdf, signer=Old(),
                                                                  unit=FakeUnit())
    assert err.value.code == "certificate_expired"
    # Signed anyway, outside Motcua: the verifier and pyHanko both see the expiry.
    signed = pades_sign(plain_pdf, pair, ca_file=ca_dir / "ca.pem", field_name="old",
                        reason="test")
    report = verify_pdf(signed, trust_roots=store.trust_roots())
    assert not report.valid and report.signatures[0].expired
    assert "hết hạn" in report.summary
    status = pyhanko_statuses(signed, store.trust_roots())[0]
    assert not status.bottom_line and status.trust_problem_indic.name == "OUT_OF_BOUNDS_NO_POE"


@pytest.mark.parametrize("data, message", [
    (b"not a pdf", "không phải là tệp PDF"),
    (b"%PDF-1.4 garbage", "Không đọc được tệp PDF"),
])
def test_bad_files_get_a_clear_report(data, message):
    report = verify_pdf(data)
    assert not report.valid and message in report.error


def test_unsigned_pdf(plain_pdf):
    report = verify_pdf(plain_pdf)
    assert not report.valid and report.error == "Tệp PDF không có chữ ký số."


def test_no_certificate_means_unsigned(tmp_path, plain_pdf):
    result = PadesBackend(CertificateStore(tmp_path), tsa_url="").sign(
        plain_pdf, signer=FakeUser(), unit=FakeUnit())
    assert not result.signed and result.content == plain_pdf
