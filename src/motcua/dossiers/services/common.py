"""What every dossier service shares: the time argument, history rows, the row lock, applicant
notices and the result of an action."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import InvalidInput
from motcua.dossiers import deadlines, events
from motcua.dossiers.models import Dossier, DossierStep, StatusChange
from motcua.notifications import Message, citizen_choice, notify
from motcua.worktime import WorkCalendar


@dataclass
class ActionResult:
    """What a transition returns: the dossier (locked copy, up to date), the history row and
    any warnings (e.g. a second supplement request)."""

    dossier: Dossier
    change: StatusChange | None
    warnings: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    target: str | None = None
    step: DossierStep | None = None
    # The history row's reason when the handler composes it (else the caller's reason/items).
    history_reason: str | None = None


def resolve_now(at: dt.datetime | None) -> dt.datetime:
    """``at`` (the past, for demo data and imports) or now; a naive time is refused."""
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise InvalidInput("naive_datetime", _('Thời điểm phải có múi giờ.'), field="at")
    return at


def local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def format_time(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime("%H:%M %d/%m/%Y") if at else ""


def dossier_calendar(dossier: Dossier) -> WorkCalendar:
    return deadlines.calendar_for_dossier(dossier)


def record_history(dossier, *, action, from_status, actor, unit_id, at, reason="", step=None,
                   first=False):
    """Write the StatusChange row of an action and emit ``events.status_changed`` (the
    statistics ledger listens), in the caller's transaction. ``first``: the dossier was
    inserted in this transaction (intake), so this is its first history row."""
    change = StatusChange.objects.create(
        dossier=dossier, from_status=from_status, to_status=dossier.status, action=action,
        actor=actor if getattr(actor, "pk", None) else None, unit_id=unit_id, at=at,
        reason=reason, due_at=dossier.due_at, stat_due_at=deadlines.statistical_due(dossier),
        step=step or dossier.current_step,
    )
    events.emit_status_changed(dossier=dossier, change=change, first=first)
    written = getattr(dossier, "_written_rows", None)
    if written is not None:
        written.setdefault("status_changes", []).append(change)
    return change


def _applicant_message(dossier, event: str, subject: str, body: str) -> Message | None:
    if not (dossier.applicant_email or dossier.applicant_phone):
        return None
    return Message(
        event=event, subject=subject, body=body,
        recipients=(dossier.applicant_email,) if dossier.applicant_email else (),
        phones=(dossier.applicant_phone,) if dossier.applicant_phone else (),
        dossier_code=dossier.code or "", id_number=dossier.applicant_id_number or "",
        applicant_name=dossier.applicant_name or "",
        data={"due_at": format_time(dossier.due_at) if dossier.due_at else ""},
    )


def notify_applicant(dossier, event: str, subject: str, body: str, *,
                     chosen: set[str] | None = None) -> None:
    """The applicant's notice, written to the outbox in the caller's transaction. ``chosen``:
    their channel choice read before it (``applicant_choice``), else read here."""
    message = _applicant_message(dossier, event, subject, body)
    if message is not None:
        notify(message, chosen=chosen)


def applicant_choice(dossier) -> set[str] | None:
    """The channels the dossier's applicant chose (or the default), for a service that reads
    it before its transaction: the read then does not run under the write lock."""
    message = _applicant_message(dossier, "", "", "")
    return citizen_choice(message) if message is not None else None


def lock_dossier(dossier) -> Dossier:
    """Lock the dossier row, then read it fresh (with its relations) under the lock.

    The lock is taken on the bare row: PostgreSQL re-checks a FOR UPDATE row with joins against
    the old join partners after waiting and may drop it, so the joined read comes after.
    """
    Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk", flat=True).get()
    return (
        Dossier.objects.select_related(
            "procedure_version", "receiving_unit", "competent_unit", "current_unit",
            "current_step",
        ).get(pk=dossier.pk)
    )


@dataclass
class ActionContext:
    """What a transition handler works on: the dossier (locked, read under the lock), who acts
    and when, and the result it fills in (target status, audit data, warnings, a new step)."""

    dossier: Dossier
    actor: object
    at: dt.datetime
    result: ActionResult


def required_text(value, name: str, message: str, code: str | None = None) -> str:
    """``value`` stripped; InvalidInput naming ``name`` when it is empty."""
    if isinstance(value, str):
        value = value.strip()
    if not value:
        raise InvalidInput(code or f"{name}_required", message, field=name)
    return value
