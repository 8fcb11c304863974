"""The refusal path (issue 10): an agency leader's "Từ chối giải quyết", a withdrawal or a stop
must not leave the dossier stuck. The notice goes back to the one-stop desk, the desk hands it
to the citizen (at the counter, by post or electronically), and the public lookup says what
happened, with the reason and no promised date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.dossiers import permissions, services
from motcua.dossiers.models import Dossier, NoticeDelivery
from motcua.dossiers.states import Status
from motcua.reports.engine import official_report
from motcua.workspace import selectors as ws_selectors
from tests.factories import vn

pytestmark = pytest.mark.django_db

REASON = "Công trình nằm trong hành lang bảo vệ đường bộ, không đủ điều kiện cấp phép."


def _close(world, dossier, how: str) -> Dossier:
    """Refuse (agency leader), withdraw (desk) or stop (agency leader)."""
    actor = {"refuse": world.leader, "withdraw": world.receptionist, "stop": world.leader}[how]
    services.dossier_perform(actor=actor, dossier=dossier, action=how, reason=REASON)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def refused(world, bring, frozen):
    return _close(world, bring("appraising"), "refuse")


def test_refusal_goes_back_to_the_desk_with_an_action_left(world, refused):
    assert refused.status == Status.REFUSED_AFTER_APPRAISAL
    assert refused.current_unit_id == world.center.pk and refused.holder is None
    assert permissions.allowed_actions(world.receptionist, refused) == ["hand_over_notice"]
    assert permissions.allowed_actions(world.leader, refused) == []
    listed = ws_selectors.worklist(user=world.receptionist, key="notices")
    assert [d.code for d in listed] == [refused.code]


@pytest.mark.parametrize("how", ["refuse", "withdraw", "stop"])
def test_every_closing_is_handed_to_the_citizen(world, bring, frozen, how, login):
    dossier = _close(world, bring("appraising"), how)
    client = login(world.receptionist)
    page = client.get(reverse("workspace:dossier", args=[dossier.code])).content.decode()
    assert 'id="action-hand_over_notice"' in page
    url = reverse("workspace:action", args=[dossier.code, "hand_over_notice"])
    # By post the waybill number is needed.
    response = client.post(url, {"hand_over_notice-how": "post",
                                 "hand_over_notice-handed_to": "Nguyễn Văn An"})
    assert response.status_code == 400
    assert "Cần ghi số vận đơn bưu chính." in response.content.decode()
    assert not NoticeDelivery.objects.exists()
    response = client.post(url, {"hand_over_notice-how": "post",
                                 "hand_over_notice-handed_to": "Nguyễn Văn An",
                                 "hand_over_notice-reference": "EB123456789VN"})
    assert response.status_code == 302
    delivery = NoticeDelivery.objects.get(dossier=dossier)
    assert (delivery.how, delivery.reference, delivery.handed_by) == (
        "post", "EB123456789VN", world.receptionist)
    assert AuditEvent.objects.filter(chain=dossier.code,
                                     event_type="dossier.notice_handed_over").count() == 1
    dossier.refresh_from_db()
    assert permissions.allowed_actions(world.receptionist, dossier) == []
    assert list(ws_selectors.worklist(user=world.receptionist, key="notices")) == []
    with pytest.raises(Conflict):
        services.dossier_hand_over_notice(actor=world.receptionist, dossier=dossier,
                                          how="counter", handed_to="X")


def test_only_the_desk_hands_the_notice_over(world, refused):
    with pytest.raises(NotAllowed):
        services.dossier_hand_over_notice(actor=world.leader, dossier=refused, how="counter",
                                          handed_to="Nguyễn Văn An")
    with pytest.raises(InvalidInput):
        services.dossier_hand_over_notice(actor=world.receptionist, dossier=refused,
                                          how="fax", handed_to="Nguyễn Văn An")


def test_no_notice_for_a_dossier_in_progress(world, bring, frozen):
    dossier = bring("appraising")
    with pytest.raises(Conflict):
        services.dossier_hand_over_notice(actor=world.receptionist, dossier=dossier,
                                          how="counter", handed_to="Nguyễn Văn An")


def test_api_hands_the_notice_over_electronically(world, refused, client):
    client.force_login(world.receptionist)
    response = client.post(
        f"/api/v1/dossiers/{refused.code}/actions/hand_over_notice",
        {"how": "online", "handed_to": "an@example.vn"}, content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert NoticeDelivery.objects.get(dossier=refused).how == "online"


def test_refusal_notice_prints_with_the_reason(world, refused, login):
    client = login(world.leader)
    forms = client.get(reverse("printing:dossier_forms", args=[refused.code])).content.decode()
    assert "Thông báo từ chối giải quyết hồ sơ" in forms
    response = client.get(reverse("printing:dossier_form", args=[refused.code, "tb-tu-choi"]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["reason"] == REASON
    assert form["header"]["unit"] == "SỞ XÂY DỰNG"
    assert form["header"]["number"].startswith("Số: 01/TB")
    assert form["signer"]
    page = response.content.decode()
    assert REASON in page and "Thông báo từ chối giải quyết hồ sơ" in page
    pdf = client.get(reverse("printing:dossier_form_pdf", args=[refused.code, "tb-tu-choi"]))
    assert pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("how, label", [
    ("refuse", "Từ chối giải quyết"), ("withdraw", "Công dân rút hồ sơ"), ("stop", "Dừng xử lý"),
])
def test_public_lookup_says_what_happened_with_no_promised_date(world, bring, frozen, client,
                                                                how, label):
    dossier = _close(world, bring("appraising"), how)
    page = client.get(f"/tra-cuu/{dossier.code}/").content.decode()
    assert f'<strong id="lookup-status">{label}</strong>' in page
    assert REASON in page
    assert "Hẹn trả kết quả" not in page
    assert timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y") not in page
    assert "Quá hạn" not in page
    assert "Mời ông/bà liên hệ nơi tiếp nhận" in page
    services.dossier_hand_over_notice(actor=world.receptionist, dossier=dossier, how="counter",
                                      handed_to="Nguyễn Văn An")
    assert "Đã trao lúc" in client.get(f"/tra-cuu/{dossier.code}/").content.decode()


def test_reports_count_the_closed_dossiers_the_same_after_the_hand_over(world, bring, frozen):
    for how in ("refuse", "withdraw", "stop"):
        _close(world, bring("appraising"), how)

    def report():
        return official_report(
            method="exact", date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31),
            as_of=vn(2026, 3, 2, 12, 0),
        ).to_dict()["total"]

    before = report()
    # Refused, withdrawn and stopped: received, and processed (closed) in the period.
    assert before["received"]["total"] == 3
    assert before["processed"]["total"] == 3 and before["in_process"]["total"] == 0
    for dossier in Dossier.objects.all():
        services.dossier_hand_over_notice(actor=world.receptionist, dossier=dossier,
                                          how="counter", handed_to="Nguyễn Văn An")
    assert report() == before
