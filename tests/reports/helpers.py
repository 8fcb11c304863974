"""Building dossiers and their histories directly, the way the dossier services record them."""

from __future__ import annotations

import itertools

from motcua.dossiers.models import Dossier, StatusChange
from motcua.dossiers.states import NATIONAL_CODE, Status
from motcua.reports import hooks

_seq = itertools.count(1)


def make_dossier(version, *, received_at, due_at, receiving_unit, channel=1, **fields):
    """A dossier received at ``received_at`` with its 'received' history row (hook called)."""
    dossier = Dossier.objects.create(
        code=f"{receiving_unit.code}-T-{next(_seq):06d}",
        procedure_version=version,
        field=version.field,
        receiving_unit=receiving_unit,
        competent_unit=version.agency,
        current_unit=version.agency,
        channel=channel,
        applicant_name="Nguyễn Văn A",
        received_at=received_at,
        due_at=due_at,
        original_due_at=due_at,
        status=Status.RECEIVED,
        national_status=NATIONAL_CODE[Status.RECEIVED],
        **fields,
    )
    record(dossier, Status.RECEIVED, received_at, due_at=due_at, action="receive", from_status="")
    return dossier


def record(dossier, to_status, at, *, due_at=None, action="test", from_status=None):
    """Append a StatusChange (due in force after it) and call the reports hook, as services do."""
    due = due_at if due_at is not None else dossier.due_at
    change = StatusChange.objects.create(
        dossier=dossier,
        from_status=dossier.status if from_status is None else from_status,
        to_status=to_status,
        action=action,
        at=at,
        due_at=due,
        unit=dossier.current_unit,
    )
    dossier.due_at = due
    dossier.set_status(to_status)
    if to_status in (Status.ISSUED, Status.RESULT_READY, Status.RETURNED, Status.WITHDRAWN,
                     Status.STOPPED, Status.REFUSED_AFTER_APPRAISAL) and dossier.finished_at is None:
        dossier.finished_at = at
    if to_status == Status.RETURNED:
        dossier.returned_at = at
    dossier.save()
    hooks.on_status_change(dossier=dossier, change=change)
    return change
