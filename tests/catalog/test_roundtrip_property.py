"""Property: any documents, fees and steps survive a trip through the spreadsheet layout."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.catalog.checking import check_catalog
from motcua.catalog.exporters import export_csv, export_xlsx
from motcua.catalog.importers import read_bytes
from motcua.catalog.models import DocumentForm, StepRole, TimeUnit
from motcua.catalog.records import (
    DocumentRecord,
    FeeRecord,
    FieldRecord,
    ProcedureRecord,
    StepRecord,
)
from tests.catalog.conftest import AGENCY, CENTER, COMMUNE_CENTER

# Printable text as a clerk types it, including ";", quotes and commas; no brackets (markers),
# "|" (the step/fee separator) or line breaks (the item separator).
_alphabet = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "Zs"),
    exclude_characters="[]|\u2028\u2029\x85",
)
text = st.text(_alphabet, min_size=1, max_size=40).map(str.strip).filter(bool)
maybe_text = st.one_of(st.just(""), text)
amounts = st.one_of(st.none(), st.integers(min_value=0, max_value=10**9))
hours = st.decimals(min_value=0, max_value=999, places=2).map(lambda d: d.normalize() + 0)

documents = st.builds(
    DocumentRecord,
    name=text,
    form=st.sampled_from(DocumentForm.values),
    copies=st.integers(min_value=1, max_value=9),
    mandatory=st.booleans(),
    condition=maybe_text,
)
fees = st.builds(
    FeeRecord, name=text, amount=amounts, description=maybe_text,
    per_copy=st.booleans(), online_reduction_percent=st.integers(min_value=0, max_value=100),
    exemptions=st.lists(text, max_size=3, unique=True).map(tuple),
).map(  # a per-copy fee needs its unit amount
    lambda f: f if f.amount is not None or not f.per_copy
    else FeeRecord(**{**f.__dict__, "per_copy": False})
)
steps = st.builds(
    StepRecord,
    name=text,
    role=st.sampled_from(StepRole.values),
    hours=hours,
    unit=st.sampled_from([None, CENTER, COMMUNE_CENTER]),
)
records = st.builds(
    ProcedureRecord,
    code=st.just("1.000001"),
    name=text,
    field=st.just("HOTICH"),
    agency=st.just(AGENCY),
    level=st.just("tinh"),
    receiving_units=st.sampled_from([(), (CENTER,), tuple(sorted((CENTER, COMMUNE_CENTER)))]),
    legal_time_value=st.one_of(st.none(), st.decimals(min_value=Decimal("0.25"), max_value=999, places=2)),
    legal_time_unit=st.just(TimeUnit.WORKING_DAYS),
    fee_text=maybe_text,
    note=maybe_text,
    documents=st.lists(documents, max_size=4).map(tuple),
    fees=st.lists(fees, max_size=3).map(tuple),
    steps=st.lists(steps, max_size=4).map(tuple),
).map(
    lambda r: r if r.legal_time_value is not None else ProcedureRecord(
        **{**r.__dict__, "legal_time_unit": ""}
    )
)

FIELDS = [FieldRecord(code="HOTICH", name="Hộ tịch", order=1)]


@pytest.mark.django_db
@pytest.mark.parametrize(("fmt", "export"), [("csv", export_csv), ("xlsx", export_xlsx)])
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=records)
def test_spreadsheet_round_trip(units, fmt, export, record):
    data = check_catalog(read_bytes(export(FIELDS, [record]), fmt))
    assert data.procedures == [record]
    assert data.fields == FIELDS
