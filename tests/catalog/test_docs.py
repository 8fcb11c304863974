"""The examples in docs/catalog-format.md and docs/examples/ import as documented."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from motcua.catalog.models import Procedure
from motcua.org.models import Level, UnitKind
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def demo_units():
    """The unit codes of the demo province that the examples use."""
    province = UnitFactory(code="000.00.00.H15", kind=UnitKind.PROVINCE)
    for code in ("000.00.01.H15",):
        UnitFactory(code=code, kind=UnitKind.PROVINCIAL_CENTER, parent=province)
    for code in ("000.00.13.H15", "000.00.20.H15"):
        UnitFactory(code=code, parent=province)
    for y in (41, 42):
        commune = UnitFactory(code=f"000.00.{y}.H15", kind=UnitKind.COMMUNE, level=Level.COMMUNE)
        UnitFactory(code=f"000.01.{y}.H15", kind=UnitKind.COMMUNE_CENTER, level=Level.COMMUNE,
                    parent=commune)


def test_example_csv_imports(demo_units):
    out = io.StringIO()
    call_command("catalog_import", str(DOCS / "examples" / "catalog-example.csv"), stdout=out)
    assert "tạo mới 3" in out.getvalue()
    permit = Procedure.objects.get(code="3.000902").current
    assert permit.steps.count() == 7
    assert permit.documents.get(order=2).copies == 2
    assert permit.fees.get().amount == 150000
    copy = Procedure.objects.get(code="3.000901").current
    assert (copy.time_value, copy.time_unit) == (Decimal(4), "working_hours")
    assert copy.documents.get(order=3).mandatory is False


def test_json_example_in_the_format_doc_imports(demo_units, tmp_path):
    text = (DOCS / "catalog-format.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text, re.S).group(1)
    path = tmp_path / "doc.json"
    path.write_text(block, encoding="utf-8")
    call_command("catalog_import", str(path), stdout=io.StringIO())
    version = Procedure.objects.get(code="1.014199.H05").current
    assert json.loads(block)["procedures"][0]["name"] == version.name
    assert version.steps.count() == 4
