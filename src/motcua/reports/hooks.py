"""How the statistics ledger learns of dossier changes.

``on_status_change`` keeps the daily statistics ledger (``reports.DailyStat``) up to date: one
read of the dossier's ``LedgerState`` and a couple of indexed upserts, in the transition's own
transaction, so a rolled-back transition leaves no trace in the statistics. It is connected to
``dossiers.events.status_changed`` in ``ReportsConfig.ready``; ``dossiers_imported_receiver``
adds the dossiers of a legacy import (``dossiers.events.dossiers_imported``).
"""

from __future__ import annotations


def on_status_change(*, dossier, change, first: bool = False) -> None:
    """Called after a StatusChange row is written, in the same transaction."""
    from motcua.reports.aggregates import ledger_on_change

    ledger_on_change(dossier=dossier, change=change, first=first)


def status_changed_receiver(sender, *, dossier, change, first=False, **kwargs) -> None:
    on_status_change(dossier=dossier, change=change, first=first)


def first_change_planned_receiver(sender, *, dossier, change, **kwargs) -> None:
    """Before the intake's transaction: the ledger's part of the first history row, computed
    now (``ledger_on_change`` writes it in the transaction without computing it again)."""
    from motcua.reports.aggregates import ledger_plan_first

    change._ledger_plan = ledger_plan_first(dossier=dossier, change=change)


def dossiers_imported_receiver(sender, *, dossier_ids, progress=None, **kwargs) -> None:
    """Imported dossiers join the ledger (they came without per-change hooks)."""
    from motcua.reports.aggregates import ledger_merge

    ledger_merge(dossier_ids, progress=progress)
