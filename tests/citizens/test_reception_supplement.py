"""Supplement before acceptance (yêu cầu bổ sung trước khi tiếp nhận, NĐ 297/2025): an online
dossier not yet received; the desk asks once and completely, no clock runs, the citizen's
upload in the portal puts it back in the online queue, and the desk accepts it as usual."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.citizens.conftest import PDF
from tests.citizens.test_desk import _citizen, _submitted
from tests.factories import vn


def _ask(portal, dossier, reason="Bản vẽ mặt bằng tầng 2 có chữ ký."):
    from motcua.dossiers import services

    return services.dossier_act(actor=portal.receptionist, dossier=dossier,
                                action="request_supplement_at_reception", reason=reason)


def test_request_before_receipt_keeps_national_code_1_and_no_clock(portal, mailoutbox):
    from motcua.dossiers.states import Status

    citizen = _citizen(portal)
    dossier = _submitted(portal, citizen)
    _ask(portal, dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED_AT_RECEPTION
    assert dossier.national_status == 1
    assert dossier.received_at is None and dossier.due_at is None
    assert dossier.supplement_count == 0  # not a supplement after receipt (766 rule)
    assert not dossier.pauses.exists()
    change = dossier.status_changes.get(action="request_supplement_at_reception")
    assert change.reason == "Bản vẽ mặt bằng tầng 2 có chữ ký."


def test_request_needs_a_reason_and_writes_nothing(portal):
    from motcua.core.errors import InvalidInput
    from motcua.dossiers.states import Status

    dossier = _submitted(portal, _citizen(portal))
    with pytest.raises(InvalidInput) as error:
        _ask(portal, dossier, reason="  ")
    assert error.value.field == "reason"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert not dossier.status_changes.filter(action="request_supplement_at_reception").exists()


def test_only_the_receptionist_of_the_receiving_unit_and_only_before_receipt(portal):
    from motcua.core.errors import Conflict, NotAllowed
    from motcua.dossiers import permissions, services

    dossier = _submitted(portal, _citizen(portal))
    assert permissions.can_act(portal.receptionist, dossier, "request_supplement_at_reception")
    assert not permissions.can_act(portal.specialist, dossier, "request_supplement_at_reception")
    with pytest.raises(NotAllowed):
        services.dossier_act(actor=portal.specialist, dossier=dossier,
                             action="request_supplement_at_reception", reason="x")
    services.dossier_act(actor=portal.receptionist, dossier=dossier, action="receive")
    dossier.refresh_from_db()
    assert not permissions.can_act(portal.receptionist, dossier,
                                   "request_supplement_at_reception")
    with pytest.raises(Conflict):
        _ask(portal, dossier)


def test_staff_cannot_resubmit_for_the_citizen(portal):
    from motcua.core.errors import NotAllowed
    from motcua.dossiers import permissions, services

    dossier = _submitted(portal, _citizen(portal))
    _ask(portal, dossier)
    dossier.refresh_from_db()
    assert not permissions.can_act(portal.receptionist, dossier, "resubmit_online")
    with pytest.raises(NotAllowed):
        services.dossier_act(actor=portal.receptionist, dossier=dossier,
                             action="resubmit_online")


def test_citizen_upload_resubmits_then_acceptance_starts_the_clock(portal):
    from motcua.citizens import services as citizen_services
    from motcua.citizens.models import Source
    from motcua.dossiers import services
    from motcua.dossiers.states import Status

    citizen = _citizen(portal)
    with time_machine.travel(vn(2027, 3, 1, 9, 0), tick=False):
        dossier = _submitted(portal, citizen)
        _ask(portal, dossier)
    with time_machine.travel(vn(2027, 3, 3, 10, 0), tick=False):
        dossier.refresh_from_db()
        rows = citizen_services.supplement_upload(
            actor=citizen.user, citizen=citizen, dossier=dossier,
            uploads=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)],
            label="Bản vẽ")
        assert [r.source for r in rows] == [Source.SUPPLEMENT] * 2
        dossier.refresh_from_db()
        assert dossier.status == Status.SUBMITTED
        change = dossier.status_changes.get(action="resubmit_online")
        assert change.actor_id == citizen.user.pk
    accept_at = vn(2027, 3, 4, 9, 0)
    services.dossier_act(actor=portal.receptionist, dossier=dossier, action="receive",
                         at=accept_at)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.clock_start == accept_at  # not the first submission, not the request


def test_another_citizen_cannot_supplement_and_nothing_is_written(portal):
    from motcua.citizens import services as citizen_services
    from motcua.citizens.models import CitizenFile
    from motcua.core.errors import NotAllowed
    from motcua.dossiers.states import Status

    dossier = _submitted(portal, _citizen(portal))
    _ask(portal, dossier)
    other = _citizen(portal, number="066192004321", name="Trần Thị Bình")
    with pytest.raises(NotAllowed):
        citizen_services.supplement_upload(actor=other.user, citizen=other, dossier=dossier,
                                           uploads=[SimpleUploadedFile("a.pdf", PDF)])
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED_AT_RECEPTION
    assert not CitizenFile.objects.filter(dossier=dossier, source="supplement").exists()


def test_a_bad_file_writes_nothing_and_keeps_the_request(portal):
    from motcua.citizens import services as citizen_services
    from motcua.citizens.models import CitizenFile
    from motcua.core.errors import DomainError
    from motcua.dossiers.states import Status

    citizen = _citizen(portal)
    dossier = _submitted(portal, citizen)
    _ask(portal, dossier)
    dossier.refresh_from_db()
    with pytest.raises(DomainError):
        citizen_services.supplement_upload(
            actor=citizen.user, citizen=citizen, dossier=dossier,
            uploads=[SimpleUploadedFile("a.pdf", PDF),
                     SimpleUploadedFile("b.pdf", b"MZ\x90\x00 not a pdf")])
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED_AT_RECEPTION
    assert not CitizenFile.objects.filter(dossier=dossier, source="supplement").exists()


def test_public_lookup_and_portal_page_say_what_is_awaited(portal, client):
    from motcua.portal.selectors import dossier_public_status

    citizen = _citizen(portal)
    dossier = _submitted(portal, citizen)
    _ask(portal, dossier)
    public = dossier_public_status(dossier.code)
    assert public["status_name"] == "Yêu cầu bổ sung trước khi tiếp nhận"
    assert public["national_status"] == 1 and public["due_at"] is None
    client.force_login(citizen.user)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bản vẽ mặt bằng tầng 2 có chữ ký." in text
    assert "Cần bổ sung trước khi tiếp nhận" in text
    answer = client.post(f"/ho-so-cua-toi/{dossier.code}/",
                         {"files": SimpleUploadedFile("c.pdf", PDF, "application/pdf")})
    assert answer.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "submitted"


def test_withdraw_and_refuse_while_waiting_before_receipt(portal):
    from motcua.dossiers import services
    from motcua.dossiers.states import Status

    first = _submitted(portal, _citizen(portal))
    _ask(portal, first)
    services.dossier_act(actor=portal.receptionist, dossier=first, action="refuse_reception",
                         reason="Không bổ sung.")
    first.refresh_from_db()
    assert first.status == Status.REFUSED_AT_RECEPTION
    second = _submitted(portal, _citizen(portal))
    _ask(portal, second)
    services.dossier_act(actor=portal.receptionist, dossier=second, action="withdraw")
    second.refresh_from_db()
    assert second.status == Status.WITHDRAWN


def test_asked_once_only(portal):
    """NĐ 297/2025: once and completely. After the citizen's answer the desk receives or
    refuses; the button is gone and the service refuses a second request."""
    from motcua.citizens import services as citizen_services
    from motcua.core.errors import Conflict
    from motcua.dossiers import permissions

    citizen = _citizen(portal)
    dossier = _submitted(portal, citizen)
    _ask(portal, dossier)
    dossier.refresh_from_db()
    citizen_services.supplement_upload(actor=citizen.user, citizen=citizen, dossier=dossier,
                                       uploads=[SimpleUploadedFile("a.pdf", PDF)])
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    assert not permissions.can_act(portal.receptionist, dossier,
                                   "request_supplement_at_reception")
    assert permissions.can_act(portal.receptionist, dossier, "receive")
    with pytest.raises(Conflict) as error:
        _ask(portal, dossier)
    assert error.value.code == "supplement_at_reception_once"
