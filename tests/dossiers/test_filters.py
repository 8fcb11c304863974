"""The dossier list's FilterSet: it parses and validates, the selector queries, the schema lists
every filter from the same declarations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from drf_spectacular.generators import SchemaGenerator
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from motcua.dossiers.filters import DossierListFilters


def _parse(query: dict) -> dict:
    return DossierListFilters.parse(Request(RequestFactory().get("/api/v1/dossiers", query)))


def test_clean_values_are_typed_and_absent_ones_left_out():
    parsed = _parse({"unit": "7", "status": "received, appraising", "national_status": "4",
                     "overdue": "FALSE", "received_to": "2026-03-02", "q": "", "other": "x"})
    assert parsed["unit"] == 7 and parsed["national_status"] == 4
    assert parsed["status"] == "received,appraising"
    assert parsed["overdue"] is False
    assert parsed["received_to"].date() == dt.date(2026, 3, 2)
    assert parsed["received_to"].tzinfo is not None
    assert set(parsed) == {"unit", "status", "national_status", "overdue", "received_to"}
    assert _parse({}) == {}  # no "overdue=false" when the parameter is absent


def test_every_bad_parameter_is_named_at_once():
    with pytest.raises(ValidationError) as caught:
        _parse({"unit": "0", "overdue": "maybe", "status": "flying,received", "holder": "x"})
    assert set(caught.value.detail) == {"unit", "overdue", "status", "holder"}
    assert "flying" in str(caught.value.detail["status"][0])


@pytest.mark.django_db
def test_schema_lists_every_filter_of_the_filterset():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    listing = schema["paths"]["/api/v1/dossiers"]["get"]["parameters"]
    assert {p["name"] for p in listing} == {*DossierListFilters.base_filters, "page"}
    assert all(p.get("description") for p in listing)
    by_name = {p["name"]: p["schema"] for p in listing}
    assert by_name["holder"]["maximum"] == 2147483647 and by_name["overdue"]["type"] == "boolean"
    assert not schema["paths"]["/api/v1/dossiers"]["post"].get("parameters")


SIMPLE_QUERIES = [
    "", "unit=17", "unit=017", "unit=0", "unit=-3", "unit=17.0", "unit= 17", "unit=abc",
    "unit=" + "9" * 20, "unit=9223372036854775807", "unit=9223372036854775808",
    "status=appraising", "status=appraising,supplement_requested", "status=appraising, received",
    "status=,,", "status=nope", "status=appraising,nope", "status=" + "appraising," * 40,
    "status=APPRAISING", "overdue=1", "overdue=TRUE", "overdue=no", "overdue=maybe",
    "overdue=", "overdue= 1", "unit=17&status=appraising&overdue=1", "unit=17&unit=18",
    "unit=17&page=2", "unit=17&q=an", "status=appraising&national_status=4", "unit=%EF%BC%91",
    "unit=17&overdue=off&status=received", "status=appraising%00",
]


@pytest.mark.parametrize("query", SIMPLE_QUERIES)
def test_the_simple_reading_answers_as_the_filterset(query):
    """``filters.simple`` (the worklists' usual query, no form) gives exactly the FilterSet's
    clean values, and leaves every other query, and every error, to the FilterSet."""
    from motcua.dossiers.filters import simple

    request = Request(RequestFactory().get("/api/v1/dossiers?" + query))
    form = DossierListFilters(data=request.query_params, queryset=None, request=request)
    valid = form.is_valid()
    found = simple(request.query_params)
    if found is not None:
        assert valid and found == form.cleaned, query
        assert [type(v) for v in found.values()] == [type(form.cleaned[k]) for k in found]
    with_form = None
    try:
        with_form = DossierListFilters.parse(request)
    except ValidationError as error:
        from django_filters.utils import translate_validation

        assert not valid and error.detail == translate_validation(form.errors).detail, query
    else:
        assert valid and with_form == form.cleaned, query


def test_the_worklists_usual_queries_are_read_without_the_form():
    from motcua.dossiers.filters import simple

    for query in ("unit=17&status=appraising", "overdue=1", "overdue=1&unit=17", "page=2", ""):
        request = Request(RequestFactory().get("/api/v1/dossiers?" + query))
        assert simple(request.query_params) is not None, query


def test_the_simple_reading_reads_only_the_parameters_given():
    """``filters.simple`` asks the query for the filters it holds, not for each of the
    FilterSet's dozen filters, and checks statuses against a set kept once (``Status.values``
    rebuilds its list from the enum on every access)."""
    from unittest import mock

    from django.http import QueryDict

    from motcua.dossiers import filters
    from motcua.dossiers.states import Status

    asked: list[str] = []

    class Recording(QueryDict):
        def get(self, key, default=None):
            asked.append(key)
            return super().get(key, default)

    params = Recording("unit=17&status=appraising,received&page=2")
    with mock.patch.object(type(Status), "values", new_callable=mock.PropertyMock) as values:
        assert filters.simple(params) == {"unit": 17, "status": "appraising,received"}
    assert sorted(asked) == ["status", "unit"] and not values.called
    assert filters._STATUSES == set(Status.values)
