"""Hooks the dossier services call inside their transaction.

``on_status_change`` keeps the daily statistics ledger (``reports.DailyStat``) up to date: one
read of the dossier's ``LedgerState`` and a couple of indexed upserts, in the transition's own
transaction, so a rolled-back transition leaves no trace in the statistics.
"""

from __future__ import annotations


def on_status_change(*, dossier, change) -> None:
    """Called after a StatusChange row is written, in the same transaction."""
    from motcua.reports.aggregates import ledger_on_change

    ledger_on_change(dossier=dossier, change=change)
