"""50 clients at once for the last places of a slot, on PostgreSQL with real connections:
exactly the remaining places succeed, the others get slot_full, the counter never overflows."""

import threading

import pytest
import time_machine
from django.db import connection, connections

from motcua.core.errors import Conflict
from motcua.floor import booking as bookings
from motcua.floor.capacity import slots_for_day
from motcua.floor.models import Booking, Slot
from tests.factories import vn

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks under real concurrency need PostgreSQL; SQLite "
                              "serialises every writer"),
]

CLIENTS = 50


def test_fifty_clients_for_the_last_places(floor, settings):
    import datetime as dt

    settings.MOTCUA_BOOKING_CAP = 0
    with time_machine.travel(vn(2027, 3, 1, 8, 0), tick=True):
        slot = slots_for_day(floor.service, dt.date(2027, 3, 2))[0]
        Slot.objects.filter(pk=slot.pk).update(capacity=10, booked=7)  # 3 places left
        barrier = threading.Barrier(CLIENTS)
        results: list[str] = []
        lock = threading.Lock()

        def client(i: int) -> None:
            try:
                barrier.wait()
                try:
                    bookings.booking_book(actor=None, slot=slot, name=f"Khách {i}",
                                          phone=f"09{i:08d}")
                    outcome = "ok"
                except Conflict as exc:
                    outcome = exc.code
                with lock:
                    results.append(outcome)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results.count("ok") == 3
    assert results.count("slot_full") == CLIENTS - 3
    slot.refresh_from_db()
    assert slot.booked == 10
    assert Booking.objects.filter(slot=slot).count() == 3
