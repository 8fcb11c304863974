from urllib.parse import unquote

import segno

from motcua.core import qr as core_qr
from motcua.printing import qr

CODE = "000.00.00.H15-260302-0001"


def test_status_url_is_the_public_lookup_page(settings):
    settings.MOTCUA_PUBLIC_BASE_URL = "https://motcua.daklak.gov.vn/"
    assert qr.status_url(CODE) == f"https://motcua.daklak.gov.vn/tra-cuu/{CODE}/"


def test_code_with_unsafe_characters_is_quoted(settings):
    settings.MOTCUA_PUBLIC_BASE_URL = "https://x.vn"
    assert qr.status_url("A B/1") == "https://x.vn/tra-cuu/A%20B%2F1/"


def test_qr_encodes_the_status_url(settings):
    settings.MOTCUA_PUBLIC_BASE_URL = "https://motcua.daklak.gov.vn"
    built = qr.dossier_qr(CODE)
    expected_url = f"https://motcua.daklak.gov.vn/tra-cuu/{CODE}/"
    assert built["url"] == expected_url
    # segno cannot decode; the same URL must give the same module matrix, another URL not.
    reference = segno.make(expected_url, error="m", micro=False)
    assert core_qr.make_qr(built["url"]).matrix == reference.matrix
    assert segno.make(expected_url + "x", error="m").matrix != reference.matrix
    assert built["svg"] == reference.svg_inline(scale=core_qr.SCALE_SCREEN, border=2, title=expected_url)
    assert built["svg"].startswith("<svg")
    assert built["data_uri"].startswith("data:image/svg+xml")
    assert unquote(built["data_uri"]) == unquote(reference.svg_data_uri(scale=core_qr.SCALE_PDF, border=2))


def test_base_url_given_by_the_caller_wins_when_no_public_url_is_set(settings):
    settings.MOTCUA_PUBLIC_BASE_URL = ""
    assert qr.status_url(CODE, "http://10.0.0.5:8111/") == f"http://10.0.0.5:8111/tra-cuu/{CODE}/"


def test_public_base_url_owner(settings, rf):
    from motcua.core.public_url import public_base_url

    settings.MOTCUA_PUBLIC_BASE_URL = ""
    request = rf.get("/", HTTP_HOST="localhost:8112")
    assert public_base_url(request) == "http://localhost:8112"
    assert public_base_url() == "http://127.0.0.1:8000"
    settings.MOTCUA_PUBLIC_BASE_URL = "https://motcua.daklak.gov.vn/"
    assert public_base_url(request) == "https://motcua.daklak.gov.vn"
