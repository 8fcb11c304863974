"""The desk's side: online dossiers accepted by the domain's clock rule, the supplement in the
portal, digitization at the counter, the citizen's document store and its reuse."""

from __future__ import annotations

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.citizens.conftest import PDF
from tests.factories import vn


def _citizen(portal, number="066090001234", name="Nguyễn Văn An"):
    from motcua.citizens import services

    return services.citizen_sign_in(claims={"sub": number, "id_number": number, "name": name,
                                            "birth_date": "1990-05-04", "gender": "male"},
                                    issuer="test")


def _submitted(portal, citizen, at=None):
    from motcua.citizens import services

    draft = services.draft_start(actor=citizen.user, citizen=citizen,
                                 procedure_version=portal.version, receiving_unit=portal.center)
    for doc in portal.version.documents.filter(mandatory=True):
        services.draft_add_file(actor=citizen.user, citizen=citizen, draft=draft,
                                required_id=doc.pk, upload=SimpleUploadedFile("a.pdf", PDF))
    services.draft_update(actor=citizen.user, citizen=citizen, draft=draft,
                          request_summary="Cấp phép.")
    return services.draft_submit(actor=citizen.user, citizen=citizen, draft=draft, at=at)


def test_online_dossier_sent_on_a_weekend_counts_from_acceptance(portal):
    """Online, out of hours: it waits as "Mới đăng ký"; the clock starts when the desk accepts
    it in working hours (domain §3.3), by the working-time engine."""
    from motcua.dossiers import services
    from motcua.dossiers.deadlines import calendar_for_dossier

    citizen = _citizen(portal)
    saturday = vn(2027, 3, 6, 22, 0)
    dossier = _submitted(portal, citizen, at=saturday)
    assert dossier.due_at is None and dossier.received_at is None
    monday = vn(2027, 3, 8, 8, 0)
    services.dossier_act(actor=portal.receptionist, dossier=dossier, action="receive", at=monday)
    dossier.refresh_from_db()
    assert dossier.clock_start == monday
    calendar = calendar_for_dossier(dossier)
    assert calendar.effective_start(dossier.clock_start, cutoff=dossier.cutoff) == monday


def test_online_dossier_accepted_late_in_the_day_counts_from_the_next_working_day(portal):
    from motcua.dossiers import services
    from motcua.dossiers.deadlines import calendar_for_dossier

    citizen = _citizen(portal)
    friday_late = vn(2027, 3, 5, 16, 30)
    dossier = _submitted(portal, citizen, at=friday_late)
    services.dossier_act(actor=portal.receptionist, dossier=dossier, action="receive",
                         at=friday_late)
    dossier.refresh_from_db()
    start = calendar_for_dossier(dossier).effective_start(dossier.clock_start,
                                                          cutoff=dossier.cutoff)
    assert timezone.localtime(start).date().isoformat() == "2027-03-08"  # Monday


def test_supplement_in_the_portal_restarts_the_clock_and_joins_the_store(portal):
    from motcua.citizens import services as citizen_services
    from motcua.citizens.models import ElectronicDocument, Source
    from motcua.dossiers import services

    citizen = _citizen(portal)
    with time_machine.travel(vn(2027, 3, 1, 9, 0), tick=False):
        dossier = _submitted(portal, citizen)
        services.dossier_act(actor=portal.receptionist, dossier=dossier, action="receive")
        services.dossier_act(actor=portal.receptionist, dossier=dossier,
                             action="request_supplement", items="Bản vẽ mặt bằng")
        dossier.refresh_from_db()
        first_due = dossier.due_at
        # Documents accepted at reception are the citizen's electronic documents now.
        assert ElectronicDocument.objects.filter(id_number=citizen.id_number).count() == 2
    with time_machine.travel(vn(2027, 3, 3, 9, 0), tick=False):
        citizen_services.supplement_add_file(actor=citizen.user, citizen=citizen,
                                             dossier=dossier,
                                             upload=SimpleUploadedFile("b.pdf", PDF),
                                             label="Bản vẽ mặt bằng")
        services.dossier_act(actor=portal.receptionist, dossier=dossier,
                             action="complete_supplement")
        dossier.refresh_from_db()
    assert dossier.status == "received"
    assert dossier.clock_start == vn(2027, 3, 3, 9, 0)
    assert dossier.due_at > first_due
    assert ElectronicDocument.objects.filter(id_number=citizen.id_number,
                                             source=Source.SUPPLEMENT).count() == 1


