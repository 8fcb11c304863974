"""clamd on every streamed upload (portal draft files, supplements, counter scans): the bytes go
to a clamd-protocol server (INSTREAM) as they are read; a virus leaves nothing stored, a
security event and a Vietnamese message; a configured scanner that does not answer refuses."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.citizens.conftest import PDF
from tests.core.fake_clamd import INFECTED_PDF

VIRUS_MESSAGE = "Tệp bị phát hiện nhiễm mã độc (Eicar-Test-Signature) nên không được nhận."


@pytest.fixture
def clamd_down(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MOTCUA_CLAMD = f"tcp:127.0.0.1:{port}"  # nothing listens there


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _citizen():
    from motcua.citizens import services

    return services.citizen_sign_in(claims={"sub": "1", "id_number": "066090001234",
                                            "name": "Nguyễn Văn An"}, issuer="test")


def _draft(portal, citizen):
    from motcua.citizens import services

    return services.draft_start(actor=citizen.user, citizen=citizen,
                                procedure_version=portal.version, receiving_unit=portal.center)


def _security_events():
    from motcua.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(event_type="security.upload_infected"))


def test_an_infected_file_uploaded_in_the_portal_is_refused_and_nothing_is_stored(
        client, portal, backchannel, clamd, settings):
    from motcua.citizens.models import CitizenFile, Draft
    from tests.citizens.conftest import sign_in

    sign_in(client, "congdan1")
    client.post(f"/thu-tuc/{portal.version.procedure.code}/nop-truc-tuyen/",
                {"unit": portal.center.pk})
    draft = Draft.objects.get()
    answer = client.post(f"/nop-ho-so/{draft.pk}/giay-to/1/", {
        "action": "upload", "files": SimpleUploadedFile("don.pdf", INFECTED_PDF)})
    assert answer.status_code == 400
    assert VIRUS_MESSAGE in answer.content.decode()
    assert clamd.received[-1] == INFECTED_PDF  # the scanner saw the streamed bytes
    assert CitizenFile.objects.count() == 0
    assert _stored_files(settings) == []
    [event] = _security_events()
    assert event.chain == "security" and event.actor_id == draft.citizen.user_id
    assert event.data["signature"] == "Eicar-Test-Signature" and event.data["name"] == "don.pdf"

    # A clean file goes through the same scanner and is kept.
    answer = client.post(f"/nop-ho-so/{draft.pk}/giay-to/1/", {
        "action": "upload", "files": SimpleUploadedFile("don.pdf", PDF)})
    assert answer.status_code == 302
    assert clamd.received[-1] == PDF
    assert CitizenFile.objects.count() == 1 and len(_stored_files(settings)) == 1


def test_an_infected_counter_scan_is_refused_at_the_desk(client, portal, clamd, settings):
    from motcua.citizens.models import CitizenFile
    from motcua.dossiers import services

    paper = services.dossier_receive(
        actor=portal.receptionist, procedure_version=portal.version, receiving_unit=portal.center,
        applicant={"name": "Nguyễn Văn An", "id_number": "066090001234",
                   "birth_date": "1990-05-04", "gender": "male"},
        documents=[{"required": d.pk, "provided_as": "original"}
                   for d in portal.version.documents.all()])
    client.force_login(portal.receptionist)
    answer = client.post(f"/can-bo/ho-so/{paper.code}/so-hoa/",
                         {"files": SimpleUploadedFile("scan.pdf", INFECTED_PDF)}, follow=True)
    assert VIRUS_MESSAGE in answer.content.decode()
    assert not CitizenFile.objects.filter(dossier=paper).exists()
    assert _stored_files(settings) == []
    paper.refresh_from_db()
    assert not paper.digitised
    [event] = _security_events()
    assert event.actor_id == portal.receptionist.pk and event.data["field"] == "file"

    client.post(f"/can-bo/ho-so/{paper.code}/so-hoa/",
                {"files": SimpleUploadedFile("scan.pdf", PDF)})
    assert CitizenFile.objects.filter(dossier=paper).count() == 1
    assert clamd.received[-1] == PDF


def test_a_supplement_with_one_infected_file_keeps_none_of_its_files(portal, clamd, settings):
    from motcua.citizens import services as citizen_services
    from motcua.citizens.models import CitizenFile, Source
    from motcua.core.uploads import Infected
    from motcua.dossiers import services
    from tests.citizens.test_desk import _submitted

    citizen = _citizen()
    dossier = _submitted(portal, citizen)
    services.dossier_act(actor=portal.receptionist, dossier=dossier, action="receive")
    services.dossier_act(actor=portal.receptionist, dossier=dossier,
                         action="request_supplement", items="Bản vẽ mặt bằng")
    before = set(_stored_files(settings))
    with pytest.raises(Infected):
        citizen_services.supplement_upload(
            actor=citizen.user, citizen=citizen, dossier=dossier,
            uploads=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", INFECTED_PDF)])
    assert set(_stored_files(settings)) == before  # the clean first file was removed again
    assert not CitizenFile.objects.filter(dossier=dossier, source=Source.SUPPLEMENT).exists()
    assert len(_security_events()) == 1


def test_a_scanner_that_does_not_answer_refuses_the_upload(portal, clamd_down, settings):
    from motcua.citizens import services
    from motcua.citizens.models import CitizenFile
    from motcua.core.errors import InvalidInput
    from motcua.core.uploads import ScannerDown

    citizen = _citizen()
    draft = _draft(portal, citizen)
    required = portal.version.documents.first().pk
    with pytest.raises(ScannerDown) as err:
        services.draft_add_file(actor=citizen.user, citizen=citizen, draft=draft,
                                required_id=required, upload=SimpleUploadedFile("a.pdf", PDF))
    assert err.value.code == "antivirus_unavailable" and err.value.http_status == 503
    assert "máy quét không phản hồi" in err.value.message
    assert CitizenFile.objects.count() == 0 and _stored_files(settings) == []
    # A file of a type never taken still gets its own message, not the scanner's.
    with pytest.raises(InvalidInput) as err:
        services.draft_add_file(actor=citizen.user, citizen=citizen, draft=draft,
                                required_id=required,
                                upload=SimpleUploadedFile("a.pdf", b"just text"))
    assert err.value.code == "file_type_not_allowed"


def test_without_a_scanner_configured_uploads_are_not_scanned(portal, settings):
    from motcua.citizens import services

    settings.MOTCUA_CLAMD = ""
    citizen = _citizen()
    row = services.draft_add_file(actor=citizen.user, citizen=citizen, draft=_draft(portal, citizen),
                                  required_id=portal.version.documents.first().pk,
                                  upload=SimpleUploadedFile("a.pdf", INFECTED_PDF))
    assert row.size == len(INFECTED_PDF)
