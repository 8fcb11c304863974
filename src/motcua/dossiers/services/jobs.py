"""Periodic jobs (run by ``dossiers.tasks``): deadline warnings and closing dossiers whose
supplement never came."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction

from motcua.audit.services import audit_record
from motcua.core.errors import Conflict
from motcua.dossiers.models import DeadlineWarning, Dossier, DossierPause, PauseKind
from motcua.dossiers.services.actions import system_act
from motcua.dossiers.services.common import (
    dossier_calendar,
    format_time,
    local_date,
    resolve_now,
)
from motcua.dossiers.states import PAUSED, PROCESSING_ENDED, Status
from motcua.notifications import Message, notify


def deadline_warnings_send(*, now: dt.datetime | None = None) -> list[DeadlineWarning]:
    """Warn holders and leaders N working days before due (``MOTCUA_WARNING_WORKING_DAYS``);
    a ``DeadlineWarning`` row per (dossier, N, due) so nothing is sent twice."""
    now = resolve_now(now)
    levels = sorted({int(n) for n in settings.MOTCUA_WARNING_WORKING_DAYS}, reverse=True)
    if not levels:
        return []
    # Calendar slack for weekends and Tết: 2 weeks beyond the largest level.
    horizon = now + dt.timedelta(days=levels[0] * 3 + 14)
    candidates = (
        Dossier.objects.filter(due_at__gt=now, due_at__lte=horizon)
        .exclude(status__in=list(PROCESSING_ENDED | PAUSED))
        .exclude(status__in=[Status.SUBMITTED, Status.REFUSED_AT_RECEPTION])
        .select_related("receiving_unit", "holder")
    )
    created: list[DeadlineWarning] = []
    for d in candidates:
        calendar = dossier_calendar(d)
        left = calendar.working_time_between(now, d.due_at)
        due_levels = [n for n in levels if left <= n * calendar.day_length]
        if not due_levels:
            continue
        sent = set(DeadlineWarning.objects.filter(dossier=d, due_at=d.due_at)
                   .values_list("days_before", flat=True))
        new = [n for n in due_levels if n not in sent]
        if not new:
            continue
        with transaction.atomic():
            for n in new:
                try:
                    with transaction.atomic():
                        created.append(DeadlineWarning.objects.create(
                            dossier=d, days_before=n, due_at=d.due_at, sent_at=now))
                except IntegrityError:  # another worker got there first
                    new = [m for m in new if m != n]
            if not new:
                continue
            n = min(new)
            audit_record(actor=None, event_type="dossier.deadline_warning", dossier=d, at=now,
                         data={"days_before": n, "due_at": d.due_at})
            recipients = tuple(e for e in [getattr(d.holder, "email", "")] if e)
            notify(Message(
                event="dossier.deadline_warning",
                subject=f"Hồ sơ {d.code} còn {n} ngày làm việc đến hạn",
                body=f"Hạn trả kết quả: {format_time(d.due_at)}.", recipients=recipients,
                dossier_code=d.code, data={"days_before": n},
            ))
    return created


def supplements_close_expired(*, now: dt.datetime | None = None,
                              working_days: int | None = None) -> list[str]:
    """System: close dossiers waiting for a supplement longer than ``working_days`` (NĐ
    297/2025-type procedures: 15). Disabled unless given or set in
    ``settings.MOTCUA_SUPPLEMENT_CLOSE_WORKING_DAYS``."""
    now = resolve_now(now)
    working_days = working_days or getattr(settings, "MOTCUA_SUPPLEMENT_CLOSE_WORKING_DAYS", None)
    if not working_days:
        return []
    closed = []
    waiting = DossierPause.objects.filter(
        kind=PauseKind.SUPPLEMENT, ended_at__isnull=True,
        dossier__status=Status.SUPPLEMENT_REQUESTED,
    ).select_related("dossier", "dossier__receiving_unit")
    for pause in waiting:
        calendar = dossier_calendar(pause.dossier)
        waited = calendar.working_days_between(
            local_date(pause.started_at) + dt.timedelta(days=1), local_date(now)
        )
        if waited > working_days:
            try:
                system_act(dossier=pause.dossier, action="close_supplement", at=now,
                            reason=f"Quá {working_days} ngày làm việc không bổ sung hồ sơ.")
            except Conflict:
                continue
            closed.append(pause.dossier.code)
    return closed

