"""The clock and the step plan (quy trình nội bộ): due times at intake, steps started, finished
and advanced by the actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from motcua.catalog.models import ProcedureVersion, StepRole
from motcua.dossiers import deadlines
from motcua.dossiers.models import Dossier, DossierStep
from motcua.org import calendars
from motcua.org.calendars import UnitCalendar, calendar_for_unit
from motcua.org.models import Unit
from motcua.worktime import WorkCalendar, classify


def start_clock(
    dossier: Dossier, version: ProcedureVersion, at: dt.datetime,
    unit_calendar: UnitCalendar | None = None,
) -> WorkCalendar:
    """Set the time inputs and the due time of a dossier accepted at ``at``; return the
    receiving unit's calendar used for them (the step plan uses the same one)."""
    unit_calendar = unit_calendar or calendars.unit_calendar(dossier.receiving_unit)
    value, unit = version.effective_time
    dossier.received_at = at
    dossier.clock_start = at
    dossier.time_value = Decimal(value)
    dossier.time_unit = unit
    dossier.cutoff = deadlines.intake_cutoff(
        version, dossier.receiving_unit, five_on_site=version.five_on_site,
        unit_cutoff=lambda: unit_calendar.cutoff,
    )
    dossier.due_at = deadlines.compute_due(dossier, unit_calendar.calendar)
    dossier.original_due_at = dossier.due_at
    return unit_calendar.calendar


def step_plan(
    dossier: Dossier, version: ProcedureVersion, at: dt.datetime, calendar: WorkCalendar
) -> list[DossierStep]:
    """One unsaved DossierStep per ProcessStep, deadlines chained by their working hours; the
    first is started at ``at`` and held by the officer who received the dossier.

    "5 tại chỗ": every step is held by the receiving center (its on-site officers act there).
    """
    start = calendar.effective_start(at, cutoff=dossier.cutoff)
    steps: list[DossierStep] = []
    # sorted() rather than order_by(): keeps a prefetched list (see catalog_cache.loaded_version).
    for ps in sorted(version.steps.all(), key=lambda ps: (ps.order, ps.pk)):
        if version.five_on_site:
            unit = dossier.receiving_unit
        elif ps.unit_id:
            unit = ps.unit
        elif ps.role == StepRole.RECEPTION:
            unit = dossier.receiving_unit
        else:
            unit = dossier.competent_unit
        due = deadlines.step_due(start, ps.hours, calendar)
        first = not steps
        steps.append(DossierStep(
            dossier=dossier, process_step=ps, order=ps.order, name=ps.name, role=ps.role,
            unit=unit, hours=ps.hours, due_at=due,
            started_at=at if first else None,
            assignee=dossier.received_by if first else None,
        ))
        start = due
    return steps


def insert_steps(dossier: Dossier, steps: list[DossierStep]) -> None:
    """Write the planned steps in one statement and point the dossier at the first."""
    for step in steps:
        step.dossier = dossier
    DossierStep.objects.bulk_create(steps)
    first = steps[0] if steps else None
    if first is not None and first.pk is None:  # pragma: no cover - backends without RETURNING
        first = dossier.steps.order_by("order", "id").first()
    dossier.current_step = first
    dossier.save(update_fields=["current_step"])


def finish_step(dossier, step, *, actor, at, note="") -> None:
    if step is None or step.finished_at is not None:
        return
    step.finished_at = at
    step.finished_by = actor if getattr(actor, "pk", None) else None
    if step.due_at is not None:
        step.outcome = classify(at, step.due_at, calendar_for_unit(step.unit)).name.lower()
    if note:
        step.note = note
    step.save(update_fields=["finished_at", "finished_by", "outcome", "note"])


def advance(dossier, *, actor, at, assignee=None) -> None:
    """Finish the current step and start the next planned one (its deadline from now).

    One action covers consecutive planned steps of the same role (a leader's "review" and
    "sign" are one approval): those are finished with it, each against its deadline chained
    from the previous one's, so the control slip (Mẫu 06) still says who was late.
    """
    current = dossier.current_step
    finish_step(dossier, current, actor=actor, at=at)
    after = current.order if current else 0
    planned = list(
        dossier.steps.filter(order__gt=after, started_at__isnull=True, process_step__isnull=False)
        .order_by("order", "id")
    )
    previous_due = current.due_at if current is not None else None
    while planned and current is not None and planned[0].role == current.role:
        same = planned.pop(0)
        same.started_at = previous_due or at
        same.due_at = deadlines.step_due(same.started_at, same.hours, calendar_for_unit(same.unit))
        same.save(update_fields=["started_at", "due_at"])
        finish_step(dossier, same, actor=actor, at=at)
        previous_due = same.due_at
    nxt = planned[0] if planned else None
    if nxt is not None:
        nxt.started_at = at
        nxt.due_at = deadlines.step_due(at, nxt.hours, calendar_for_unit(nxt.unit))
        nxt.assignee = assignee
        nxt.save(update_fields=["started_at", "due_at", "assignee"])
    dossier.current_step = nxt


def lead_unit(dossier) -> Unit:
    return dossier.receiving_unit if dossier.procedure_version.five_on_site else dossier.competent_unit

