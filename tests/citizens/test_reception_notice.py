"""The printed notice of a supplement asked before receipt (Mẫu 02 Phiếu yêu cầu bổ sung, hoàn
thiện hồ sơ, for ``request_supplement_at_reception``): a real PDF from the desk page and from the
citizen's dossier page, with the items and the ground; nobody else gets it."""

from __future__ import annotations

import re

import pytest

from tests.citizens.test_desk import _citizen, _submitted
from tests.printing.pdfcheck import pdftotext

ITEMS = "1. Bản vẽ mặt bằng tầng 2 có chữ ký\n2. Ảnh chụp căn cước rõ nét"
GROUND = "Bản vẽ đã nộp thiếu chữ ký của người thiết kế."
URL = "/in/ho-so/{code}/mau-02-truoc-tiep-nhan/"
PORTAL_URL = "/ho-so-cua-toi/{code}/phieu-yeu-cau-bo-sung.pdf"


def _asked(portal, ground=GROUND):
    from motcua.dossiers import services

    citizen = _citizen(portal)
    dossier = _submitted(portal, citizen)
    services.dossier_act(actor=portal.receptionist, dossier=dossier,
                         action="request_supplement_at_reception", reason=ITEMS, ground=ground)
    dossier.refresh_from_db()
    return dossier


def _text(pdf: bytes) -> str:
    text = pdftotext(pdf)
    if text is None:
        pytest.skip("pdftotext (poppler) is not installed")
    return re.sub(r"\s+", " ", text)


def test_the_notice_carries_the_items_the_ground_and_the_desk_prints_it(client, portal):
    from motcua.audit.models import AuditEvent
    from motcua.printing import forms

    dossier = _asked(portal)
    context = forms.reception_supplement_context(dossier)
    assert context["items"] == ["Bản vẽ mặt bằng tầng 2 có chữ ký", "Ảnh chụp căn cước rõ nét"]
    assert context["reason"] == GROUND
    assert context["header"]["title"] == "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
    assert context["header"]["form_number"] == "Mẫu số 02"

    client.force_login(portal.receptionist)
    # The desk page of the dossier offers it (the action's print prompt and the forms list).
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert URL.format(code=dossier.code) in page
    answer = client.get(URL.format(code=dossier.code) + "pdf/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    text = _text(answer.content)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bản vẽ mặt bằng tầng 2 có chữ ký" in text and "Ảnh chụp căn cước rõ nét" in text
    assert GROUND in text
    assert "chưa tiếp nhận hồ sơ" in text and dossier.code in text
    # Issued with a number of the Mẫu 02 series (PBS), and the print is logged.
    assert re.search(r"Số: 01/PBS-TTPVHCC", text), text[:400]
    assert AuditEvent.objects.filter(event_type="printing.form_printed", dossier=dossier,
                                     data__form="mau-02-truoc-tiep-nhan").exists()
    # The screen page too.
    assert client.get(URL.format(code=dossier.code)).status_code == 200


def test_without_a_ground_the_notice_says_why_by_the_rule(portal):
    from motcua.printing import forms

    dossier = _asked(portal, ground="")
    context = forms.reception_supplement_context(dossier)
    assert context["reason"] == forms.DEFAULT_RECEPTION_GROUND
    assert len(context["items"]) == 2


def test_the_citizen_prints_it_from_the_dossier_page(client, portal, backchannel):
    from tests.citizens.conftest import sign_in

    dossier = _asked(portal)
    sign_in(client, "congdan1")
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert PORTAL_URL.format(code=dossier.code) in page
    answer = client.get(PORTAL_URL.format(code=dossier.code))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = _text(answer.content)
    assert "Ảnh chụp căn cước rõ nét" in text and GROUND in text


def test_nobody_else_gets_it(client, portal, backchannel):
    from motcua.org.models import Role
    from tests.citizens.conftest import sign_in
    from tests.factories import CenterFactory, staff

    dossier = _asked(portal)
    other_desk = staff(Role.RECEPTIONIST, CenterFactory(name="Trung tâm xã Ea Kao"),
                       username="xakhac")
    client.force_login(other_desk)
    assert client.get(URL.format(code=dossier.code) + "pdf/").status_code == 404
    client.logout()
    sign_in(client, "congdan2")  # another citizen
    assert client.get(PORTAL_URL.format(code=dossier.code)).status_code == 404


def test_a_dossier_never_sent_back_has_no_such_notice(client, portal, backchannel):
    from tests.citizens.conftest import sign_in

    dossier = _submitted(portal, _citizen(portal))
    client.force_login(portal.receptionist)
    assert client.get(URL.format(code=dossier.code) + "pdf/").status_code == 404
    client.logout()
    sign_in(client, "congdan1")
    assert "phieu-yeu-cau-bo-sung" not in client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert client.get(PORTAL_URL.format(code=dossier.code)).status_code == 404


def test_the_desk_action_form_takes_the_ground_and_offers_the_notice(client, portal):
    """Through the desk page: the action form's optional "Lý do" is kept and printed, and the
    answer offers the notice to print at once."""
    from motcua.printing import forms

    dossier = _submitted(portal, _citizen(portal))
    client.force_login(portal.receptionist)
    action = "request_supplement_at_reception"
    answer = client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/{action}/",
                         {f"{action}-reason": ITEMS, f"{action}-ground": GROUND},
                         HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'id="print-now"' in html and URL.format(code=dossier.code) in html
    change = dossier.status_changes.get(action=action)
    assert change.reason == ITEMS + "\nLý do: " + GROUND
    assert forms.reception_supplement_context(dossier)["reason"] == GROUND
