import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.models import TimeUnit
from motcua.printing.formatting import (
    date_words,
    duration_text,
    moment_words,
    number_text,
    place_date,
    short_moment,
)
from tests.factories import vn


def test_moment_is_written_in_vietnam_time_to_the_minute():
    # 01:30 UTC is 08:30 in Vietnam; seconds are not printed.
    utc = dt.datetime(2026, 3, 2, 1, 30, 59, tzinfo=dt.UTC)
    assert moment_words(utc) == "08 giờ 30 phút, ngày 02 tháng 3 năm 2026"


def test_evening_utc_is_next_day_in_vietnam():
    assert date_words(dt.datetime(2026, 3, 9, 18, 0, tzinfo=dt.UTC)) == "ngày 10 tháng 3 năm 2026"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (dt.date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (dt.date(2026, 3, 1), "ngày 01 tháng 3 năm 2026"),
        (dt.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_leading_zero_for_small_days_and_months_one_and_two(day, expected):
    assert date_words(day) == expected


def test_unknown_moment_leaves_blanks_to_fill_by_hand():
    assert moment_words(None) == "…… giờ …… phút, ngày …… tháng …… năm ……"


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        moment_words(dt.datetime(2026, 3, 2, 8, 0))


def test_register_moment_is_24_hour():
    assert short_moment(vn(2026, 3, 2, 14, 5)) == "14:05 02/03/2026"


def test_durations_and_decimal_comma():
    assert duration_text(Decimal("15.00"), TimeUnit.WORKING_DAYS) == "15 ngày làm việc"
    assert duration_text(Decimal("4"), TimeUnit.WORKING_HOURS) == "4 giờ làm việc"
    assert duration_text(30, TimeUnit.CALENDAR_DAYS) == "30 ngày"
    assert duration_text(None, TimeUnit.CALENDAR_DAYS) == ""
    assert number_text(Decimal("0.50")) == "0,5"


def test_place_date_line():
    assert place_date("Đắk Lắk", dt.date(2026, 3, 2)) == "Đắk Lắk, ngày 02 tháng 3 năm 2026"
