"""A unit's working calendar (lịch làm việc của đơn vị) from database rows.

``calendar_for_unit(unit)`` = ``WorkCalendar.vietnam()`` + the installation-wide
``CalendarOverride`` rows + those of the unit's ancestors + the unit's own (a nearer unit wins on
the same date), with the sessions of the newest ``WorkSchedule`` in effect (the unit's own, else
the nearest ancestor's, else installation-wide).

Calendars (with the unit's cut-off) are cached per process, keyed by unit, a version number
bumped by the post_save / post_delete signals of both models, and a fingerprint of the rows
(count and newest id, read in one query), so a row added or deleted by another process (admin,
import) is seen too. An in-place edit made by another process is seen after that process's
signal or a restart. Building the national base calendar is the costly part (~0.25 s) and is
done once per process.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from motcua.org.models import CalendarOverride, CalendarOverrideKind, Unit, WorkSchedule
from motcua.worktime import WorkCalendar

_VERSION_KEY = "motcua:calendar-version"
_lock = threading.Lock()
_cache: dict[tuple, UnitCalendar] = {}
_MAX_ENTRIES = 4096


@dataclass(frozen=True, slots=True)
class UnitCalendar:
    """A unit's working calendar and the cut-off (giờ chốt) of its schedule, built together
    because intake needs both and each lookup costs a fingerprint query."""

    calendar: WorkCalendar
    cutoff: dt.time | None


@lru_cache(maxsize=1)
def national_calendar() -> WorkCalendar:
    return WorkCalendar.vietnam()


def _version() -> int:
    return cache.get(_VERSION_KEY, 0)


def invalidate() -> None:
    """Forget every cached unit calendar (called when an override or schedule changes)."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, None)
    with _lock:
        _cache.clear()


def _parse_sessions(text: str) -> tuple[tuple[dt.time, dt.time], ...]:
    sessions = []
    for part in text.split(","):
        start, end = part.strip().split("-")
        sessions.append((dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())))
    return tuple(sessions)


def _chain(unit: Unit | None) -> list[int | None]:
    """Unit ids from the installation (None) down to the unit itself."""
    if unit is None:
        return [None]
    return [None, *[u.pk for u in reversed(unit.ancestors())], unit.pk]


def schedule_for_unit(unit: Unit | None, on: dt.date | None = None) -> WorkSchedule | None:
    """The office hours in effect for ``unit`` on ``on`` (nearest unit first)."""
    on = on or timezone.localdate()
    chain = _chain(unit)
    rows = list(
        WorkSchedule.objects.filter(effective_from__lte=on)
        .filter(unit_id__in=[u for u in chain if u is not None])
        .order_by("-effective_from")
    ) + list(
        WorkSchedule.objects.filter(effective_from__lte=on, unit__isnull=True).order_by(
            "-effective_from"
        )
    )
    for unit_id in reversed(chain):
        for row in rows:
            if row.unit_id == unit_id:
                return row
    return None


def cutoff_for_unit(unit: Unit | None) -> dt.time | None:
    return unit_calendar(unit).cutoff


def _build(unit: Unit | None) -> UnitCalendar:
    chain = _chain(unit)
    rows = CalendarOverride.objects.filter(unit_id__in=[u for u in chain if u is not None])
    rows = list(rows) + list(CalendarOverride.objects.filter(unit__isnull=True))
    rank = {u: i for i, u in enumerate(chain)}
    chosen: dict[dt.date, CalendarOverride] = {}
    for row in sorted(rows, key=lambda r: rank[r.unit_id]):
        chosen[row.date] = row  # nearer units come later and win
    off = {d: r.name for d, r in chosen.items() if r.kind == CalendarOverrideKind.DAY_OFF}
    work = {d: r.name for d, r in chosen.items() if r.kind == CalendarOverrideKind.WORKING_DAY}
    removed = [d for d, r in chosen.items() if r.kind == CalendarOverrideKind.CANCEL_HOLIDAY]
    schedule = schedule_for_unit(unit)
    sessions = _parse_sessions(schedule.sessions) if schedule else None
    cutoff = schedule.cutoff if schedule else None
    base = national_calendar()
    if not off and not work and not removed and sessions in (None, base.sessions):
        return UnitCalendar(base, cutoff)
    return UnitCalendar(
        base.with_overrides(
            extra_holidays=off, extra_working_days=work, removed_holidays=removed,
            sessions=sessions,
        ),
        cutoff,
    )


def _fingerprint() -> tuple:
    """Row counts and newest ids: catches rows added or deleted by another process.

    One round trip for both tables: this runs on every lookup, so on every intake.
    """
    overrides = connection.ops.quote_name(CalendarOverride._meta.db_table)
    schedules = connection.ops.quote_name(WorkSchedule._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {overrides}), (SELECT COUNT(*) FROM {overrides}), "
            f"(SELECT MAX(id) FROM {schedules}), (SELECT COUNT(*) FROM {schedules})"
        )
        return tuple(cursor.fetchone())


def unit_calendar(unit: Unit | None) -> UnitCalendar:
    """The working calendar and cut-off of ``unit`` (None: installation-wide)."""
    key = (getattr(unit, "pk", None), _version(), _fingerprint(), timezone.localdate())
    with _lock:
        found = _cache.get(key)
    if found is not None:
        return found
    built = _build(unit)
    with _lock:
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()  # keys of past days and fingerprints are never asked for again
        _cache[key] = built
    return built


def calendar_for_unit(unit: Unit | None) -> WorkCalendar:
    """The working calendar of ``unit`` (None: installation-wide)."""
    return unit_calendar(unit).calendar


@receiver(post_save, sender=CalendarOverride)
@receiver(post_delete, sender=CalendarOverride)
@receiver(post_save, sender=WorkSchedule)
@receiver(post_delete, sender=WorkSchedule)
def _invalidate_on_change(**kwargs) -> None:
    invalidate()
