import datetime as dt
from types import SimpleNamespace

from motcua.printing.editions import Edition, FormKey, edition_on, form_edition, form_spec
from tests.factories import vn


def _dossier(received_at, submitted_at=None, created_at=None):
    return SimpleNamespace(
        received_at=received_at, submitted_at=submitted_at, created_at=created_at
    )


def test_dossier_received_before_july_2025_uses_tt01_2018():
    assert form_edition(_dossier(vn(2025, 6, 30, 16, 59))) == Edition.TT01_2018
    assert form_edition(_dossier(vn(2025, 7, 1, 7, 0))) == Edition.TT03_2025


def test_the_switch_is_by_vietnam_date_not_utc():
    # 30/6/2025 17:30 UTC is already 01/7/2025 00:30 in Vietnam.
    late_june_utc = dt.datetime(2025, 6, 30, 17, 30, tzinfo=dt.UTC)
    assert form_edition(_dossier(late_june_utc)) == Edition.TT03_2025


def test_refused_dossier_without_receipt_uses_its_submission_time():
    old = _dossier(None, submitted_at=vn(2024, 11, 4, 9, 0))
    assert form_edition(old) == Edition.TT01_2018


def test_switch_date_is_a_setting(settings):
    settings.MOTCUA_FORMS_TT03_FROM = "2025-09-15"
    assert edition_on(dt.date(2025, 9, 14)) == Edition.TT01_2018
    assert edition_on(dt.date(2025, 9, 15)) == Edition.TT03_2025


def test_old_edition_titles_and_numbers():
    old, new = Edition.TT01_2018, Edition.TT03_2025
    assert form_spec(old, FormKey.APOLOGY).title == "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
    assert form_spec(new, FormKey.APOLOGY).title == (
        "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"
    )
    # The control slip and the register moved up one number when the stop notice was added.
    assert (form_spec(old, FormKey.CONTROL).number, form_spec(new, FormKey.CONTROL).number) == (
        "05", "06",
    )
    assert (form_spec(old, FormKey.REGISTER).number, form_spec(new, FormKey.REGISTER).number) == (
        "06", "07",
    )
    # TT 01/2018 printed its control slip on A5, TT 03/2025 ours on A4.
    assert form_spec(old, FormKey.CONTROL).paper == "A5"
    assert form_spec(new, FormKey.CONTROL).paper == "A4"


def test_stop_notice_has_no_old_edition_and_uses_the_2025_form():
    spec = form_spec(Edition.TT01_2018, FormKey.STOP)
    assert (spec.number, spec.title) == ("05", "Thông báo dừng giải quyết hồ sơ")
    assert "03/2025" in spec.basis