def test_supplement_only_while_one_is_requested(portal):
    import pytest

    from motcua.citizens import services as citizen_services
    from motcua.citizens.models import CitizenFile
    from motcua.core.errors import Conflict

    citizen = _citizen(portal)
    dossier = _submitted(portal, citizen)
    before = CitizenFile.objects.count()
    with pytest.raises(Conflict):
        citizen_services.supplement_add_file(actor=citizen.user, citizen=citizen,
                                             dossier=dossier,
                                             upload=SimpleUploadedFile("b.pdf", PDF))
    assert CitizenFile.objects.count() == before


def test_counter_scans_become_the_citizens_documents_and_are_offered_again(client, portal,
                                                                           backchannel):
    """Số hóa at the counter, then reuse: the next online application offers the scan, and the
    desk sees where the reused file came from."""
    from motcua.citizens.models import CitizenFile, ElectronicDocument, Source
    from motcua.dossiers import services
    from tests.citizens.conftest import sign_in

    paper = services.dossier_receive(
        actor=portal.receptionist, procedure_version=portal.version, receiving_unit=portal.center,
        applicant={"name": "Nguyễn Văn An", "id_number": "066090001234",
                   "birth_date": "1990-05-04", "gender": "male"},
        documents=[{"required": d.pk, "provided_as": "original"}
                   for d in portal.version.documents.all()])
    document = paper.documents.get(required__name="Bản vẽ thiết kế")
    desk = client
    desk.force_login(portal.receptionist)
    answer = desk.post(f"/can-bo/ho-so/{paper.code}/so-hoa/", {
        "document": document.pk, "files": SimpleUploadedFile("scan.pdf", PDF)})
    assert answer.status_code == 302
    scan = CitizenFile.objects.get(dossier=paper)
    assert scan.source == Source.COUNTER_SCAN and scan.document == document
    paper.refresh_from_db()
    assert paper.digitised
    kept = ElectronicDocument.objects.get(id_number="066090001234")
    assert kept.source == Source.COUNTER_SCAN and kept.source_dossier == paper
    desk.logout()

    # The citizen applies online: the scan is offered for "Bản vẽ thiết kế".
    sign_in(client, "congdan1")
    client.post(f"/thu-tuc/{portal.version.procedure.code}/nop-truc-tuyen/",
                {"unit": portal.center.pk})
    from motcua.citizens.models import Draft

    draft = Draft.objects.get()
    page = client.get(f"/nop-ho-so/{draft.pk}/giay-to/2/").content.decode()
    assert "Giấy tờ nhà nước đã có" in page and paper.code in page
    client.post(f"/nop-ho-so/{draft.pk}/giay-to/2/", {"action": "reuse", "document": kept.pk})
    reused = draft.files.get()
    assert reused.reused_from == kept and reused.file.name == kept.file.name
    # Another citizen's document cannot be taken.
    other = ElectronicDocument.objects.create(id_number="066192004321", name="x", file="kho/x.pdf",
                                              source=Source.RESULT)
    answer = client.post(f"/nop-ho-so/{draft.pk}/giay-to/1/", {"action": "reuse",
                                                              "document": other.pk})
    assert answer.status_code == 404
    assert draft.files.count() == 1


def test_the_desk_views_files_inline_and_other_units_do_not(client, portal):
    from motcua.citizens.models import CitizenFile

    citizen = _citizen(portal)
    dossier = _submitted(portal, citizen)
    row = CitizenFile.objects.filter(dossier=dossier).first()
    client.force_login(portal.receptionist)
    answer = client.get(f"/can-bo/ho-so/{dossier.code}/tep/{row.pk}/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == "inline"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert b"".join(answer.streaming_content).startswith(b"%PDF")
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'id="file-viewer"' in page and "Công dân tải lên trên cổng" in page
