"""Public catalog API under /api/v1/: read-only, paginated, documented in /api/schema/."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.catalog.conftest import AGENCY, CENTER, COMMUNE, OTHER_AGENCY, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(units, write_json):
    call_command("catalog_import", str(write_json(sample())), stdout=io.StringIO())
    return APIClient()


def codes(response):
    assert response.status_code == 200, response.content
    return [p["code"] for p in response.json()["results"]]


def test_procedure_list_is_public_and_paginated(api):
    response = api.get("/api/v1/procedures")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["next"] is None
    permit = next(p for p in body["results"] if p["code"] == "1.014199.H05")
    assert permit == {
        "code": "1.014199.H05",
        "name": "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt",
        "version": 1,
        "field": {"code": "XAYDUNG", "name": "Hoạt động xây dựng"},
        "agency": {"code": AGENCY, "name": "Sở Xây dựng"},
        "level": "tinh",
        "online_mode": "partial",
        "time_limit": {"value": 15, "unit": "working_days"},
    }


def test_procedure_list_filters(api):
    assert codes(api.get("/api/v1/procedures", {"field": "CUTRU"})) == ["2.001159"]
    assert codes(api.get("/api/v1/procedures", {"agency": COMMUNE})) == ["1.001193"]
    assert codes(api.get("/api/v1/procedures", {"level": "tinh"})) == ["1.014199.H05", "2.001159"]
    assert codes(api.get("/api/v1/procedures", {"search": "cap doi can cuoc"})) == ["2.001159"]
    assert codes(api.get("/api/v1/procedures", {"search": "khai sinh", "level": "tinh"})) == []
    assert codes(api.get("/api/v1/procedures", {"field": "KHONGCO"})) == []


def test_procedure_list_rejects_a_bad_level_with_the_error_shape(api):
    response = api.get("/api/v1/procedures", {"level": "huyen"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "level" in response.json()["fields"]


def test_procedure_detail(api):
    response = api.get("/api/v1/procedures/1.014199.H05")
    assert response.status_code == 200
    body = response.json()
    assert (body["national_code"], body["local_code"], body["version"]) == ("1.014199", ".H05", 1)
    assert body["legal_time"] == {"value": 20, "unit": "working_days"}
    assert body["committed_time"] == {"value": 15, "unit": "working_days"}
    assert body["time_limit"] == {"value": 15, "unit": "working_days"}
    assert body["cutoff"] == "15:00"
    assert body["receiving_units"] == [
        {"code": CENTER, "name": "Trung tâm Phục vụ hành chính công tỉnh"}
    ]
    assert body["online_mode"] == "partial" and body["five_on_site"] is True
    assert [d["name"] for d in body["documents"]] == [
        "Đơn đề nghị cấp giấy phép xây dựng", "Bản vẽ thiết kế"
    ]
    assert body["fees"][0] == {
        "name": "Lệ phí cấp giấy phép", "amount": 150000, "description": "Mỗi giấy phép",
        "per_copy": True, "online_reduction_percent": 20,
        "exemptions": ["Hộ nghèo", "Người có công, thân nhân liệt sĩ"],
    }
    assert body["steps"][3]["unit"] == {"code": OTHER_AGENCY, "name": "Công an tỉnh"}
    assert body["steps"][1]["unit"] is None
    assert body["steps"][0]["hours"] == 4


def test_procedure_detail_without_time_limit(api):
    body = api.get("/api/v1/procedures/1.001193").json()
    assert body["legal_time"] is None and body["time_limit"] is None and body["cutoff"] is None
    assert body["steps"][0]["hours"] == 0.5


def test_unknown_procedure_is_404_with_the_error_shape(api):
    response = api.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Không tìm thấy."}


def test_fields_with_counts(api):
    body = api.get("/api/v1/fields").json()
    assert body["count"] == 3
    assert body["results"][0] == {
        "code": "HOTICH", "name": "Hộ tịch", "slug": "ho-tich", "procedure_count": 1
    }


def test_units_list_with_parent_code_and_filters(api, units):
    body = api.get("/api/v1/units").json()
    by_code = {u["code"]: u for u in body["results"]}
    assert by_code[CENTER] == {
        "code": CENTER, "name": "Trung tâm Phục vụ hành chính công tỉnh",
        "kind": "provincial_center", "level": "tinh", "parent_code": "000.00.00.H15",
    }
    assert by_code["000.00.00.H15"]["parent_code"] is None
    units["other"].is_active = False
    units["other"].save()
    assert OTHER_AGENCY not in [u["code"] for u in api.get("/api/v1/units").json()["results"]]
    commune = api.get("/api/v1/units", {"level": "xa", "kind": "commune_center"}).json()
    assert [u["code"] for u in commune["results"]] == ["000.10.01.H15"]


@pytest.mark.parametrize("url", ["/api/v1/procedures", "/api/v1/procedures/1.001193",
                                 "/api/v1/fields", "/api/v1/units"])
def test_the_catalog_api_is_read_only(api, url):
    response = api.post(url, {"name": "x"}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_schema_documents_the_catalog_endpoints(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in ("/api/v1/fields", "/api/v1/units", "/api/v1/procedures",
                 "/api/v1/procedures/{code}"):
        assert "get" in paths[path], path
    params = {p["name"] for p in paths["/api/v1/procedures"]["get"]["parameters"]}
    assert {"field", "agency", "level", "search", "page"} <= params
    detail = paths["/api/v1/procedures/{code}"]["get"]["responses"]["200"]
    assert detail["content"]["application/json"]["schema"]["$ref"].endswith(
        "ProcedureDetail"
    )
    components = schema["components"]["schemas"]
    assert {"documents", "fees", "steps", "receiving_units", "five_on_site"} <= set(
        components["ProcedureDetail"]["properties"]
    )


def test_list_and_detail_query_counts_do_not_grow_with_the_catalog(
    api, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        assert api.get("/api/v1/procedures").status_code == 200
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/procedures/1.014199.H05").status_code == 200
    with django_assert_max_num_queries(2):
        assert api.get("/api/v1/fields").status_code == 200
