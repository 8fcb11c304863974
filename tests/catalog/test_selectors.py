"""Public catalog search: accent-insensitive, every word must match, versions in force only."""

from __future__ import annotations

import pytest

from motcua.catalog.selectors import (
    agencies_with_counts,
    fields_with_counts,
    procedures_search,
)
from motcua.catalog.services import procedure_version_new_draft, procedure_version_publish
from motcua.org.models import Level
from tests.factories import FieldFactory, UnitFactory, published_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    police, construction = UnitFactory(name="Công an tỉnh"), UnitFactory(name="Sở Xây dựng")
    residence, building = FieldFactory(code="CUTRU"), FieldFactory(code="XAYDUNG")
    return {
        "police": police,
        "construction": construction,
        "residence": residence,
        "building": building,
        "id_card": published_procedure(
            agency=police, code="2.001159", name="Cấp đổi thẻ căn cước", field=residence
        ),
        "residence_reg": published_procedure(
            agency=police, code="1.004194", name="Đăng ký thường trú", field=residence,
            level=Level.COMMUNE,
        ),
        "permit": published_procedure(
            agency=construction, code="1.009972", name="Cấp giấy phép xây dựng", field=building
        ),
    }


def codes(qs):
    return [v.procedure.code for v in qs]


def test_search_ignores_accents_and_case(catalog):
    assert codes(procedures_search(q="cap doi can cuoc")) == ["2.001159"]
    assert codes(procedures_search(q="CẤP ĐỔI")) == ["2.001159"]


def test_search_folds_d_with_stroke(catalog):
    assert codes(procedures_search(q="dang ky")) == ["1.004194"]
    assert codes(procedures_search(q="Đăng")) == ["1.004194"]


def test_every_word_must_match(catalog):
    assert codes(procedures_search(q="cap")) == ["1.009972", "2.001159"]
    assert codes(procedures_search(q="cap xay")) == ["1.009972"]
    assert codes(procedures_search(q="cap thuong tru")) == []


def test_search_by_code(catalog):
    assert codes(procedures_search(q="1.0099")) == ["1.009972"]


def test_filters_by_field_agency_and_level(catalog):
    assert codes(procedures_search(field="CUTRU")) == ["1.004194", "2.001159"]
    assert codes(procedures_search(field=catalog["building"])) == ["1.009972"]
    assert codes(procedures_search(agency=catalog["police"].code, level=Level.COMMUNE)) == [
        "1.004194"
    ]
    assert codes(procedures_search(q="cap", agency=catalog["police"])) == ["2.001159"]


def test_only_the_version_in_force_is_found(catalog):
    procedure = catalog["id_card"].procedure
    draft = procedure_version_new_draft(actor=None, procedure=procedure)
    draft.name = "Cấp lại thẻ căn cước"
    draft.save()
    assert codes(procedures_search(q="cap lai")) == []
    procedure_version_publish(actor=None, version=draft)
    assert codes(procedures_search(q="cap lai")) == ["2.001159"]
    assert codes(procedures_search(q="cap doi")) == []
    assert codes(procedures_search(q="can cuoc")) == ["2.001159"]


def test_field_and_agency_counts_count_procedures_in_force(catalog):
    procedure = catalog["permit"].procedure
    procedure_version_publish(
        actor=None, version=procedure_version_new_draft(actor=None, procedure=procedure)
    )
    FieldFactory(code="TRONG")
    counts = {f.code: f.procedure_count for f in fields_with_counts()}
    assert counts == {"CUTRU": 2, "XAYDUNG": 1, "TRONG": 0}
    assert [f.code for f in fields_with_counts(only_used=True)] == ["CUTRU", "XAYDUNG"]
    agencies = {u.name: u.procedure_count for u in agencies_with_counts()}
    assert agencies == {"Công an tỉnh": 2, "Sở Xây dựng": 1}


def test_search_runs_in_one_query(catalog, django_assert_num_queries):
    procedures_search(q="x").exists()  # the synonym table, read once and cached
    with django_assert_num_queries(1):
        rows = [(v.procedure.code, v.field.name, v.agency.name) for v in procedures_search(q="cap")]
    assert len(rows) == 2


# ----------------------------------------------------------------------------- synonyms


@pytest.mark.parametrize("q, expected", [
    ("CCCD", ["2.001159"]),
    ("cấp đổi cccd", ["2.001159"]),
    ("GPXD", ["1.009972"]),
    ("gpxd cap", ["1.009972"]),
    ("CCCD GPXD", []),  # every word (or its meaning) must still occur
])
def test_abbreviations_citizens_use_find_the_procedure(catalog, q, expected):
    assert codes(procedures_search(q=q)) == expected


def test_a_synonym_phrase_and_one_added_by_the_center(catalog):
    from motcua.catalog.models import SearchSynonym

    published_procedure(agency=catalog["construction"], code="1.000001",
                        name="Cấp giấy chứng nhận quyền sử dụng đất lần đầu",
                        field=catalog["building"])
    assert codes(procedures_search(q="so do")) == ["1.000001"]
    assert codes(procedures_search(q="QSDĐ")) == ["1.000001"]
    assert codes(procedures_search(q="thẻ xanh")) == []
    SearchSynonym.objects.create(term="Thẻ xanh", meaning="thẻ căn cước")
    assert codes(procedures_search(q="the xanh")) == ["2.001159"]


def test_synonym_admin_lists_and_adds(catalog, admin_client):
    from motcua.catalog.models import SearchSynonym

    page = admin_client.get("/quan-tri/catalog/searchsynonym/")
    assert page.status_code == 200 and "CCCD" in page.content.decode()
    response = admin_client.post("/quan-tri/catalog/searchsynonym/add/",
                                 {"term": "GKS", "meaning": "giấy khai sinh"})
    assert response.status_code == 302
    assert SearchSynonym.objects.get(term="GKS").term_folded == "gks"
    again = admin_client.post("/quan-tri/catalog/searchsynonym/add/",
                              {"term": "gks", "meaning": "Giấy khai sinh"})
    assert again.status_code == 200 and "Từ này đã có nghĩa này." in again.content.decode()
