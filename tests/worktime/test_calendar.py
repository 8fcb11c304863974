"""Working days (ngày làm việc): national data, official swaps, local overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest

from motcua.worktime import NGAY_VAN_HOA_VIET_NAM, WorkCalendar
from motcua.worktime.national import package_differences

# (date, working?) around Tết 2020, 2025, 2026 and the swapped days (domain §4.4).
DAYS = [
    # 2020, Labour Code 2012: Tết off Thu 23/01 to Wed 29/01; Quốc khánh one day.
    (date(2020, 1, 1), False),
    (date(2020, 1, 2), True),
    (date(2020, 1, 22), True),
    *[(date(2020, 1, d), False) for d in range(23, 30)],
    (date(2020, 1, 30), True),
    (date(2020, 4, 2), False),
    (date(2020, 4, 30), False),
    (date(2020, 5, 1), False),
    (date(2020, 9, 1), True),
    (date(2020, 9, 2), False),
    (date(2020, 9, 3), True),
    # 2025: Tết 27/01-31/01 (Tết day 29/01); 30/4, 01/5, Fri 02/5 off, Sat 26/4 worked.
    (date(2025, 1, 24), True),
    *[(date(2025, 1, d), False) for d in range(27, 32)],
    (date(2025, 2, 1), False),
    (date(2025, 2, 3), True),
    (date(2025, 4, 7), False),
    (date(2025, 4, 26), True),
    (date(2025, 4, 27), False),
    (date(2025, 4, 29), True),
    (date(2025, 4, 30), False),
    (date(2025, 5, 1), False),
    (date(2025, 5, 2), False),
    (date(2025, 5, 5), True),
    (date(2025, 9, 1), False),
    (date(2025, 9, 2), False),
    (date(2025, 9, 3), True),
    # 2026: Tết Mon 16/02 to Fri 20/02; Giỗ Tổ Sun 26/04 -> Mon 27/04 off;
    # Quốc khánh Tue 01/09 + Wed 02/09, Mon 31/08 off, Sat 22/08 worked; 24/11 off.
    (date(2026, 1, 1), False),
    (date(2026, 1, 2), True),
    (date(2026, 2, 13), True),
    *[(date(2026, 2, d), False) for d in range(14, 23)],
    (date(2026, 2, 23), True),
    (date(2026, 4, 26), False),
    (date(2026, 4, 27), False),
    (date(2026, 4, 28), True),
    (date(2026, 4, 30), False),
    (date(2026, 5, 1), False),
    (date(2026, 8, 21), True),
    (date(2026, 8, 22), True),
    (date(2026, 8, 23), False),
    (date(2026, 8, 29), False),
    (date(2026, 8, 31), False),
    (date(2026, 9, 1), False),
    (date(2026, 9, 2), False),
    (date(2026, 9, 3), True),
    (date(2026, 11, 24), False),
]


@pytest.mark.parametrize(("day", "working"), DAYS, ids=[str(d) for d, _ in DAYS])
def test_official_calendar(cal, day, working):
    assert cal.is_working_day(day) is working


def test_source_article_16_working_days(cal):
    # 31/12/2019 to 22/01/2020 inclusive: 1/1/2020 is a holiday, Tết off starts 23/01/2020.
    assert cal.working_days_between(date(2019, 12, 31), date(2020, 1, 22)) == 16
    assert cal.add_working_days(date(2019, 12, 30), 16) == date(2020, 1, 22)
    assert cal.add_working_days(date(2019, 12, 30), 17) == date(2020, 1, 30)


def test_working_days_between_edges(cal):
    assert cal.working_days_between(date(2026, 8, 22), date(2026, 8, 22)) == 1
    assert cal.working_days_between(date(2026, 8, 23), date(2026, 8, 23)) == 0
    assert cal.working_days_between(date(2026, 9, 3), date(2026, 8, 21)) == 0
    # 21/08 Fri, 22/08 Sat (make-up), 24-28/08, then 31/08-02/09 off, 03/09.
    assert cal.working_days_between(date(2026, 8, 21), date(2026, 9, 3)) == 8


def _naive_add(cal, d, n):
    step = 1 if n > 0 else -1
    found = 0
    while found < abs(n):
        d += timedelta(days=step)
        found += cal.is_working_day(d)
    return d


def test_add_working_days_matches_day_by_day_loop_2019_2030(cal):
    d = date(2019, 1, 1)
    while d <= date(2030, 12, 31):
        for n in (1, 2, 3, 5, 10, 22, -1, -3):
            assert cal.add_working_days(d, n) == _naive_add(cal, d, n), (d, n)
        d += timedelta(days=1)


def test_working_days_between_matches_count(cal):
    start = date(2024, 12, 20)
    for span in range(0, 80):
        end = start + timedelta(days=span)
        expected = sum(cal.is_working_day(start + timedelta(days=i)) for i in range(span + 1))
        assert cal.working_days_between(start, end) == expected


def test_agrees_with_holidays_package_prefill(cal):
    # Our national calendar = package pre-fill + checked notices; with the installed package
    # they agree on every date. A failure after upgrading `holidays` means the release changed
    # a Vietnamese date: check it against the official notice before accepting it.
    pkg = holidays.country_holidays("VN", years=range(2015, 2041))
    first, last = cal.supported_range
    d = first
    while d <= last:
        assert cal.is_working_day(d) == pkg.is_working_day(d), d
        d += timedelta(days=1)
    assert package_differences(range(2015, 2041)) == []


def test_switch_off_culture_day():
    cal = WorkCalendar.vietnam(switched_off=[NGAY_VAN_HOA_VIET_NAM])
    assert cal.is_working_day(date(2026, 11, 24))
    # 24/11/2029 is a Saturday; its nghỉ bù Monday goes with it.
    assert cal.is_working_day(date(2029, 11, 26))
    assert not WorkCalendar.vietnam().is_working_day(date(2029, 11, 26))
    # Nothing else moved.
    assert not cal.is_working_day(date(2026, 9, 2))


def test_overrides_return_a_new_calendar(cal):
    local = cal.with_overrides(
        extra_holidays={date(2026, 3, 10): "Giải phóng tỉnh"},
        extra_working_days=[date(2026, 3, 14)],
        removed_holidays=[date(2026, 11, 24)],
    )
    assert not local.is_working_day(date(2026, 3, 10))
    assert local.is_working_day(date(2026, 3, 14))  # a Saturday
    assert local.is_working_day(date(2026, 11, 24))
    assert local.describe(date(2026, 3, 10)).name == "Giải phóng tỉnh"
    # The national calendar is untouched.
    assert cal.is_working_day(date(2026, 3, 10))
    assert not cal.is_working_day(date(2026, 3, 14))
    # Overrides accumulate, and a later row wins over an earlier one on the same date.
    again = local.with_overrides(extra_working_days=[date(2026, 3, 10)])
    assert again.is_working_day(date(2026, 3, 10))
    assert again.is_working_day(date(2026, 3, 14))
    assert again.is_working_day(date(2026, 11, 24))


def test_extra_holiday_beats_official_make_up_day(cal):
    local = cal.with_overrides(extra_holidays=[date(2026, 8, 22)])
    assert not local.is_working_day(date(2026, 8, 22))


def test_describe(cal):
    info = cal.describe(date(2026, 8, 22))
    assert info.working and "làm bù" in info.name and "9859/VPCP-KGVX" in info.source
    info = cal.describe(date(2026, 8, 31))
    assert not info.working and "9859/VPCP-KGVX" in info.source
    assert cal.describe(date(2026, 8, 23)).name == "Chủ Nhật"
    assert cal.describe(date(2026, 8, 24)).working
    assert "2012" in cal.describe(date(2020, 9, 2)).source
    assert cal.holidays[date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert date(2025, 4, 26) in cal.make_up_days


def test_provisional_years(cal):
    assert not cal.is_provisional(2026)
    assert cal.is_provisional(2027)


def test_calendar_from_rows_only():
    cal = WorkCalendar(
        holidays={date(2030, 1, 1): "Tết Dương lịch"},
        use_national=False,
        years=range(2030, 2031),
    )
    assert not cal.is_working_day(date(2030, 1, 1))
    assert cal.is_working_day(date(2030, 1, 2))
    assert cal.supported_range == (date(2030, 1, 1), date(2030, 12, 31))


def test_other_sessions_and_weekend():
    cal = WorkCalendar(
        [(time(7, 30), time(11, 30)), (time(13, 0), time(16, 0))],
        weekend=(6,),
        use_national=False,
        years=range(2026, 2027),
    )
    assert cal.day_length == timedelta(hours=7)
    assert cal.is_working_day(date(2026, 8, 29))  # Saturday works with a Sunday-only weekend
    assert not cal.is_working_day(date(2026, 8, 30))
    assert cal.online_cutoff() == time(15, 0)


def test_is_working_day_takes_aware_datetimes(cal):
    # 23:30 UTC on Friday 21/08 is Saturday 22/08 06:30 in Vietnam: a make-up working day.
    assert cal.is_working_day(datetime(2026, 8, 21, 23, 30, tzinfo=UTC))
    # 23:30 UTC on Saturday 22/08 is Sunday 23/08 in Vietnam.
    assert not cal.is_working_day(datetime(2026, 8, 22, 23, 30, tzinfo=UTC))
