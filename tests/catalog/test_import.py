"""``motcua catalog import``: formats, row-level validation, versioning semantics."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from motcua.audit.models import AuditEvent
from motcua.catalog.models import (
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    VersionStatus,
)
from tests.catalog.conftest import AGENCY, CENTER, COMMUNE, COMMUNE_CENTER, OTHER_AGENCY, sample
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CSV_HEADER = (
    "code,name,field,agency,receiving_units,level,legal_time_value,legal_time_unit,"
    "committed_time_value,committed_time_unit,cutoff,fee_text,result_type,online_mode,"
    "five_on_site,boundary_free,documents,steps,legal_basis,source,note"
)


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("catalog_import", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def failing_import(path, *args) -> str:
    """Run an import that must fail; return what it printed as errors."""
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("catalog_import", str(path), *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue() + str(info.value)


def counts():
    return (
        Procedure.objects.count(), ProcedureVersion.objects.count(), Field.objects.count(),
        RequiredDocument.objects.count(), ProcessStep.objects.count(), Fee.objects.count(),
        AuditEvent.objects.count(),
    )


def csv_file(tmp_path, *rows, header=CSV_HEADER, name="catalog.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def good_csv_row(code="1.000001", field="HOTICH", **changes):
    values = {
        "code": code, "name": "Đăng ký kết hôn", "field": field, "agency": COMMUNE,
        "receiving_units": COMMUNE_CENTER, "level": "xa", "legal_time_value": "5",
        "legal_time_unit": "working_days", "committed_time_value": "", "committed_time_unit": "",
        "cutoff": "15:00", "fee_text": "Miễn phí", "result_type": "Giấy chứng nhận kết hôn",
        "online_mode": "partial", "five_on_site": "false", "boundary_free": "có",
        "documents": "Tờ khai [original]; Giấy tờ tùy thân [present]",
        "steps": "Tiếp nhận|reception|4; Thẩm định|specialist|32", "legal_basis": "",
        "source": "", "note": "",
    }
    values.update(changes)
    return ",".join(values[c] for c in CSV_HEADER.split(","))


# Happy paths -----------------------------------------------------------------------------


def test_json_import_creates_fields_procedures_and_published_versions(units, write_json):
    output = run_import(write_json(sample()))

    assert "tạo mới 3" in output
    assert list(Field.objects.order_by("order").values_list("code", "name")) == [
        ("HOTICH", "Hộ tịch"), ("XAYDUNG", "Hoạt động xây dựng"),
        ("CUTRU", "Đăng ký, quản lý cư trú"),
    ]
    procedure = Procedure.objects.get(code="1.014199.H05")
    assert (procedure.national_code, procedure.local_code) == ("1.014199", ".H05")
    version = procedure.current
    assert version.number == 1 and version.status == VersionStatus.PUBLISHED
    assert version.published_at is not None
    assert version.agency == units["agency"]
    assert list(version.receiving_units.all()) == [units["center"]]
    assert (version.legal_time_value, version.legal_time_unit) == (Decimal(20), "working_days")
    assert (version.time_value, version.time_unit) == (Decimal(15), "working_days")
    assert version.cutoff == dt.time(15, 0)
    assert version.five_on_site is True and version.online_mode == "partial"
    assert list(version.documents.values_list("order", "name", "form", "copies")) == [
        (1, "Đơn đề nghị cấp giấy phép xây dựng", "original", 1),
        (2, "Bản vẽ thiết kế", "copy", 2),
    ]
    assert list(version.fees.order_by("pk").values_list("name", "amount")) == [
        ("Lệ phí cấp giấy phép", 150000), ("Phí thẩm định", None),
    ]
    assert list(version.fees.order_by("pk").values_list(
        "per_copy", "online_reduction_percent", "exemptions")) == [
        (True, 20, ["Hộ nghèo", "Người có công, thân nhân liệt sĩ"]), (False, 0, []),
    ]
    steps = list(version.steps.values_list("order", "role", "unit__code", "hours"))
    assert steps[0] == (1, "reception", CENTER, Decimal(4))
    assert steps[3] == (4, "partner", OTHER_AGENCY, Decimal(8))
    assert steps[1][2] is None
    assert version.search_text == "1.014199.h05 cap giay phep xay dung moi doi voi cong trinh cap dac biet"
    events = AuditEvent.objects.filter(chain="catalog")
    assert events.filter(event_type="catalog.version_published").count() == 3
    assert events.filter(event_type="catalog.imported").get().data["created"] == 3


def test_csv_import_reads_lists_markers_and_booleans(units, tmp_path):
    row = good_csv_row(
        documents='"Tờ khai [original]\nBản sao giấy khai sinh [copy] [optional] [x2] '
        '[condition: khi kết hôn lần hai]"',
        steps='"Tiếp nhận|reception|4|000.10.01.H15\nThẩm định|specialist|2,5"',
        receiving_units=f"{COMMUNE_CENTER};{CENTER}",
    )
    Field.objects.create(code="HOTICH", name="Hộ tịch", slug="ho-tich")

    output = run_import(csv_file(tmp_path, row))

    assert "tạo mới 1" in output
    version = Procedure.objects.get(code="1.000001").current
    assert version.boundary_free is True and version.five_on_site is False
    assert sorted(version.receiving_units.values_list("code", flat=True)) == sorted(
        [COMMUNE_CENTER, CENTER]
    )
    documents = list(
        version.documents.values_list("name", "form", "mandatory", "copies", "condition")
    )
    assert documents == [
        ("Tờ khai", "original", True, 1, ""),
        ("Bản sao giấy khai sinh", "copy", False, 2, "khi kết hôn lần hai"),
    ]
    assert list(version.steps.values_list("name", "role", "hours", "unit__code")) == [
        ("Tiếp nhận", "reception", Decimal(4), COMMUNE_CENTER),
        ("Thẩm định", "specialist", Decimal("2.5"), None),
    ]


def test_csv_with_semicolon_delimiter_and_field_columns(units, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "\ufeffcode;name;field;field_name;field_order;agency;level;legal_time_value;legal_time_unit\n"
        "1.000002;Chứng thực bản sao;CHUNGTHUC;Chứng thực;4;000.10.00.H15;xa;0,5;working_days\n",
        encoding="utf-8",
    )
    run_import(path)
    version = Procedure.objects.get(code="1.000002").current
    assert version.legal_time_value == Decimal("0.5")
    field = Field.objects.get(code="CHUNGTHUC")
    assert (field.name, field.order, field.slug) == ("Chứng thực", 4, "chung-thuc")


def test_xlsx_import_with_fields_sheet(units, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "procedures"
    sheet.append(["code", "name", "field", "agency", "level", "legal_time_value",
                  "legal_time_unit", "cutoff", "documents", "steps", "five_on_site"])
    # Excel stores a typed-in code as a number and a time as a time: both must read back.
    sheet.append([1.001193, "Đăng ký khai sinh", "HOTICH", COMMUNE, "xa", 3, "working_days",
                  dt.time(15, 0), "Tờ khai\nGiấy chứng sinh [optional]",
                  "Tiếp nhận|reception|0.5", True])
    sheet.append([None] * 11)
    sheet.append(["2.000001", "Cấp phép", "XAYDUNG", AGENCY, "tinh", 7.5, "working_hours"])
    fields = book.create_sheet("fields")
    fields.append(["code", "name", "order"])
    fields.append(["HOTICH", "Hộ tịch", 1])
    fields.append(["XAYDUNG", "Hoạt động xây dựng", 2])
    path = tmp_path / "catalog.xlsx"
    book.save(path)

    output = run_import(path)

    assert "tạo mới 2" in output
    first = Procedure.objects.get(code="1.001193").current
    assert first.cutoff == dt.time(15, 0) and first.five_on_site is True
    assert list(first.documents.values_list("name", "mandatory")) == [
        ("Tờ khai", True), ("Giấy chứng sinh", False)
    ]
    second = Procedure.objects.get(code="2.000001").current
    assert (second.legal_time_value, second.legal_time_unit) == (Decimal("7.5"), "working_hours")
    assert Field.objects.get(code="XAYDUNG").name == "Hoạt động xây dựng"


def test_dry_run_reports_and_saves_nothing(units, write_json):
    before = counts()
    output = run_import(write_json(sample()), "--dry-run")
    assert "tạo mới 3" in output and "Chạy thử" in output
    assert counts() == before


def test_actor_option_records_the_user(units, write_json):
    user = UserFactory(username="quantri")
    run_import(write_json(sample()), "--actor", "quantri")
    assert AuditEvent.objects.filter(event_type="catalog.imported").get().actor == user
    with pytest.raises(CommandError):
        call_command("catalog_import", str(write_json(sample())), "--actor", "khongco",
                     stdout=io.StringIO())


# Versioning ------------------------------------------------------------------------------


def test_reimport_of_the_same_file_changes_nothing(units, write_json):
    path = write_json(sample())
    run_import(path)
    before = list(ProcedureVersion.objects.values_list("pk", "status", "number"))
    output = run_import(path)
    assert "tạo mới 0, phiên bản mới 0, không đổi 3" in output
    assert list(ProcedureVersion.objects.values_list("pk", "status", "number")) == before
    assert AuditEvent.objects.filter(event_type="catalog.version_published").count() == 3


def test_changed_content_publishes_a_new_version_and_retires_the_old(units, write_json):
    run_import(write_json(sample()))
    old = Procedure.objects.get(code="1.014199.H05").current
    # A dossier keeps a reference to the version it was received under.
    received_under = old.pk

    doc = sample()
    changed = doc["procedures"][1]
    changed["committed_time"] = {"value": 12, "unit": "working_days"}
    changed["documents"].append({"name": "Giấy tờ về đất đai", "form": "copy"})
    output = run_import(write_json(doc, "v2.json"))

    assert "phiên bản mới 1, không đổi 2" in output
    procedure = Procedure.objects.get(code="1.014199.H05")
    assert procedure.current.number == 2
    assert procedure.current.status == VersionStatus.PUBLISHED
    assert procedure.current.time_value == Decimal(12)
    assert procedure.current.documents.count() == 3
    kept = ProcedureVersion.objects.get(pk=received_under)
    assert kept.status == VersionStatus.RETIRED
    assert kept.time_value == Decimal(15)
    assert kept.documents.count() == 2
    assert list(procedure.versions.filter(status=VersionStatus.PUBLISHED)) == [procedure.current]
    published = AuditEvent.objects.filter(event_type="catalog.version_published").last()
    assert published.data == {"procedure": "1.014199.H05", "number": 2, "retired": [1]}


def test_a_field_renamed_in_the_file_is_updated_without_new_versions(units, write_json):
    run_import(write_json(sample()))
    doc = sample()
    doc["fields"][0]["name"] = "Hộ tịch (sửa)"
    output = run_import(write_json(doc, "v2.json"))
    assert "cập nhật 1" in output and "không đổi 3" in output
    assert Field.objects.get(code="HOTICH").name == "Hộ tịch (sửa)"


def test_procedures_missing_from_the_file_are_left_alone(units, write_json):
    run_import(write_json(sample()))
    doc = sample()
    doc["procedures"] = doc["procedures"][:1]
    run_import(write_json(doc, "one.json"))
    assert Procedure.objects.get(code="2.001159").current.status == VersionStatus.PUBLISHED


# Validation: every problem names the row and the column, and nothing is imported --------


def _set(path: str, value):
    def change(doc):
        target = doc["procedures"][1]
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1]] = value
        return doc

    return change


JSON_CASES = [
    ("unknown field", _set("field", "KHONGCO"), "field", "lĩnh vực \"KHONGCO\""),
    ("unknown agency", _set("agency", "000.99.99.H15"), "agency", "000.99.99.H15"),
    ("unknown receiving unit", _set("receiving_units", ["000.99.98.H15"]), "receiving_units",
     "000.99.98.H15"),
    ("zero time", _set("legal_time.value", 0), "legal_time.value", "phải lớn hơn 0"),
    ("negative time", _set("committed_time.value", -3), "committed_time.value",
     "phải lớn hơn 0"),
    ("unknown time unit", _set("legal_time.unit", "ngay"), "legal_time.unit", "\"ngay\""),
    ("bad level", _set("level", "huyen"), "level", "\"huyen\""),
    ("bad online mode", _set("online_mode", "mot_phan"), "online_mode", "\"mot_phan\""),
    ("bad role", _set("steps.2.role", "boss"), "steps[2].role", "\"boss\""),
    ("bad step unit", _set("steps.1.unit", "000.99.97.H15"), "steps[1].unit", "000.99.97.H15"),
    ("bad cutoff", _set("cutoff", "25:00"), "cutoff", "\"25:00\""),
    ("bad document form", _set("documents.0.form", "photo"), "documents[0].form", "\"photo\""),
    ("bad code", _set("code", "ABC"), "code", "d.dddddd"),
    ("committed longer than legal", _set("committed_time.value", 30), "committed_time.value",
     "dài hơn"),
]


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [case[1:] for case in JSON_CASES],
    ids=[case[0] for case in JSON_CASES],
)
def test_json_errors_name_procedure_and_column(units, write_json, change, column, message):
    run_import(write_json(sample(), "base.json"))
    before = counts()
    doc = change(sample())
    doc["procedures"][0]["name"] = "Đổi tên: sẽ thành phiên bản mới nếu tệp được nhập"

    errors = failing_import(write_json(doc))

    code = doc["procedures"][1]["code"]
    assert f"Thủ tục thứ 2 (procedures[1], mã {code}), cột {column}: " in errors
    assert message in errors
    assert "không có thủ tục nào được nhập" in errors
    assert counts() == before


def test_json_missing_key_and_unknown_key(units, write_json):
    doc = sample()
    del doc["procedures"][0]["agency"]
    doc["procedures"][2]["colour"] = "xanh"
    errors = failing_import(write_json(doc))
    assert "Thủ tục thứ 1 (procedures[0], mã 1.001193), cột agency: thiếu trường bắt buộc." in errors
    assert "Thủ tục thứ 3 (procedures[2], mã 2.001159), cột colour: khóa không được hỗ trợ." in errors
    assert Procedure.objects.count() == 0


def test_json_duplicate_code_names_both_procedures(units, write_json):
    doc = sample()
    doc["procedures"][2]["code"] = "1.001193"
    errors = failing_import(write_json(doc))
    assert "procedures[2], mã 1.001193), cột code: mã thủ tục \"1.001193\" bị trùng với Thủ tục thứ 1" in errors
    assert Procedure.objects.count() == 0


def test_all_errors_are_reported_not_only_the_first(units, write_json):
    doc = sample()
    doc["procedures"][0]["level"] = "huyen"
    doc["procedures"][1]["legal_time"] = {"value": -1, "unit": "working_days"}
    doc["procedures"][2]["agency"] = "000.99.99.H15"
    errors = failing_import(write_json(doc))
    lines = [line for line in errors.splitlines() if line.startswith("Thủ tục thứ")]
    assert len(lines) == 3
    assert "Tệp danh mục có 3 lỗi" in errors
    assert Procedure.objects.count() == 0 and Field.objects.count() == 0


def test_invalid_json_syntax(units, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"procedures": [', encoding="utf-8")
    assert "JSON không hợp lệ ở dòng 1" in failing_import(path)


def test_csv_missing_required_column(units, tmp_path):
    header = CSV_HEADER.replace("agency,", "")
    row = good_csv_row().split(",")
    del row[3]
    errors = failing_import(csv_file(tmp_path, ",".join(row), header=header))
    assert "Dòng tiêu đề, cột agency: thiếu cột bắt buộc." in errors
    assert Procedure.objects.count() == 0


def test_csv_unknown_column(units, tmp_path):
    errors = failing_import(
        csv_file(tmp_path, good_csv_row() + ",x", header=CSV_HEADER + ",mau_sac")
    )
    assert "Dòng tiêu đề, cột mau_sac: cột không được hỗ trợ." in errors


CSV_CASES = [
    ("unknown field", {"field": "KHONGCO"}, "field", "lĩnh vực \"KHONGCO\""),
    ("unknown agency", {"agency": "000.99.99.H15"}, "agency", "000.99.99.H15"),
    ("zero time", {"legal_time_value": "0"}, "legal_time_value", "phải lớn hơn 0"),
    ("negative time", {"legal_time_value": "-2"}, "legal_time_value", "phải lớn hơn 0"),
    ("time without unit", {"legal_time_unit": ""}, "legal_time_unit", "thiếu đơn vị"),
    ("unknown time unit", {"legal_time_unit": "ngay_lam_viec"}, "legal_time_unit",
     "\"ngay_lam_viec\""),
    ("bad level", {"level": "huyen"}, "level", "\"huyen\""),
    ("bad online mode", {"online_mode": "yes"}, "online_mode", "\"yes\""),
    ("bad role", {"steps": "Tiếp nhận|boss|4"}, "steps (mục 1)", "\"boss\""),
    ("bad step shape", {"steps": "Tiếp nhận|reception"}, "steps (mục 1)", "tên|vai trò|số giờ"),
    ("bad cutoff", {"cutoff": "3pm"}, "cutoff", "\"3pm\""),
    ("bad boolean", {"five_on_site": "maybe"}, "five_on_site", "\"maybe\""),
    ("bad document marker", {"documents": "Tờ khai [mau 01]"}, "documents (mục 1)",
     "[mau 01]"),
]


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [case[1:] for case in CSV_CASES],
    ids=[case[0] for case in CSV_CASES],
)
def test_csv_errors_name_row_and_column(units, tmp_path, changes, column, message):
    Field.objects.create(code="HOTICH", name="Hộ tịch", slug="ho-tich")
    before = counts()
    path = csv_file(tmp_path, good_csv_row("1.000001"), good_csv_row("1.000002", **changes))

    errors = failing_import(path)

    assert f"Dòng 3, cột {column}: " in errors
    assert message in errors
    assert "Dòng 2" not in errors
    assert counts() == before


def test_csv_duplicate_code_names_both_rows(units, tmp_path):
    Field.objects.create(code="HOTICH", name="Hộ tịch", slug="ho-tich")
    path = csv_file(tmp_path, good_csv_row("1.000001"), good_csv_row("1.000003"),
                    good_csv_row("1.000001"))
    errors = failing_import(path)
    assert "Dòng 4, cột code: mã thủ tục \"1.000001\" bị trùng với Dòng 2." in errors
    assert Procedure.objects.count() == 0


def test_xlsx_error_names_the_sheet_row(units, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "field", "agency", "level"])
    sheet.append(["1.000001", "A", "HOTICH", COMMUNE, "xa"])
    sheet.append(["1.000002", "B", "HOTICH", COMMUNE, "phuong"])
    fields = book.create_sheet("fields")
    fields.append(["code", "name"])
    fields.append(["HOTICH", None])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    errors = failing_import(path)
    assert "Dòng 3, cột level: cấp thực hiện \"phuong\" không hợp lệ" in errors
    assert "Trang fields, dòng 2, cột name: không được để trống." in errors
    assert Procedure.objects.count() == 0 and Field.objects.count() == 0


def test_unknown_extension_is_refused(units, tmp_path):
    path = tmp_path / "catalog.txt"
    path.write_text("x", encoding="utf-8")
    assert ".json, .csv hoặc .xlsx" in failing_import(path)


# Fee rules (payments2) ---------------------------------------------------------------------


def test_csv_fee_markers_per_copy_online_reduction_and_exemptions(units, tmp_path):
    row = good_csv_row() + (',"Phí cấp bản sao|8.000|mỗi bản [mỗi bản]\n'
                            'Lệ phí|100000 [trực tuyến -50%] [miễn: Hộ nghèo] '
                            '[exempt: Người có công]"')
    Field.objects.create(code="HOTICH", name="Hộ tịch", slug="ho-tich")
    run_import(csv_file(tmp_path, row, header=CSV_HEADER + ",fees"))
    version = Procedure.objects.get(code="1.000001").current
    assert list(version.fees.order_by("pk").values_list(
        "name", "amount", "description", "per_copy", "online_reduction_percent", "exemptions"
    )) == [
        ("Phí cấp bản sao", 8000, "mỗi bản", True, 0, []),
        ("Lệ phí", 100000, "", False, 50, ["Hộ nghèo", "Người có công"]),
    ]


@pytest.mark.parametrize(("fee", "message"), [
    ({"name": "Lệ phí", "amount": 1000, "online_reduction_percent": 101}, "từ 0 đến 100"),
    ({"name": "Lệ phí", "amount": None, "per_copy": True}, "cần đơn giá"),
    ({"name": "Lệ phí", "amount": 1000, "exemptions": "Hộ nghèo"}, "danh sách"),
    ({"name": "Lệ phí", "amount": 1000, "exemptions": ["A", "A"]}, "bị lặp"),
    ({"name": "Lệ phí", "amount": 1000, "mien": ["A"]}, "không được hỗ trợ"),
])
def test_bad_fee_rules_are_refused_with_a_message(units, write_json, fee, message):
    data = sample()
    data["procedures"][1]["fees"] = [fee]
    assert message in failing_import(write_json(data))
    assert not Procedure.objects.exists()


def test_bad_csv_fee_marker_is_named(units, tmp_path):
    row = good_csv_row() + ",Lệ phí|1000 [giảm 10%]"
    assert "[giảm 10%]" in failing_import(csv_file(tmp_path, row, header=CSV_HEADER + ",fees"))
