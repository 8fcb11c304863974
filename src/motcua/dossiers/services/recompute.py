"""Recomputing legal due times after a calendar change (``deadlines_recompute``)."""

from __future__ import annotations

from django.db import transaction

from motcua.audit.services import audit_record
from motcua.dossiers import deadlines
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.common import lock_dossier


def dossier_recompute_due(*, dossier: Dossier, dry_run: bool = False, actor=None):
    """Recompute the legal due time under today's calendar; returns (old, new) or None.

    Re-appointed (apologised) dues are never touched."""
    with transaction.atomic():
        d = lock_dossier(dossier)
        if d.rescheduled_due_at is not None or d.clock_start is None or not d.time_unit:
            return None
        new = deadlines.compute_due(d)
        old = d.due_at
        if new == old:
            return None
        if not dry_run:
            d.due_at = new
            d.original_due_at = new
            d.save(update_fields=["due_at", "original_due_at", "updated_at"])
            audit_record(actor=actor, event_type="dossier.due_recomputed", dossier=d,
                         data={"old": old, "new": new})
        return old, new

