import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from motcua.dossiers.states import Status
from tests.factories import vn
from tests.reports.helpers import make_dossier, record


@pytest.fixture
def data(version, version2, center):
    a = make_dossier(version, received_at=vn(2020, 1, 6, 8), due_at=vn(2020, 1, 10, 17),
                     receiving_unit=center, channel=2)
    record(a, Status.RESULT_READY, vn(2020, 1, 14, 9))  # late
    record(a, Status.RETURNED, vn(2020, 1, 15, 9))
    make_dossier(version2, received_at=vn(2020, 1, 7, 8), due_at=vn(2020, 1, 30, 17),
                 receiving_unit=center)
    b = make_dossier(version2, received_at=vn(2019, 12, 20, 8), due_at=vn(2020, 1, 8, 17),
                     receiving_unit=center, channel=3)
    record(b, Status.SUPPLEMENT_REQUESTED, vn(2020, 1, 9, 8))  # paused after its due


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_to_stdout(data):
    body = json.loads(run("--from", "2019-12-31", "--to", "2020-01-22",
                          "--as-of", "2020-01-22T17:00", "--by", "agency"))
    assert body["as_of"] == "2020-01-22T17:00:00+07:00"
    assert body["method"] == "exact"  # 17:00 is not the end of a day
    assert body["working_days"] == 16
    total = body["total"]
    assert total["received"] == {"total": 3, "carried_over": 1, "new": 2, "online": 1,
                                 "counter": 1, "post": 0}
    assert total["processed"] == {"total": 1, "early": 0, "on_time": 0, "late": 1}
    assert total["in_process"] == {"total": 1, "on_time": 1, "overdue": 0}
    assert total["paused"] == {"total": 1, "on_time": 0, "overdue": 1}
    assert total["rates"]["on_time"] == 0.0
    assert total["rates"]["online"] == 50.0
    assert [r["label"] for r in body["rows"]] == ["Sở Xây dựng", "Sở Tư pháp"]


@pytest.mark.django_db
def test_as_of_before_return(data):
    body = json.loads(run("--from", "2020-01-01", "--to", "2020-01-31", "--as-of", "2020-01-13",
                          "--by", "channel"))
    assert body["method"] == "aggregate"
    online = next(r for r in body["rows"] if r["key"] == 2)
    # Returned on the 15th, late since the 10th: in process and overdue as of the 13th.
    assert online["in_process"] == {"total": 1, "on_time": 0, "overdue": 1}
    assert online["label"] == "Trực tuyến"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2020-01-22", "--to", "2020-01-01"], "Ngày kết thúc"),
        (["--from", "2020-01-01", "--to", "2020-01-31", "--by", "xyz"], "Cách nhóm"),
        (["--from", "2020-01-10", "--to", "2020-01-31", "--as-of", "2020-01-05"], "không được trước"),
        (["--from", "2020-02-30", "--to", "2020-03-01"], "không hợp lệ"),
        (["--from", "2020-01-01", "--to", "2020-01-31", "--as-of", "hôm qua"], "không hợp lệ"),
        (["--from", "2020-01-01", "--to", "2020-01-31", "--format", "doc"], "Định dạng"),
        (["--from", "2020-01-01", "--to", "2020-01-31", "--format", "pdf"], "--output"),
        (["--from", "2020-01-01", "--to", "2020-01-31", "--agency", "nope"], "Không tìm thấy"),
    ],
)
def test_bad_input(data, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


@pytest.mark.django_db
def test_xlsx_layout(data, tmp_path):
    path = tmp_path / "r.xlsx"
    run("--from", "2019-12-31", "--to", "2020-01-22", "--format", "xlsx", "--output", str(path))
    ws = load_workbook(path).active
    assert "BÁO CÁO" in ws["A1"].value
    assert ws["A2"].value.startswith("Kỳ báo cáo: từ ngày 31/12/2019 đến ngày 22/01/2020")
    groups = [ws.cell(6, c).value for c in range(1, 30) if ws.cell(6, c).value]
    assert groups[:6] == ["STT", "Cơ quan giải quyết", "Tiếp nhận", "Đã xử lý", "Đang xử lý",
                          "Tạm dừng xử lý"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "C6:H6" in merged and "I6:L6" in merged
    assert ws.cell(7, 4).value == "Kỳ trước chuyển sang"
    total_row = ws.max_row
    assert ws.cell(total_row, 2).value == "Tổng cộng"
    assert ws.cell(total_row, 3).value == 3


@pytest.mark.django_db
def test_pdf(data, tmp_path):
    path = tmp_path / "r.pdf"
    run("--from", "2019-12-31", "--to", "2020-01-22", "--format", "pdf", "--output", str(path))
    assert path.read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
def test_pdf_html_has_diacritics_and_font(data):
    import datetime as dt

    from motcua.reports.engine import official_report
    from motcua.reports.exports import to_html

    html = to_html(official_report(date_from=dt.date(2019, 12, 31), date_to=dt.date(2020, 1, 22)))
    assert "DejaVu Sans" in html and "A4 landscape" in html
    assert "Tạm dừng xử lý" in html and "Sở Xây dựng" in html


@pytest.mark.django_db
def test_csv_dossier_list(data, tmp_path):
    path = tmp_path / "r.csv"
    run("--from", "2020-01-01", "--to", "2020-01-31", "--as-of", "2020-01-14T12:00",
        "--format", "csv", "--output", str(path))
    with open(path, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3
    by_code = {r["Mã thủ tục"]: r for r in rows}
    late = next(r for r in rows if r["Kênh nộp"] == "Trực tuyến")
    assert late["Tiến độ"] == "Quá hạn" and late["Nhóm"] == "Đã xử lý"
    assert late["Kết thúc xử lý lúc"] == "14/01/2020 09:00"
    assert late["Trả kết quả lúc"] == ""  # returned on the 15th, after the as-of instant
    assert late["Mã trạng thái"] == "9"
    assert "2.000002" in by_code


@pytest.mark.django_db
def test_csv_prints_the_status_at_the_as_of_instant(data, tmp_path):
    """Returned on the 15th: as of the 20th the list says 10 (returned), not the status its
    processing ended with (9), though it still counts as processed on the 14th."""
    path = tmp_path / "r.csv"
    run("--from", "2020-01-01", "--to", "2020-01-31", "--as-of", "2020-01-20T12:00",
        "--format", "csv", "--output", str(path))
    with open(path, encoding="utf-8-sig") as fh:
        late = next(r for r in csv.DictReader(fh) if r["Kênh nộp"] == "Trực tuyến")
    assert late["Mã trạng thái"] == "10" and late["Trạng thái"] == "Đã trả kết quả"
    assert late["Trả kết quả lúc"] == "15/01/2020 09:00"
    assert late["Kết thúc xử lý lúc"] == "14/01/2020 09:00" and late["Nhóm"] == "Đã xử lý"


@pytest.mark.django_db
def test_exports_stay_vietnamese_when_english_is_active(data, tmp_path):
    from django.utils import translation

    path = tmp_path / "r.csv"
    with translation.override("en"):
        run("--from", "2020-01-01", "--to", "2020-01-31", "--as-of", "2020-01-14T12:00",
            "--format", "csv", "--output", str(path))
        assert translation.get_language() == "en"  # the caller's language is given back
    with open(path, encoding="utf-8-sig") as fh:
        channels = {r["Kênh nộp"] for r in csv.DictReader(fh)}
    assert channels == {"Trực tuyến", "Trực tiếp", "Bưu chính công ích"}
