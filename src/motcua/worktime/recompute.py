"""Recompute stored deadlines (tính lại ngày hẹn trả) after a calendar change.

A pure function over plain rows, so a management command can stream rows from the database in
batches, call this, and write back the ones that changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, time

from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.deadline import Pause
from motcua.worktime.duration import Duration

Row = tuple[datetime, Duration, Iterable[Pause], time | None]


def iter_recompute(rows: Iterable[Row], calendar: WorkCalendar) -> Iterator[datetime]:
    """Lazily yield the deadline of each (start, duration, pauses, cutoff) row."""
    deadline = calendar.deadline
    for start, duration, pauses, cutoff in rows:
        yield deadline(start, duration, pauses=pauses, cutoff=cutoff)


def recompute(rows: Iterable[Row], calendar: WorkCalendar) -> list[datetime]:
    """Deadlines of many stored (start, duration, pauses, cutoff) rows, in order.

    ``cutoff`` is passed through: ``None`` means no cut-off, so a row stored without one should
    carry ``DEFAULT_CUTOFF`` (15:00) or the procedure's own. Build each distinct ``Duration``
    once and share it between rows.

    Raises the first row's error (ValueError) unchanged; callers wanting per-row errors use
    ``iter_recompute`` and catch around ``next``.
    """
    deadline = calendar.deadline
    return [
        deadline(start, duration, pauses=pauses, cutoff=cutoff)
        for start, duration, pauses, cutoff in rows
    ]
