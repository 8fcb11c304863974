"""Periodic jobs (huey): deadline warnings every 15 minutes, expired supplements daily."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from motcua.dossiers.services import deadline_warnings_send, supplements_close_expired


@db_periodic_task(crontab(minute="*/15"))
def send_deadline_warnings() -> int:
    return len(deadline_warnings_send(now=timezone.now()))


@db_periodic_task(crontab(minute="5", hour="0"))
def close_expired_supplements() -> int:
    return len(supplements_close_expired(now=timezone.now()))
