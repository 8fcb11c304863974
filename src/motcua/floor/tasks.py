"""Periodic jobs (huey) of the floor: the day-before reminders and no-show marking."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from motcua.floor.booking import mark_no_shows, send_reminders


# Late afternoon: the reminder arrives the day before, at a time people read messages.
@db_periodic_task(crontab(minute="0", hour="16"))
def remind_tomorrows_bookings() -> int:
    """Nhắc lịch hẹn ngày mai qua kênh thông báo (the outbox when it comes)."""
    return send_reminders()


@db_periodic_task(crontab(minute="*/15"))
def mark_booking_no_shows() -> int:
    """Đánh dấu không đến: bookings unused after their slot and the grace minutes."""
    return mark_no_shows()
