"""``motcua catalog export``: the output imports back into the same catalog."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from motcua.catalog.models import Field, Procedure, ProcedureVersion
from motcua.catalog.selectors import catalog_records
from tests.catalog.conftest import sample
from tests.factories import catalog_unfrozen

pytestmark = pytest.mark.django_db


def import_file(path) -> str:
    out = io.StringIO()
    call_command("catalog_import", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def empty_catalog():
    """Back to a database with units but no catalog."""
    with catalog_unfrozen():
        Procedure.objects.update(current=None)
        ProcedureVersion.objects.all().delete()
        Procedure.objects.all().delete()
        Field.objects.all().delete()


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_export_then_import_into_an_empty_catalog_gives_the_same_catalog(
    units, write_json, tmp_path, fmt
):
    import_file(write_json(sample()))
    before = catalog_records()
    path = tmp_path / f"export.{fmt}"
    call_command("catalog_export", "--output", str(path), stderr=io.StringIO())

    empty_catalog()
    assert catalog_records() == ([], [])
    output = import_file(path)

    assert "tạo mới 3" in output
    assert catalog_records() == before
    # Field slugs are derived again, from the names.
    assert set(Field.objects.values_list("slug", flat=True)) == {
        "ho-tich", "hoat-dong-xay-dung", "dang-ky-quan-ly-cu-tru"
    }


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_importing_an_export_into_the_same_database_changes_nothing(
    units, write_json, tmp_path, fmt
):
    import_file(write_json(sample()))
    path = tmp_path / f"export.{fmt}"
    call_command("catalog_export", "--format", fmt, "--output", str(path), stderr=io.StringIO())
    assert "tạo mới 0, phiên bản mới 0, không đổi 3" in import_file(path)


def test_export_contains_only_the_version_in_force(units, write_json):
    import_file(write_json(sample()))
    doc = sample()
    doc["procedures"][2]["name"] = "Cấp đổi thẻ căn cước (sửa đổi)"
    import_file(write_json(doc, "v2.json"))

    out = io.StringIO()
    call_command("catalog_export", stdout=out)
    exported = json.loads(out.getvalue())

    names = {p["code"]: p["name"] for p in exported["procedures"]}
    assert names["2.001159"] == "Cấp đổi thẻ căn cước (sửa đổi)"
    assert len(exported["procedures"]) == 3
    assert exported["fields"][0] == {"code": "HOTICH", "name": "Hộ tịch", "order": 1}
    permit = next(p for p in exported["procedures"] if p["code"] == "1.014199.H05")
    assert permit == sample()["procedures"][1]


def test_csv_export_has_the_documented_layout(units, write_json):
    import_file(write_json(sample()))
    out = io.StringIO()
    call_command("catalog_export", "--format", "csv", stdout=out)
    header = out.getvalue().lstrip("\ufeff").splitlines()[0].split(",")
    assert header[:8] == [
        "code", "name", "field", "field_name", "field_order", "agency", "receiving_units", "level"
    ]
    assert "Văn bản ủy quyền [certified_copy] [optional] [x2] [condition: khi ủy quyền]" in (
        out.getvalue()
    )


def test_xlsx_export_has_a_fields_sheet(units, write_json, tmp_path):
    import_file(write_json(sample()))
    path = tmp_path / "catalog.xlsx"
    call_command("catalog_export", "--output", str(path), stderr=io.StringIO())
    book = load_workbook(path)
    assert book.sheetnames == ["procedures", "fields"]
    assert [c.value for c in book["fields"][2]] == ["HOTICH", "Hộ tịch", 1]
    assert book["procedures"].max_row == 4


def test_xlsx_to_the_terminal_is_refused(units):
    with pytest.raises(CommandError):
        call_command("catalog_export", "--format", "xlsx", stdout=io.StringIO())
