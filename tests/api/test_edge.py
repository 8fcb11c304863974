"""No server error on any input (issue 12 §2): each input that was a 500 is a 4xx, in the
API's ``{code, message, fields}`` shape under /api/ and the site's error page elsewhere."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from motcua.dossiers.models import Dossier
from tests.dossiers.test_api import client_for, intake_body


@pytest.fixture
def api(world):
    client = client_for(world.receptionist)
    client.raise_request_exception = False
    return client


@pytest.fixture
def page(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.receptionist)
    return client


def error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"code", "message", "fields"} and body["message"]
    if code:
        assert body["code"] == code
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("query,field", [
    ("holder=abc", "holder"), ("national_status=abc", "national_status"),
    ("national_status=11", "national_status"), ("unit=" + "9" * 40, "unit"),
    ("unit=abc", "unit"), ("overdue=maybe", "overdue"), ("status=flying", "status"),
    ("due_before=yesterday", "due_before"), ("received_to=9999-12-31", "received_to"),
    ("q=" + "x" * 300, "q"), ("holder=99999999999", "holder"),
])
def test_bad_list_filters_are_400_naming_the_field(api, query, field):
    body = error(api.get(f"/api/v1/dossiers?{query}"), 400, "invalid")
    assert list(body["fields"]) == [field]


@pytest.mark.django_db
def test_good_list_filters_still_filter(api, world, bring):
    d = bring("appraising")
    rows = api.get("/api/v1/dossiers?overdue=true&national_status=4&unit="
                   f"{world.center.pk}&received_from=2026-03-02").json()["results"]
    assert [r["code"] for r in rows] == [d.code]  # due in March, now is later
    assert api.get("/api/v1/dossiers?overdue=false").json()["results"] == []
    assert api.get("/api/v1/dossiers?page=99999").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    "/api/v1/dossiers?q=a%00b", "/api/v1/dossiers/a%00b", "/api/v1/procedures/x%00",
    "/api/v1/procedures?search=%00",
])
def test_nul_byte_in_api_path_or_query_is_400(api, url):
    error(api.get(url), 400, "bad_request")


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    "/can-bo/ho-so/?q=a%00b", "/can-bo/ho-so/a%00b/", "/in/ho-so/a%00b/", "/tra-cuu/a%00b/",
    "/thu-tuc/a%00b/", "/tra-cuu/?ma=%00",
])
def test_nul_byte_in_page_path_or_query_is_a_400_page(page, url):
    response = page.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_json_nested_50000_deep_is_400(api):
    body = "[" * 50_000 + "]" * 50_000
    error(api.post("/api/v1/dossiers", body, content_type="application/json"), 400,
          "parse_error")


@pytest.mark.django_db
def test_body_over_the_limit_is_413_in_the_error_shape(api, settings):
    settings.DEBUG = False  # production: was Django's HTML 400
    big = '{"notes": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1000) + '"}'
    error(api.post("/api/v1/dossiers", big, content_type="application/json"), 413,
          "request_too_large")


@pytest.mark.django_db
def test_unknown_api_path_is_404_in_the_error_shape(api):
    error(api.get("/api/v1/khong-co"), 404, "not_found")


@pytest.mark.django_db
def test_unhandled_error_under_the_api_is_500_in_the_error_shape(api, monkeypatch):
    from motcua.dossiers import selectors

    def boom(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "dossier_list", boom)
    error(api.get("/api/v1/dossiers"), 500, "server_error")


@pytest.mark.django_db
def test_copies_out_of_range_is_400(api, world, frozen):
    body = intake_body(world)
    body["documents"][0]["copies"] = 40_000
    result = error(api.post("/api/v1/dossiers", body, format="json"), 400, "invalid")
    assert list(result["fields"]) == ["documents.0.copies"]
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_nested_errors_are_flat_dotted_fields(api, world, frozen):
    body = intake_body(world, delivery={"method": "post", "address": {}})
    result = error(api.post("/api/v1/dossiers", body, format="json"), 400, "invalid")
    assert list(result["fields"]) == ["delivery.address"]


@pytest.mark.django_db
def test_unknown_counter_is_400(api, world, frozen):
    error(api.post("/api/v1/dossiers", intake_body(world, counter=999_999), format="json"),
          400, "counter_unknown")
    assert not Dossier.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("params,field", [
    ({"amount": 2**70}, "amount"), ({"result_number": "x" * 101}, "result_number"),
    ({"reason": "x" * 10_001}, "reason"), ({"new_due_at": "0001-01-01T00:00:00Z"}, "new_due_at"),
])
def test_action_parameters_out_of_range_are_400(world, bring, params, field):
    d = bring("appraising")
    client = client_for(world.leader)
    body = error(client.post(f"/api/v1/dossiers/{d.code}/actions/request_payment", params,
                             format="json"), 400, "invalid")
    assert list(body["fields"]) == [field]


@pytest.mark.django_db
def test_worklist_page_past_the_end_shows_the_last_page(page, bring):
    d = bring("received")
    for number in ("99999", "10" + "0" * 30, "-3", "abc"):
        response = page.get(f"/can-bo/ho-so/?list=all&page={number}")
        assert response.status_code == 200
        assert d.code in response.content.decode()


@pytest.mark.django_db
def test_lookup_of_a_code_with_a_slash_or_too_long_is_400(client):
    for code in ("a/b", "x" * 500):
        response = client.get("/tra-cuu/", {"ma": code})
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")


def test_demo_load_refuses_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="MOTCUA_ENV=production"):
        call_command("demo_load")
