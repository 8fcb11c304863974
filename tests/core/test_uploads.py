"""The upload policy: type by content, size, random names; the clamd INSTREAM client."""

from __future__ import annotations

import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core import antivirus
from motcua.core.errors import InvalidInput
from motcua.core.uploads import RandomName, ScannerDown, check_upload, content_type_for, sniff
from tests.core.fake_clamd import EICAR_MARK, FakeClamd


def test_the_type_comes_from_the_content_not_the_name():
    assert sniff(b"%PDF-1.7\n").name == "pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....").name == "png"
    assert sniff(b"<html><script>") is None
    with pytest.raises(InvalidInput) as err:
        check_upload(SimpleUploadedFile("fake.pdf", b"just text", "application/pdf"),
                     purpose="result")
    assert err.value.code == "file_type_not_allowed"
    with pytest.raises(InvalidInput):
        check_upload(content=b"\x89PNG\r\n\x1a\nimage", purpose="result")  # results are PDF
    assert check_upload(content=b"\x89PNG\r\n\x1a\nimage", purpose="document").kind.name == "png"


def test_size_is_checked_before_reading(settings):
    settings.MOTCUA_UPLOAD_MAX_MB = 1

    class Huge:
        size = 30 * 1024 * 1024
        name = "big.exe"

        def read(self, *args):  # pragma: no cover - must not be reached
            raise AssertionError("read a file already known to be too large")

    with pytest.raises(InvalidInput) as err:
        check_upload(Huge(), purpose="result")
    assert err.value.code == "file_too_large" and "1 MB" in err.value.message
    with pytest.raises(InvalidInput):
        check_upload(content=b"%PDF-" + b"0" * (1024 * 1024), purpose="result")
    with pytest.raises(InvalidInput) as err:
        check_upload(content=b"", purpose="result")


def test_stored_names_are_random_and_keep_only_a_safe_extension():
    upload_to = RandomName("results")
    a, b = upload_to(None, "../../evil.html"), upload_to(None, "x.pdf")
    assert a.startswith("results/") and ".." not in a and a.endswith(".html") is True
    assert b.endswith(".pdf") and len(b.rsplit("/", 1)[-1]) == 36
    assert upload_to(None, "x.pdf") != b
    checked = check_upload(content=b"%PDF-1.4", purpose="result")
    assert checked.storage_name.endswith(".pdf") and "/" not in checked.storage_name
    assert content_type_for("results/2026/03/abc.pdf") == "application/pdf"
    assert content_type_for("results/2026/03/abc.html") == "application/octet-stream"


def test_clamd_instream_clean_and_infected(clamd):
    payload = b"%PDF-1.4\n" + b"x" * (200 * 1024)  # more than one 64 KiB chunk
    assert antivirus.scan_bytes(payload) == antivirus.ScanResult(clean=True)
    assert clamd.commands[-1] == b"zINSTREAM\0" and clamd.received[-1] == payload
    result = antivirus.scan_bytes(b"%PDF-1.4 " + EICAR_MARK)
    assert result == antivirus.ScanResult(clean=False, signature="Eicar-Test-Signature")
    with pytest.raises(InvalidInput) as err:
        check_upload(content=b"%PDF-1.4 " + EICAR_MARK, purpose="result")
    assert err.value.code == "file_infected"
    assert check_upload(content=b"%PDF-1.4 clean", purpose="result").kind.name == "pdf"


def test_no_scanner_configured_means_no_scan(settings):
    settings.MOTCUA_CLAMD = ""
    assert antivirus.scan_bytes(b"%PDF-1.4") is None


def test_a_configured_scanner_that_is_down_refuses_the_upload(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MOTCUA_CLAMD = f"tcp:127.0.0.1:{port}"  # nothing listens there
    with pytest.raises(ScannerDown) as err:
        check_upload(content=b"%PDF-1.4", purpose="result")
    assert err.value.code == "antivirus_unavailable" and err.value.http_status == 503


def test_a_garbled_answer_is_not_taken_for_clean(settings):
    server = FakeClamd(reply=b"INSTREAM size limit exceeded. ERROR\0")
    settings.MOTCUA_CLAMD = server.address
    try:
        with pytest.raises(antivirus.ScannerUnavailable):
            antivirus.scan_bytes(b"%PDF-1.4")
    finally:
        server.close()


class _Chunked:
    """An upload read in small chunks, as Django's upload files are (64 KiB)."""

    def __init__(self, data: bytes, size: int = 16):
        self.data, self.step, self.name = data, size, "x.pdf"
        self.size = len(data)

    def chunks(self):
        for start in range(0, len(self.data), self.step):
            yield self.data[start:start + self.step]


def test_check_stream_feeds_clamd_chunk_by_chunk(clamd):
    from motcua.core.uploads import Infected, check_stream

    clean = b"%PDF-1.4 " + b"clean " * 20
    assert check_stream(_Chunked(clean), purpose="document").size == len(clean)
    assert clamd.received[-1] == clean
    # The test string cut across two chunks is still found: clamd sees one stream.
    with pytest.raises(Infected) as err:
        check_stream(_Chunked(b"%PDF-1.4 ..." + EICAR_MARK + b"..."), purpose="document")
    assert err.value.code == "file_infected" and err.value.signature == "Eicar-Test-Signature"
    # A file refused half way (active PDF) ends the INSTREAM session without a verdict.
    scans = len(clamd.received)
    with pytest.raises(InvalidInput) as err:
        check_stream(_Chunked(b"%PDF-1.4 " + b"x" * 40 + b"/JavaScript"), purpose="document")
    assert err.value.code == "pdf_active_content" and len(clamd.received) == scans
    # scan=False: a file only read, never kept.
    check_stream(_Chunked(b"%PDF-1.4 " + EICAR_MARK), purpose="document", scan=False)
    assert len(clamd.received) == scans
