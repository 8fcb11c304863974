"""When the courier comes (lịch lấy hồ sơ): each center's pickup times on its working days."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from motcua.org.calendars import calendar_for_unit
from motcua.org.models import RECEIVING_KINDS, Unit

DEFAULT_TIMES = ("09:00", "11:00", "14:00", "16:00")


def _parse(text: str) -> dt.time:
    hours, minutes = text.strip().split(":")
    return dt.time(int(hours), int(minutes))


def pickup_times(center: Unit) -> list[dt.time]:
    """The center's active pickup times, else the configured default ones."""
    from motcua.courier.models import PickupTime

    times = list(PickupTime.objects.filter(center=center, is_active=True)
                 .order_by("time").values_list("time", flat=True))
    if times:
        return times
    return sorted(_parse(t) for t in getattr(settings, "MOTCUA_COURIER_PICKUP_TIMES",
                                              DEFAULT_TIMES))


def is_working_day(center: Unit, day: dt.date) -> bool:
    return calendar_for_unit(center).is_working_day(day)


def holiday_name(center: Unit, day: dt.date) -> str:
    info = calendar_for_unit(center).describe(day)
    return getattr(info, "name", "") or "ngày nghỉ"


def local(at: dt.datetime) -> dt.datetime:
    return timezone.localtime(at)


def run_times(center: Unit, day: dt.date) -> list[dt.datetime]:
    """The runs of ``day`` (aware datetimes), none on a day off."""
    if not is_working_day(center, day):
        return []
    zone = timezone.get_current_timezone()
    return [dt.datetime.combine(day, t, tzinfo=zone) for t in pickup_times(center)]


def courier_centers():
    """The units courier runs leave from: the one-stop centers."""
    return Unit.objects.filter(kind__in=list(RECEIVING_KINDS), is_active=True)
