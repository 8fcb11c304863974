"""A development CA in a temporary signing directory, unit seals and a leader's certificate."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest

from motcua.signing.certificates import CertificateStore, DevelopmentCA
from tests.dossiers.conftest import bring, receive, world  # noqa: F401 - fixtures

UNIT = "000.00.02.H15"


class FakeUnit:
    code = UNIT
    name = "Sở Xây dựng"


class FakeUser:
    username = "lanhdao"

    def __str__(self):
        return "Lãnh đạo"


@pytest.fixture(scope="session")
def ca_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("signing")
    ca = DevelopmentCA.create()
    ca.save(root)
    ca.issue_to(root, "units", UNIT, "Sở Xây dựng", organisation="Sở Xây dựng", unit_code=UNIT)
    ca.issue_to(root, "people", "lanhdao", "Trần Văn Bình", organisation="Sở Xây dựng",
                unit_code=UNIT)
    return root


@pytest.fixture(scope="session")
def store(ca_dir):
    return CertificateStore(ca_dir)


@pytest.fixture(scope="session")
def plain_pdf():
    from motcua.core.pdf import render_pdf

    return render_pdf("<h1>Giấy phép xây dựng</h1><p>Số 12/GPXD</p>")


@pytest.fixture(scope="session")
def signed_pdf(store, plain_pdf):
    from motcua.signing.contrib.pades import PadesBackend

    result = PadesBackend(store, tsa_url="").sign(plain_pdf, signer=FakeUser(), unit=FakeUnit())
    assert result.signed
    return result.content


def pyhanko_statuses(data: bytes, roots_pem: list[bytes]):
    """pyHanko's own validator, with nothing of Motcua in between."""
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = [c for pem in roots_pem for c in load_certs_from_pemder_data(pem)]
    reader = PdfFileReader(BytesIO(data), strict=False)
    return [validate_pdf_signature(sig, ValidationContext(trust_roots=roots))
            for sig in reader.embedded_signatures]


def expired_window():
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=800)
    return {"not_before": start, "not_after": start + dt.timedelta(days=365)}
