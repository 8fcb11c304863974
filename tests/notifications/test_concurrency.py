"""Two schedulers sweeping the outbox at once never send a row twice (PostgreSQL, real
connections in threads)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections

from motcua.notifications import Channel, Message, notify
from motcua.notifications.models import OutboxMessage
from motcua.notifications.outbox import outbox_send_pending

DELIVERED: list[str] = []
LOCK = threading.Lock()


class Slow(Channel):
    name = "slow"
    address_kind = "email"

    def send(self, message):
        time.sleep(0.002)  # a provider call: widens the window in which both sweepers run
        with LOCK:
            DELIVERED.append(message.recipients[0])


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_never_send_a_row_twice(channels, monkeypatch):
    from motcua.notifications import outbox

    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers: PostgreSQL (SQLite has one writer)")
    channels([f"{__name__}.Slow"])
    DELIVERED.clear()
    monkeypatch.setattr(outbox, "kick", lambda: None)  # leave the rows to the two sweepers
    for i in range(60):
        notify(Message(event="e", subject="Chủ đề", body="", recipients=(f"p{i}@example.vn",)))
    assert OutboxMessage.objects.filter(status="pending").count() == 60
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(outbox_send_pending())
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r["sent"] for r in results) == 60
    assert Counter(DELIVERED).most_common(1)[0][1] == 1 and len(DELIVERED) == 60
    assert OutboxMessage.objects.filter(status="sent", attempts=1).count() == 60
