"""The converter from the shared sample to the catalog JSON: real values kept, nothing invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motcua.demo import convert
from motcua.demo.units import BY_KEY, CENTER, COMMUNE_CENTERS, code_of, level1

SHARED = Path("/work/shared/data/procedures-sample.json")


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(convert.DATA_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_code(shipped) -> dict:
    return {p["code"]: p for p in shipped["procedures"]}


@pytest.fixture(scope="module")
def source_rows() -> list[dict]:
    if not SHARED.exists():
        pytest.skip("the shared sample is not available here")
    return json.loads(SHARED.read_text(encoding="utf-8"))


def test_shipped_json_is_what_the_converter_makes_of_the_shared_sample(shipped, source_rows):
    assert convert.convert(source_rows) == shipped


def test_every_real_row_is_kept_with_its_code(shipped, source_rows):
    assert [p["code"] for p in shipped["procedures"]] == [r["code"] for r in source_rows]
    assert len(shipped["fields"]) == 16


def test_time_limits_are_the_published_ones_and_null_stays_null(by_code, source_rows):
    units = {"ngay_lam_viec": "working_days", "ngay": "calendar_days", "gio_lam_viec": "working_hours"}
    for row in source_rows:
        legal = by_code[row["code"]]["legal_time"]
        if row["time_limit"] is None:
            assert legal is None, row["code"]
            if row["code"] not in convert.DEMO_LIMITS:
                assert by_code[row["code"]]["steps"] == [], row["code"]
        else:
            assert legal == {"value": row["time_limit"], "unit": units[row["time_unit"]]}


@pytest.mark.parametrize(
    ("code", "legal", "fees"),
    [
        # Chứng thực giao dịch: no time limit published, one clear fee.
        ("2.001035", None, [50000]),
        # Môi giới bất động sản: 10 working days, 300.000 đồng/chứng chỉ.
        ("1.012906", {"value": 10, "unit": "working_days"}, [300000]),
        # Hộ chiếu: two amounts in the text, so no Fee row is guessed.
        ("1.001456", {"value": 8, "unit": "working_days"}, []),
        # C/O: 8 working hours.
        ("1.000603", {"value": 8, "unit": "working_hours"}, []),
    ],
)
def test_spot_check_against_the_shared_sample(by_code, source_rows, code, legal, fees):
    row = next(r for r in source_rows if r["code"] == code)
    proc = by_code[code]
    assert proc["legal_time"] == legal
    assert [f["amount"] for f in proc["fees"]] == fees
    assert proc["fee_text"] == row["fee"]
    assert proc["name"] == row["name"]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("8.000 VNĐ", 8000),
        ("50.000 đồng/giao dịch", 50000),
        ("2.300.000 đồng/01 cơ sở/lần (thẩm định cấp giấy chứng nhận)", 2300000),
        ("Miễn phí", None),
        ("", None),
        (None, None),
        ("20.000 đồng (nộp trực tiếp); 10.000 đồng/lần đăng ký (nộp trực tuyến)", None),
        ("50.000 đồng/thẻ căn cước (ghi chú nguồn: có mức thu riêng từ 01/01/2025)", None),
        ("Từ 01/01/2026 theo Thông tư; trang nguồn ghi '90 VNĐ'", None),
    ],
)
def test_a_fee_row_only_for_one_clear_amount(text, amount):
    fees = convert.parse_fee(text)
    assert [f["amount"] for f in fees] == ([amount] if amount is not None else [])


@pytest.mark.parametrize(
    ("text", "mandatory", "condition"),
    [
        ("Văn bản ủy quyền (trường hợp ủy quyền)", False, "trường hợp ủy quyền"),
        ("Bản sao chứng chỉ hành nghề đã được cấp (nếu có)", False, "nếu có"),
        ("Giấy tờ khác theo từng trường hợp", False, "trường hợp"),
        ("Giấy tờ chứng minh là người đại diện (đối với người dưới 14 tuổi)", False,
         "đối với người dưới 14 tuổi"),
        ("Bản sao giấy tờ pháp lý của cá nhân đối với chủ doanh nghiệp tư nhân", True, ""),
        ("Văn bản đề nghị (Mẫu I.1.1) hoặc (Mẫu I.1.5), tùy trường hợp", True, ""),
        ("Đơn đăng ký đất đai, tài sản gắn liền với đất", True, ""),
    ],
)
def test_documents_are_mandatory_unless_they_name_a_case(text, mandatory, condition):
    doc = convert.parse_document(text)
    assert (doc["mandatory"], doc["condition"]) == (mandatory, condition)


def test_document_form_and_copies():
    assert convert.parse_document("02 bộ bản vẽ thiết kế xây dựng")["copies"] == 2
    assert convert.parse_document("Giấy tờ tùy thân (xuất trình)")["form"] == "present"
    assert convert.parse_document("Bản sao chứng thực bằng tốt nghiệp")["form"] == "certified_copy"
    assert convert.parse_document("Tờ khai theo mẫu")["form"] == "original"


@pytest.mark.parametrize("total", [1, 6, 8, 16, 24, 32, 39.5, 40, 56, 160, 240])
def test_step_budget_adds_up_to_the_time_limit(total):
    steps = convert.make_steps(total)
    assert sum(s["hours"] for s in steps) == pytest.approx(total)
    assert all(s["hours"] >= 0.25 for s in steps)
    assert [s["role"] for s in steps][0] == "reception"
    assert [s["role"] for s in steps][-1] == "reception"


def test_long_limits_keep_the_typical_budget_and_give_the_rest_to_appraisal():
    steps = convert.make_steps(80)
    assert [s["hours"] for s in steps] == [4, 4, 48, 8, 8, 4, 4]


def test_calendar_days_budget_only_counts_sure_weekdays():
    assert convert.budget_hours(10, "calendar_days") == 7 * 8
    assert convert.budget_hours(3, "working_days") == 24
    assert convert.budget_hours(None, None) is None


def test_demo_flags_and_committed_limits(by_code):
    on_site = {c for c, p in by_code.items() if p["five_on_site"]}
    assert on_site == set(convert.FIVE_ON_SITE)
    assert 2 <= len(on_site) <= 3
    for code in on_site:
        assert by_code[code]["legal_time"] is not None
        assert convert.budget_hours(**_vu(by_code[code]["legal_time"])) <= 16
    committed = {c: p for c, p in by_code.items() if p["committed_time"]}
    assert set(committed) == set(convert.COMMITTED) | set(convert.DEMO_LIMITS)
    for code in convert.DEMO_LIMITS:
        # A limit where the source has none: labelled, the legal limit left empty.
        proc = committed.pop(code)
        assert proc["legal_time"] is None and proc["steps"]
        assert "minh họa" in proc["time_note"]
    for proc in committed.values():
        assert proc["committed_time"]["unit"] == proc["legal_time"]["unit"]
        assert proc["committed_time"]["value"] < proc["legal_time"]["value"]
        assert "minh họa" in proc["time_note"]


def _vu(t):
    return {"value": t["value"], "unit": t["unit"]}


def test_agencies_and_receiving_units_are_demo_units(by_code):
    known = {spec.code("000.00.00.H15") for spec in BY_KEY.values()}
    commune_centers = [c.code("000.00.00.H15") for c in COMMUNE_CENTERS]
    for proc in by_code.values():
        assert proc["agency"] in known
        assert set(proc["receiving_units"]) <= known
        if proc["boundary_free"]:
            assert set(proc["receiving_units"]) == {CENTER.code("000.00.00.H15"), *commune_centers}
        elif proc["level"] == "xa":
            assert proc["receiving_units"] == commune_centers
        else:
            assert proc["receiving_units"] == [CENTER.code("000.00.00.H15")]
    # Another province's agency maps to Đắk Lắk's, and the original text stays in the note.
    work_permit = by_code["1.014199.H05"]
    assert work_permit["agency"] == code_of("bqlkcn")
    assert "Ban Quản lý các Khu công nghiệp tỉnh Bắc Ninh" in work_permit["note"]
    assert by_code["1.001193"]["agency"] == code_of("bmt")


def test_the_longest_published_name_is_kept_whole(by_code, source_rows):
    row = next(r for r in source_rows if r["code"] == "1.013831")
    assert len(row["name"]) > 500
    assert by_code["1.013831"]["name"] == row["name"]


def test_a_name_longer_than_the_column_is_cut_at_a_clause():
    long_name = "Thủ tục " + "; ".join(f"trường hợp {i}" for i in range(200))
    cut = convert.short_name(long_name)
    assert len(cut) <= convert.NAME_MAX
    assert cut.endswith("…")


def test_unit_codes_follow_the_province_code():
    assert level1("000.00.00.H15") == "H15"
    assert CENTER.code("000.00.00.H99") == "000.00.01.H99"
    assert BY_KEY["tt_bmt"].code("000.00.00.H15") == "000.01.41.H15"
    assert BY_KEY["tt_bmt"].code_qd20("000.00.00.H15") == "H15.41.01"
    with pytest.raises(ValueError):
        level1("H15")


def test_an_unknown_agency_fails_instead_of_guessing():
    row = {
        "code": "1.000001", "name": "X", "field": "Hộ tịch", "agency": "Sở Không Có",
        "level": "tinh", "time_limit": None, "time_unit": None, "fee": None,
        "documents": None, "online": None, "source": "", "note": None,
    }
    with pytest.raises(convert.ConversionError):
        convert.convert_row(row)
