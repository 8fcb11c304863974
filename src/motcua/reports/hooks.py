"""Hooks the dossier services call inside their transaction.

The reports engineer replaces the body of ``on_status_change`` with the incremental update of
the daily aggregates; it must stay cheap (a few indexed upserts) because it runs in every
transition's transaction.
"""

from __future__ import annotations


def on_status_change(*, dossier, change) -> None:
    """Called after a StatusChange row is written, in the same transaction."""
    return None
