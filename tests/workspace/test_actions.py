"""Action endpoints (/can-bo/ho-so/<code>/thao-tac/<action>/): HTMX fragments, errors kept in
the form, and refusal for anonymous users, wrong roles, foreign units and stale states."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Apology, Dossier, StatusChange
from tests.factories import vn
from tests.workspace.conftest import NOW

HX = {"HTTP_HX_REQUEST": "true"}


def act_url(d, action) -> str:
    return f"/can-bo/ho-so/{d.code}/thao-tac/{action}/"


def state(d) -> str:
    return Dossier.objects.get(pk=d.pk).status


# ----------------------------------------------------------------------------- success


def test_htmx_assign_returns_the_updated_dossier_fragment(world, bring, login, frozen):
    d = bring("transferred")
    response = login(world.leader).post(
        act_url(d, "assign"), {"assign-assignee": world.specialist.pk}, **HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="dossier-main">')
    assert "<html" not in html  # a fragment, not the page
    assert "Đã thực hiện: Phân công thụ lý." in html
    assert "Đã phân công thụ lý" in html
    assert response["HX-Retarget"] == "#dossier-main"
    d.refresh_from_db()
    assert d.status == "assigned" and d.holder_id == world.specialist.pk
    # The leader may re-assign, but start_appraisal is the specialist's.
    assert 'id="action-assign"' in html and 'id="action-start_appraisal"' not in html


def test_plain_post_redirects_to_the_page_with_a_message(world, bring, login, frozen):
    d = bring("received")
    client = login(world.receptionist)
    response = client.post(act_url(d, "transfer"), {})
    assert response.status_code == 302 and response["Location"] == f"/can-bo/ho-so/{d.code}/"
    assert state(d) == "transferred"
    assert "Đã thực hiện: Chuyển cơ quan giải quyết." in client.get(response["Location"]).content.decode()


def test_approve_uploads_the_result_file(world, bring, login, frozen):
    d = bring("awaiting_approval")
    upload = SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.4 ket qua", content_type="application/pdf")
    response = login(world.leader).post(
        act_url(d, "approve"), {"approve-result_file": upload, "approve-result_number": "12/GP"},
        **HX,
    )
    assert response.status_code == 200
    d.refresh_from_db()
    assert d.status == "signed" and d.result_number == "12/GP" and d.result_file.name


def test_return_result_records_who_received_it(world, bring, login, frozen):
    d = bring("result_ready")
    response = login(world.receptionist).post(
        act_url(d, "return_result"),
        {"return_result-returned_to": "Nguyễn Văn An", "return_result-how": "counter"}, **HX,
    )
    assert response.status_code == 200
    assert "Đã trả kết quả" in response.content.decode()
    d.refresh_from_db()
    assert d.status == "returned" and d.returned_to == "Nguyễn Văn An"


def test_request_supplement_offers_the_slip(world, bring, login, frozen):
    d = bring("received")
    response = login(world.receptionist).post(
        act_url(d, "request_supplement"),
        {"request_supplement-items": "Bản vẽ mặt bằng", "request_supplement-reason": "Thiếu"},
        **HX,
    )
    assert response.status_code == 200
    assert state(d) == "supplement_requested"
    assert f'href="/in/ho-so/{d.code}/mau-02/" target="_blank"' in response.content.decode()


def test_apology_then_explanation_then_escalation(world, bring, login, frozen):
    d = bring("appraising")  # due 09/03/2026 08:00
    response = login(world.leader).post(
        act_url(d, "apologise"),
        {"apologise-reason": "Chờ ý kiến cơ quan phối hợp", "apologise-new_date": "13/03/2026",
         "apologise-new_time": "16:00"},
        **HX,
    )
    assert response.status_code == 200, response.content.decode()
    html = response.content.decode()
    assert "13/03/2026 16:00" in html
    assert f'href="/in/ho-so/{d.code}/mau-04/" target="_blank"' in html
    apology = Apology.objects.get(dossier=d)
    assert apology.new_due_at == vn(2026, 3, 13, 16, 0)
    assert 'id="action-apologise"' not in html  # once only
    assert 'id="action-record_explanation"' in html
    response = login(world.leader).post(
        act_url(d, "record_explanation"),
        {"record_explanation-explanation": "Thiếu cán bộ thẩm định"}, **HX,
    )
    assert response.status_code == 200
    manager_page = login(world.manager).get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'id="action-escalate"' in manager_page
    response = login(world.manager).post(act_url(d, "escalate"), {}, **HX)
    assert response.status_code == 200
    apology.refresh_from_db()
    assert apology.explanation == "Thiếu cán bộ thẩm định" and apology.escalated_at is not None


# ----------------------------------------------------------------------------- errors


def test_missing_parameter_keeps_the_form_and_writes_nothing(world, bring, login, frozen):
    d = bring("received")
    changes = StatusChange.objects.count()
    response = login(world.receptionist).post(
        act_url(d, "request_supplement"),
        {"request_supplement-items": "", "request_supplement-reason": "Lý do đã nhập"}, **HX,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html.lstrip().startswith('<details id="action-request_supplement"')
    assert response["HX-Retarget"] == "#action-request_supplement"
    assert "Lý do đã nhập" in html  # the input is kept
    assert "This field is required" in html or "Trường này là bắt buộc" in html
    assert state(d) == "received" and StatusChange.objects.count() == changes


def test_domain_error_is_shown_in_the_form_with_the_input(world, bring, login, frozen):
    d = bring("appraising")
    events = AuditEvent.objects.count()
    response = login(world.leader).post(
        act_url(d, "apologise"),
        {"apologise-reason": "Lý do chậm", "apologise-new_date": "05/03/2026",
         "apologise-new_time": "08:00"},
        **HX,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ngày hẹn mới phải sau ngày hẹn cũ." in html
    assert "Lý do chậm" in html and "05/03/2026" in html
    assert not Apology.objects.exists() and AuditEvent.objects.count() == events


def test_too_late_apology_is_a_conflict_with_the_vietnamese_message(world, bring, login):
    with time_machine.travel(NOW, tick=False):
        d = bring("appraising")
    with time_machine.travel(vn(2026, 3, 9, 7, 30), tick=False):  # due day, before due time
        response = login(world.leader).post(
            act_url(d, "apologise"),
            {"apologise-reason": "Chậm", "apologise-new_date": "20/03/2026",
             "apologise-new_time": "08:00"},
            **HX,
        )
    assert response.status_code == 409
    assert "Phải xin lỗi và hẹn lại chậm nhất" in response.content.decode()
    assert not Apology.objects.exists()


def test_a_stale_state_is_409_and_the_page_part_is_refreshed(world, bring, login, frozen):
    d = bring("received")
    client = login(world.receptionist)
    assert client.post(act_url(d, "transfer"), {}, **HX).status_code == 200
    response = client.post(act_url(d, "transfer"), {}, **HX)  # e.g. a second click
    assert response.status_code == 409
    html = response.content.decode()
    assert "Không thể thực hiện “Chuyển cơ quan giải quyết”" in html
    assert html.lstrip().startswith('<div id="dossier-main">')


def test_assigning_someone_outside_the_unit_is_refused_in_the_form(world, bring, login, frozen):
    d = bring("transferred")
    response = login(world.leader).post(
        act_url(d, "assign"), {"assign-assignee": world.foreign_specialist.pk}, **HX
    )
    assert response.status_code == 400
    assert state(d) == "transferred"


# ----------------------------------------------------------------------------- permissions

# (action, state the dossier is in, POST data that would succeed for the right user)
ENDPOINTS = [
    ("transfer", "received", {}),
    ("assign", "transferred", {"assign-assignee": "SPECIALIST"}),
    ("start_appraisal", "assigned", {}),
    ("submit_for_approval", "appraising", {}),
    ("approve", "awaiting_approval", {"approve-result_number": "1"}),
    ("issue", "signed", {}),
    ("receive_result", "issued", {}),
    ("return_result", "result_ready",
     {"return_result-returned_to": "A", "return_result-how": "counter"}),
    ("request_supplement", "received", {"request_supplement-items": "x"}),
    ("refuse", "appraising", {"refuse-reason": "x"}),
    ("stop", "appraising", {"stop-reason": "x"}),
    ("withdraw", "appraising", {}),
    ("apologise", "appraising",
     {"apologise-reason": "x", "apologise-new_date": "20/03/2026", "apologise-new_time": "08:00"}),
]


def _data(world, data):
    return {k: (world.specialist.pk if v == "SPECIALIST" else v) for k, v in data.items()}


@pytest.mark.parametrize("action,status,data", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_anonymous_post_goes_to_login(client, world, bring, frozen, action, status, data):
    d = bring(status)
    response = client.post(act_url(d, action), _data(world, data))
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    assert state(d) == status


@pytest.mark.parametrize("action,status,data", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_foreign_unit_post_is_404(world, bring, login, frozen, action, status, data):
    # 404 as for a code that does not exist: a 403 told other units which codes exist.
    d = bring(status)
    for user in (world.foreign_leader, world.foreign_receptionist):
        response = login(user).post(act_url(d, action), _data(world, data), **HX)
        assert response.status_code == 404
        missing = login(user).post(act_url(d, action).replace(d.code, d.code + "9"),
                                   _data(world, data), **HX)
        assert missing.status_code == 404
    assert state(d) == status


WRONG_ROLE = {
    "transfer": "leader", "assign": "specialist", "start_appraisal": "leader",
    "submit_for_approval": "leader", "approve": "specialist", "issue": "receptionist",
    "receive_result": "leader", "return_result": "manager", "request_supplement": "manager",
    "refuse": "specialist", "stop": "specialist", "withdraw": "specialist",
    "apologise": "specialist",
}


@pytest.mark.parametrize("action,status,data", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_wrong_role_gets_no_button_and_403(world, bring, login, frozen, action, status, data):
    d = bring(status)
    client = login(getattr(world, WRONG_ROLE[action]))
    page = client.get(f"/can-bo/ho-so/{d.code}/")
    assert page.status_code == 200
    assert f'id="action-{action}"' not in page.content.decode()
    response = client.post(act_url(d, action), _data(world, data), **HX)
    assert response.status_code == 403
    assert state(d) == status


@pytest.mark.parametrize("action", ["record_explanation", "escalate"])
def test_apology_follow_ups_refused_to_others(world, bring, login, frozen, action):
    from motcua.dossiers import services

    d = bring("appraising")
    services.dossier_apologise(actor=world.leader, dossier=d, reason="Chậm",
                               new_due_at=vn(2026, 3, 20, 8, 0))
    data = {"record_explanation-explanation": "x"}
    for user in (world.specialist, world.receptionist):
        assert login(user).post(act_url(d, action), data, **HX).status_code == 403
    # Another unit's leader does not learn that the dossier exists.
    assert login(world.foreign_leader).post(act_url(d, action), data, **HX).status_code == 404


def test_unknown_and_system_actions(world, bring, login, frozen):
    d = bring("supplement_requested")
    client = login(world.receptionist)
    assert client.post(act_url(d, "no_such_action"), {}).status_code == 404
    assert client.post(act_url(d, "close_supplement"), {}).status_code == 403
    assert state(d) == "supplement_requested"


def test_get_is_not_allowed_on_an_action(world, bring, login, frozen):
    d = bring("received")
    assert login(world.receptionist).get(act_url(d, "transfer")).status_code == 405


def test_unknown_dossier_is_404(world, login):
    response = login(world.receptionist).post("/can-bo/ho-so/XYZ/thao-tac/transfer/", {})
    assert response.status_code == 404


def test_new_due_is_aware_vietnam_time(world, bring, login, frozen):
    d = bring("appraising")
    login(world.leader).post(
        act_url(d, "apologise"),
        {"apologise-reason": "Chậm", "apologise-new_date": "2026-03-13",
         "apologise-new_time": "07:30"}, **HX,
    )
    d.refresh_from_db()
    assert d.due_at == dt.datetime(2026, 3, 13, 0, 30, tzinfo=dt.UTC)


def test_a_second_supplement_request_is_allowed_with_the_766_warning(world, bring, login, frozen):
    from motcua.dossiers import services

    d = bring("supplement_requested")
    services.dossier_act(actor=world.receptionist, dossier=d, action="complete_supplement")
    response = login(world.receptionist).post(
        act_url(d, "request_supplement"), {"request_supplement-items": "Bản vẽ khác"}, **HX
    )
    assert response.status_code == 200
    assert "lần yêu cầu bổ sung thứ 2" in response.content.decode()
    assert state(d) == "supplement_requested"


def test_without_javascript_errors_come_back_on_the_full_page(world, bring, login, frozen):
    d = bring("received")
    client = login(world.receptionist)
    response = client.post(act_url(d, "request_supplement"),
                           {"request_supplement-items": "", "request_supplement-reason": "Giữ"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" in html and '<details id="action-request_supplement" class="action" open>' in html
    assert "Giữ" in html
    client.post(act_url(d, "transfer"), {})
    response = client.post(act_url(d, "transfer"), {})
    assert response.status_code == 409
    assert "Không thể thực hiện “Chuyển cơ quan giải quyết”" in response.content.decode()
