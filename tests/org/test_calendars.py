import datetime as dt

import pytest

from motcua.org.calendars import calendar_for_unit
from motcua.org.models import CalendarOverride, WorkSchedule
from tests.factories import UnitFactory


@pytest.mark.django_db
def test_overrides_from_installation_ancestors_and_unit():
    province = UnitFactory()
    agency = UnitFactory(parent=province)
    other = UnitFactory()
    monday, tuesday, saturday = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 7)
    assert calendar_for_unit(agency).is_working_day(monday)
    CalendarOverride.objects.create(date=monday, kind="day_off", name="Nghỉ toàn tỉnh")
    CalendarOverride.objects.create(unit=province, date=tuesday, kind="day_off", name="Tỉnh")
    CalendarOverride.objects.create(unit=agency, date=saturday, kind="working_day", name="Làm bù")
    cal = calendar_for_unit(agency)
    assert not cal.is_working_day(monday)
    assert not cal.is_working_day(tuesday)
    assert cal.is_working_day(saturday)
    other_cal = calendar_for_unit(other)
    assert not other_cal.is_working_day(monday)
    assert other_cal.is_working_day(tuesday) and not other_cal.is_working_day(saturday)


@pytest.mark.django_db
def test_nearer_unit_wins_and_cache_is_invalidated():
    province = UnitFactory()
    agency = UnitFactory(parent=province)
    day = dt.date(2026, 3, 4)
    CalendarOverride.objects.create(unit=province, date=day, kind="day_off", name="Tỉnh nghỉ")
    assert not calendar_for_unit(agency).is_working_day(day)
    row = CalendarOverride.objects.create(unit=agency, date=day, kind="working_day", name="Làm")
    assert calendar_for_unit(agency).is_working_day(day)
    row.delete()
    assert not calendar_for_unit(agency).is_working_day(day)
    # An in-place edit is seen through the post_save signal.
    first = CalendarOverride.objects.get(unit=province, date=day)
    first.kind = "working_day"
    first.save()
    assert calendar_for_unit(agency).is_working_day(day)


@pytest.mark.django_db
def test_cancel_holiday_and_schedule_sessions():
    unit = UnitFactory()
    holiday = dt.date(2026, 4, 30)
    assert not calendar_for_unit(unit).is_working_day(holiday)
    CalendarOverride.objects.create(unit=unit, date=holiday, kind="cancel_holiday", name="Bỏ")
    assert calendar_for_unit(unit).is_working_day(holiday)
    WorkSchedule.objects.create(unit=unit, effective_from=dt.date(2020, 1, 1),
                                sessions="07:30-11:30,13:00-17:00")
    cal = calendar_for_unit(unit)
    assert cal.day_length == dt.timedelta(hours=8)
    assert cal.sessions[0][0] == dt.time(7, 30)
