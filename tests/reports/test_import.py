import csv
import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from motcua.dossiers.importer import COLUMNS, dossiers_import
from motcua.dossiers.models import Dossier, StatusChange
from motcua.dossiers.states import Status
from motcua.reports.engine import official_report
from tests.factories import vn

GOOD = {
    "code": "000.00.00.H15-200106-0001",
    "procedure_code": "1.000001",
    "receiving_unit": "000.00.00.H15",
    "applicant_name": "Trần Thị Bình",
    "applicant_id_number": "066190000123",
    "channel": "2",
    "received_at": "2020-01-06T08:30:00+07:00",
    "due_at": "",
    "finished_at": "2020-01-08T10:00:00+07:00",
    "returned_at": "2020-01-09T09:00:00+07:00",
    "status": "10",
}


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.django_db
def test_imports_history_and_computes_due(version, center, tmp_path):
    pending = GOOD | {"code": "000.00.00.H15-200106-0002", "status": "4", "finished_at": "",
                      "returned_at": "", "due_at": "2020-02-10T17:00"}
    result = dossiers_import(path=write(tmp_path / "a.csv", [GOOD, pending]))
    assert result.ok and result.imported == 2
    done = Dossier.objects.get(code=GOOD["code"])
    assert done.imported and done.status == Status.RETURNED and done.national_status == 10
    assert done.competent_unit == version.agency
    # 15 working days from Monday 06/01/2020 08:30 (worktime; Tết 23–29/01 is off).
    assert done.due_at == done.original_due_at
    assert done.due_at.date() > dt.date(2020, 1, 27)
    assert list(StatusChange.objects.filter(dossier=done).values_list("to_status", flat=True)) == [
        Status.RECEIVED, Status.RESULT_READY, Status.RETURNED,
    ]
    other = Dossier.objects.get(code=pending["code"])
    assert other.due_at == vn(2020, 2, 10, 17, 0)
    # "As of" the 7th both were in process; as of the 31st one is processed early.
    for method in ("exact", "aggregate"):
        early = official_report(date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 1, 7),
                                method=method).total
        assert (early.in_process, early.processed, early.online) == (2, 0, 2)
        late = official_report(date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 1, 31),
                               method=method).total
        assert (late.in_process, late.processed_early) == (1, 1)


@pytest.mark.django_db
def test_version_in_force_at_reception(version, center, tmp_path):
    from motcua.catalog.models import ProcedureVersion, VersionStatus

    # Published versions are immutable through save(); the fixture's date is just moved back.
    ProcedureVersion.objects.filter(pk=version.pk).update(published_at=vn(2019, 1, 1, 0, 0))
    newer = ProcedureVersion.objects.create(
        procedure=version.procedure, number=2, name="Mới", field=version.field,
        agency=version.agency, level=version.level, legal_time_value=5,
        legal_time_unit="working_days", status=VersionStatus.PUBLISHED,
        published_at=vn(2020, 6, 1, 0, 0),
    )
    later = GOOD | {"code": "C-2", "received_at": "2020-07-01T08:00", "finished_at": "2020-07-02T08:00",
                    "returned_at": "2020-07-02T09:00"}
    assert dossiers_import(path=write(tmp_path / "v.csv", [GOOD, later])).ok
    assert Dossier.objects.get(code=GOOD["code"]).procedure_version_id == version.pk
    assert Dossier.objects.get(code="C-2").procedure_version_id == newer.pk


BAD_ROWS = [
    ({"received_at": "06/01/2020"}, "ISO 8601"),
    ({"procedure_code": "9.999999"}, "không có thủ tục"),
    ({"receiving_unit": "000.99.99.H15"}, "không có đơn vị"),
    ({"returned_at": "2020-01-05T08:00:00+07:00"}, "trả kết quả trước thời điểm tiếp nhận"),
    ({"returned_at": ""}, "trạng thái 10"),
    ({"status": "4"}, "không được có finished_at"),
    ({"status": "11"}, "trạng thái"),
    ({"channel": "5"}, "kênh nộp"),
    ({"applicant_id_number": "12345"}, "12 chữ số"),
    ({"applicant_name": ""}, "thiếu applicant_name"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "reason"), BAD_ROWS)
def test_one_bad_row_imports_nothing(version, center, tmp_path, change, reason):
    bad = GOOD | {"code": "C-BAD"} | change
    rejects = tmp_path / "rejects.csv"
    result = dossiers_import(path=write(tmp_path / "b.csv", [GOOD, bad]), rejects=rejects)
    assert not result.ok
    assert Dossier.objects.count() == 0
    with open(rejects, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["dong"], r["ma_ho_so"]) for r in rows] == [("3", "C-BAD")]
    assert reason in rows[0]["ly_do"]


@pytest.mark.django_db
def test_duplicates_in_file_and_in_database(version, center, tmp_path):
    assert dossiers_import(path=write(tmp_path / "1.csv", [GOOD])).ok
    again = GOOD | {"code": "C-NEW"}
    result = dossiers_import(path=write(tmp_path / "2.csv", [GOOD, again, again]))
    assert sorted(r[2] for r in result.errors) == [
        "mã hồ sơ đã có trong hệ thống", "trùng mã hồ sơ với dòng 3",
    ]
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_command_dry_run_and_failure(version, center, tmp_path):
    path = write(tmp_path / "c.csv", [GOOD])
    call_command("dossiers_import", str(path), "--dry-run")
    assert Dossier.objects.count() == 0
    bad = write(tmp_path / "d.csv", [GOOD | {"status": "2"}])
    with pytest.raises(CommandError, match="không nhập hồ sơ nào"):
        call_command("dossiers_import", str(bad), "--rejects", str(tmp_path / "r.csv"))
    assert (tmp_path / "r.csv").exists()


@pytest.mark.django_db
def test_xlsx(version, center, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    row = GOOD | {"received_at": dt.datetime(2020, 1, 6, 8, 30), "channel": 1, "status": 10}
    ws.append([row[c] for c in COLUMNS])
    path = tmp_path / "e.xlsx"
    wb.save(path)
    call_command("dossiers_import", str(path))
    d = Dossier.objects.get()
    assert d.received_at == vn(2020, 1, 6, 8, 30) and d.channel == 1


def test_example_file_is_valid(db, tmp_path):
    """docs/examples/dossiers-example.csv validates against the demo-like units it names."""
    from pathlib import Path

    from tests.factories import CenterFactory, UnitFactory, published_procedure

    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "dossiers-example.csv"
    center = CenterFactory(code="000.00.00.H15")
    commune = CenterFactory(code="000.01.01.H15", kind="commune_center", level="xa")
    agency = UnitFactory(code="000.00.11.H15")
    published_procedure(agency=agency, receiving_units=[center], code="1.001234")
    published_procedure(agency=commune, receiving_units=[commune], code="2.000528", level="xa")
    result = dossiers_import(path=example, dry_run=True)
    assert result.ok, result.errors
    assert result.rows >= 5
