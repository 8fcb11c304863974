"""dossiers.events: features learn of dossier changes through signals sent in the transaction."""

from __future__ import annotations

import pytest

from motcua.dossiers import events, services
from motcua.dossiers.models import StatusChange
from motcua.dossiers.states import Status
from tests.factories import vn


@pytest.fixture
def seen():
    calls = []

    def receiver(sender, *, dossier, change, **kwargs):
        calls.append((sender, dossier.status, change.action, change.to_status))

    events.status_changed.connect(receiver, dispatch_uid="test.seen")
    yield calls
    events.status_changed.disconnect(dispatch_uid="test.seen")


def test_intake_and_actions_emit_status_changed(world, receive, seen):
    dossier = receive()
    services.dossier_act(actor=world.receptionist, dossier=dossier, action="transfer",
                         at=vn(2026, 3, 2, 9, 0))
    assert seen == [
        (StatusChange, Status.RECEIVED, "receive", Status.RECEIVED),
        (StatusChange, Status.TRANSFERRED, "transfer", Status.TRANSFERRED),
    ]


def test_a_failing_receiver_rolls_the_action_back(world, receive):
    dossier = receive()

    def broken(sender, **kwargs):
        raise RuntimeError("subscriber failed")

    events.status_changed.connect(broken, dispatch_uid="test.broken")
    try:
        with pytest.raises(RuntimeError):
            services.dossier_act(actor=world.receptionist, dossier=dossier, action="transfer",
                                 at=vn(2026, 3, 2, 9, 0))
    finally:
        events.status_changed.disconnect(dispatch_uid="test.broken")
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert list(dossier.status_changes.values_list("action", flat=True)) == ["receive"]


def test_the_reports_ledger_is_subscribed_by_its_app():
    receivers = [r for r in events.status_changed._live_receivers(StatusChange)[0]]
    assert any(getattr(r, "__module__", "") == "motcua.reports.hooks" for r in receivers)
