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
    with django_assert_num_queries(1):
        rows = [(v.procedure.code, v.field.name, v.agency.name) for v in procedures_search(q="cap")]
    assert len(rows) == 2
