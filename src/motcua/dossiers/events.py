"""Events the dossier services emit (sự kiện hồ sơ), for the features built on dossiers.

``dossiers`` knows nothing of its subscribers: a feature connects a receiver in its
``AppConfig.ready`` (the statistics ledger of ``reports`` does). Events are sent inside the
service's transaction with ``Signal.send``, so a receiver sees the rows just written and an
exception in a receiver rolls the whole change back: a rolled-back transition leaves no trace in
what the receivers keep.
"""

from __future__ import annotations

from django.dispatch import Signal

# A StatusChange row was written. Keyword arguments: ``dossier`` (as saved, status and due time
# after the change), ``change`` (the StatusChange) and ``first`` (True: the dossier was created
# in this transaction and ``change`` is its only history row, so a receiver has nothing older to
# read). Sender: the StatusChange class.
status_changed = Signal()


def emit_status_changed(*, dossier, change, first: bool = False) -> None:
    status_changed.send(sender=type(change), dossier=dossier, change=change, first=first)


# A new dossier's first StatusChange is about to be written, *before* the transaction that will
# write it and send ``status_changed(first=True)`` (intake). Keyword arguments: ``dossier`` and
# ``change``, both complete but unsaved (no ids, no code yet). A receiver may compute now what
# it will write then, and keep it on ``change`` under an attribute of its own: on SQLite the
# transaction holds the database's single write lock, so work moved here shortens every
# concurrent intake's wait. A receiver must not write. Sender: the StatusChange class.
first_change_planned = Signal()


def emit_first_change_planned(*, dossier, change) -> None:
    first_change_planned.send(sender=type(change), dossier=dossier, change=change)


# Dossiers and their history were written in bulk (legacy import), without StatusChange signals.
# Keyword arguments: ``dossier_ids`` and ``progress`` (a callable taking a count done, for a
# progress bar; receivers may ignore it). Sender: the Dossier class.
dossiers_imported = Signal()


def emit_dossiers_imported(*, dossier_ids: list[int], progress=None) -> None:
    from motcua.dossiers.models import Dossier

    dossiers_imported.send(sender=Dossier, dossier_ids=dossier_ids, progress=progress)
