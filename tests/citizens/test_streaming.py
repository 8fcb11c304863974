"""Uploads stream: checking and storing a 50 MB file keeps memory at a few chunks."""

from __future__ import annotations

import tracemalloc

from django.core.files.uploadedfile import TemporaryUploadedFile


def _big_pdf(size: int) -> TemporaryUploadedFile:
    upload = TemporaryUploadedFile("gros.pdf", "application/pdf", size, None)
    upload.write(b"%PDF-1.4\n")
    block = b"0123456789abcdef" * 4096  # 64 KiB
    written = 9
    while written < size:
        upload.write(block[: size - written])
        written += min(len(block), size - written)
    upload.flush()
    upload.seek(0)
    return upload


def _upload_50_mb(portal):
    """A citizen's draft gets a 50 MB PDF; returns the stored row and the peak memory."""
    from motcua.citizens import services

    profile = services.citizen_sign_in(claims={
        "sub": "1", "id_number": "066090001234", "name": "Nguyễn Văn An"}, issuer="test")
    draft = services.draft_start(actor=profile.user, citizen=profile,
                                 procedure_version=portal.version, receiving_unit=portal.center)
    upload = _big_pdf(50 * 1024 * 1024)
    tracemalloc.start()
    try:
        row = services.draft_add_file(actor=profile.user, citizen=profile, draft=draft,
                                      required_id=portal.version.documents.first().pk,
                                      upload=upload)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        upload.close()  # storage moved the temporary file; closing tolerates that
    return row, peak


def test_a_50_mb_upload_is_checked_and_stored_in_flat_memory(portal, settings):
    from motcua.citizens.models import CitizenProfile

    settings.MOTCUA_UPLOAD_MAX_MB = 60
    row, peak = _upload_50_mb(portal)
    assert row.size == 50 * 1024 * 1024
    assert row.file.size == 50 * 1024 * 1024
    # A file read whole would peak at 50 MB or more; streaming stays at a few 64 KiB chunks.
    assert peak < 5 * 1024 * 1024, peak
    assert CitizenProfile.objects.count() == 1


def test_a_50_mb_upload_is_scanned_by_clamd_as_it_streams_in_flat_memory(portal, settings):
    """With clamd configured the same 50 MB goes through INSTREAM chunk by chunk: the scanner
    sees every byte, memory stays at a few chunks (the fake clamd keeps no copy)."""
    from tests.core.fake_clamd import FakeClamd

    settings.MOTCUA_UPLOAD_MAX_MB = 60
    clamd = FakeClamd(keep=False)
    settings.MOTCUA_CLAMD = clamd.address
    try:
        row, peak = _upload_50_mb(portal)
    finally:
        clamd.close()
    assert clamd.sizes == [50 * 1024 * 1024]
    assert row.file.size == 50 * 1024 * 1024
    assert peak < 5 * 1024 * 1024, peak


def test_five_5_mb_files_through_the_pages(client, portal, backchannel, capsys):
    """Five 5 MB files uploaded and submitted through the pages; the time is printed (run
    with -s), not asserted: a shared machine's timing is no test."""
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.citizens.models import Draft
    from motcua.dossiers.models import Dossier
    from tests.citizens.conftest import sign_in

    sign_in(client, "congdan1")
    client.post(f"/thu-tuc/{portal.version.procedure.code}/nop-truc-tuyen/",
                {"unit": portal.center.pk})
    draft = Draft.objects.get()
    body = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 - 9)
    started = time.perf_counter()
    client.post(f"/nop-ho-so/{draft.pk}/yeu-cau/", {"request_summary": "Xây nhà."})
    for n, count in ((1, 3), (2, 2)):
        answer = client.post(f"/nop-ho-so/{draft.pk}/giay-to/{n}/", {
            "action": "upload",
            "files": [SimpleUploadedFile(f"trang{i}.pdf", body) for i in range(count)]})
        assert answer.status_code == 302
    answer = client.post(f"/nop-ho-so/{draft.pk}/kiem-tra/", {"token": str(draft.token)})
    elapsed = time.perf_counter() - started
    assert answer.status_code == 302
    assert Dossier.objects.get().citizen_files.count() == 5
    with capsys.disabled():
        print(f"\nfive 5 MB files uploaded and submitted in {elapsed:.2f} s")
