"""Dossier API: intake, list with filters, detail (audited), actions; 400/403/409 shapes."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from motcua.audit.models import AccessLog, AuditEvent
from motcua.dossiers.access import flush_pending
from motcua.dossiers.models import Dossier
from tests.dossiers.conftest import APPLICANT
from tests.factories import UserFactory, api_key_for, vn


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def intake_body(world, **changes):
    body = {
        "procedure": world.version.procedure.code, "receiving_unit": world.center.code,
        "applicant": APPLICANT,
        "documents": [{"required": d.pk, "provided_as": "original"}
                      for d in world.version.documents.all()],
        "channel": 1, "delivery": {"method": "counter"},
    }
    body.update(changes)
    return body


@pytest.mark.django_db
def test_intake_with_token(world, frozen):
    response = client_for(world.receptionist).post("/api/v1/dossiers", intake_body(world),
                                                   format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "000.00.01.H15-260302-0001"
    assert body["status"] == "received" and body["national_status"] == 2
    assert "transfer" in body["allowed_actions"]
    assert len(body["steps"]) == 6


@pytest.mark.django_db
def test_intake_errors_have_the_shape(world, frozen):
    client = client_for(world.receptionist)
    response = client.post("/api/v1/dossiers", intake_body(world, documents=[]), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "document_missing"
    assert "documents" in response.json()["fields"]
    response = client.post("/api/v1/dossiers",
                           intake_body(world, applicant={**APPLICANT, "id_number": "1"}),
                           format="json")
    assert response.status_code == 400 and response.json()["code"] == "id_not_12_digits"
    assert list(response.json()["fields"]) == ["applicant.id_number"]
    response = client.post("/api/v1/dossiers", {"applicant": {}}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    response = client_for(world.specialist).post("/api/v1/dossiers", intake_body(world),
                                                 format="json")
    assert response.status_code == 403 and response.json()["code"] == "role_not_allowed"
    response = client_for(world.foreign_receptionist).post("/api/v1/dossiers",
                                                           intake_body(world), format="json")
    assert response.status_code == 403 and response.json()["code"] == "unit_not_allowed"
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_and_non_staff_are_refused(world):
    assert APIClient().get("/api/v1/dossiers").status_code in (401, 403)
    response = client_for(UserFactory()).get("/api/v1/dossiers")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


@pytest.mark.django_db
def test_detail_is_scoped_and_audited(world, bring):
    cache.clear()  # the access log's window is remembered in the cache (once per window)
    d = bring("appraising")
    response = client_for(world.specialist).get(f"/api/v1/dossiers/{d.code}")
    assert response.status_code == 200
    assert response.json()["applicant"]["id_number"] == "066090001234"
    # The read of personal data is in the access log (once spooled reads are flushed), not in
    # the dossier's hash chain.
    flush_pending()
    assert AccessLog.objects.filter(dossier=d, actor=world.specialist, channel="api").count() == 1
    assert not AuditEvent.objects.filter(dossier=d, event_type="dossier.viewed").exists()
    # Another unit's staff get what a code that does not exist gets (no 403/404 oracle).
    foreign = client_for(world.foreign_leader)
    response = foreign.get(f"/api/v1/dossiers/{d.code}")
    missing = foreign.get("/api/v1/dossiers/KHONG-CO")
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json() == {"code": "not_found",
                                                 "message": "Không tìm thấy."}
    response = client_for(world.specialist).get("/api/v1/dossiers/KHONG-CO")
    assert response.status_code == 404
    flush_pending()
    assert AccessLog.objects.filter(dossier=d).count() == 1


@pytest.mark.django_db
def test_list_filters_and_scope(world, bring):
    running = bring("appraising")
    paused = bring("supplement_requested")
    client = client_for(world.receptionist)
    codes = {r["code"] for r in client.get("/api/v1/dossiers").json()["results"]}
    assert codes == {running.code, paused.code}
    result = client.get("/api/v1/dossiers", {"status": "supplement_requested"}).json()
    assert [r["code"] for r in result["results"]] == [paused.code]
    result = client.get("/api/v1/dossiers", {"overdue": "true"}).json()
    assert [r["code"] for r in result["results"]] == [running.code]  # now is 11/2026
    result = client.get("/api/v1/dossiers", {"procedure": world.version.procedure.code,
                                             "field": world.version.field.code,
                                             "received_from": "2026-03-02",
                                             "received_to": "2026-03-02",
                                             "due_before": "2026-03-10",
                                             "unit": world.center.pk}).json()
    assert {r["code"] for r in result["results"]} == {running.code, paused.code}
    result = client.get("/api/v1/dossiers", {"due_before": "2026-03-09"}).json()
    assert result["results"] == []
    assert client.get("/api/v1/dossiers", {"status": "bay"}).status_code == 400
    assert client.get("/api/v1/dossiers", {"received_from": "x"}).status_code == 400
    assert client_for(world.foreign_leader).get("/api/v1/dossiers").json()["results"] == []


@pytest.mark.django_db
def test_actions_through_the_api(world, bring):
    d = bring("transferred")
    url = f"/api/v1/dossiers/{d.code}/actions/"
    leader = client_for(world.leader)
    response = leader.post(url + "assign", {"assignee": "chuyenvien"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["dossier"]["status"] == "assigned"
    assert response.json()["dossier"]["holder"] == "chuyenvien"
    # 409: wrong state, with the reason.
    response = leader.post(url + "approve", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert "Phê duyệt, ký" in response.json()["message"]
    # 403: wrong role; a foreign unit's staff get a 404, as for a code that does not exist.
    response = client_for(world.receptionist).post(url + "start_appraisal", {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "role_not_allowed"
    response = client_for(world.foreign_specialist).post(url + "start_appraisal", {},
                                                         format="json")
    assert response.status_code == 404
    # 400: unknown action, bad parameter.
    assert leader.post(url + "fly", {}, format="json").json()["code"] == "unknown_action"
    spec = client_for(world.specialist)
    assert spec.post(url + "start_appraisal", {}, format="json").status_code == 200
    response = spec.post(url + "request_supplement", {"items": ""}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "items_required"
    response = spec.post(url + "submit_for_approval", {}, format="json")
    assert response.status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.4 kq", content_type="application/pdf")
    response = leader.post(url + "approve", {"result_file": upload, "result_number": "12/GP"},
                           format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["dossier"]["result_signed"] is False


@pytest.mark.django_db
def test_apology_through_the_api(world, bring, settings):
    d = bring("appraising")
    url = f"/api/v1/dossiers/{d.code}/actions/"
    body = {"reason": "Chờ ý kiến", "new_due_at": "2026-03-20T16:00:00+07:00"}
    response = client_for(world.specialist).post(url + "apologise", body, format="json")
    assert response.status_code == 403
    # "now" is November 2026, long after the due: too late.
    response = client_for(world.leader).post(url + "apologise", body, format="json")
    assert response.status_code == 409 and response.json()["code"] == "apology_too_late"
    import time_machine

    with time_machine.travel(vn(2026, 3, 4, 8, 0), tick=False):
        response = client_for(world.leader).post(url + "apologise", body, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["dossier"]["rescheduled_due_at"].startswith("2026-03-20")
        response = client_for(world.leader).post(url + "record_explanation",
                                                 {"explanation": "Thiếu người"}, format="json")
        assert response.status_code == 200
        response = client_for(world.manager).post(url + "escalate", {}, format="json")
        assert response.status_code == 409 and response.json()["code"] == "no_supervisor"


@pytest.mark.django_db
def test_schema_documents_the_endpoints(world):
    response = client_for(world.receptionist).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/dossiers" in paths
    action = paths["/api/v1/dossiers/{code}/actions/{action}"]["post"]
    assert {"200", "400", "403", "409"} <= set(action["responses"])
