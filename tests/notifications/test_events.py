"""Each dossier event the citizen hears about writes its messages to the outbox."""

from __future__ import annotations

import pytest

from motcua.dossiers import services
from motcua.notifications.models import OutboxMessage
from tests.factories import vn


def events_of(dossier) -> list[str]:
    return list(OutboxMessage.objects.filter(dossier_code=dossier.code, channel="email")
                .order_by("id").values_list("event", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("status, event", [
    ("received", "dossier.received"),
    ("supplement_requested", "dossier.supplement_requested"),
    ("refused_after_appraisal", "dossier.refused"),
    ("result_ready", "dossier.result_ready"),
    ("returned", "dossier.result_delivered"),
])
def test_event_is_written(bring, channels, status, event):
    dossier = bring(status)
    assert event in events_of(dossier)
    row = OutboxMessage.objects.get(dossier_code=dossier.code, event=event, channel="email")
    assert row.address == "an@example.vn" and dossier.code in row.subject
    assert row.body.startswith("Kính gửi Nguyễn Văn An,")


@pytest.mark.django_db
def test_online_dossier_received_and_refused_at_reception(bring, channels, world):
    online = bring("submitted")
    services.dossier_act(actor=world.receptionist, dossier=online, action="receive",
                         at=vn(2026, 3, 2, 9, 0))
    assert events_of(online) == ["dossier.received"]
    other = bring("submitted")
    services.dossier_act(actor=world.receptionist, dossier=other, action="refuse_reception",
                         at=vn(2026, 3, 2, 9, 0), reason="Sai thủ tục")
    assert events_of(other) == ["dossier.refused"]
    assert "Sai thủ tục" in OutboxMessage.objects.get(dossier_code=other.code,
                                                      channel="email").body


@pytest.mark.django_db
def test_apology_tells_the_new_date(bring, channels, world):
    d = bring("appraising")
    services.dossier_apologise(actor=world.leader, dossier=d, reason="Chờ ý kiến",
                               new_due_at=vn(2026, 3, 12, 16, 0), at=vn(2026, 3, 6, 8, 0))
    row = OutboxMessage.objects.get(dossier_code=d.code, event="dossier.apologised",
                                    channel="email")
    assert "16:00 12/03/2026" in row.body and "Chờ ý kiến" in row.body
