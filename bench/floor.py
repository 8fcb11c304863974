"""Floor figures for ``make bench`` (issue 15), runnable alone:

    MOTCUA_DATABASE_URL=postgres://… .venv/bin/python bench/floor.py [--clients 50] [--displays 50]

1. **Booking under contention**: ``--clients`` threads (own connections) book the last
   ``--places`` places of one slot at once, ``--rounds`` times; prints attempts per second,
   successful bookings, and the overbooking count (places taken beyond capacity: must be 0).
2. **Call to display**: starts uvicorn (``motcua.config.asgi``) on a free port against the same
   database, connects ``--displays`` server-sent-event clients to one unit's display stream,
   makes ``--calls`` calls through the queue service and measures, per display and call, the
   time from the call's commit to the event's arrival; prints p50/p95/max (p95 must be < 1 s).

Writes its rows in a unit of its own (code ``BENCH.FLOOR``) in the configured database and
prints one JSON line at the end (``{"booking": {...}, "display": {...}}``) for bench/run.py.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")


def setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fixture():
    from django.contrib.auth import get_user_model

    from motcua.floor.models import CapacityWindow, FloorService
    from motcua.org.models import Counter, Membership, Role, Unit, UnitKind

    unit, _ = Unit.objects.get_or_create(code="BENCH.FLOOR", defaults={
        "name": "Trung tâm đo hiệu năng", "kind": UnitKind.PROVINCIAL_CENTER})
    counter, _ = Counter.objects.get_or_create(center=unit, number=1,
                                               defaults={"name": "Quầy đo"})
    service, _ = FloorService.objects.get_or_create(unit=unit, code="BENCH", defaults={
        "name": "Dịch vụ đo", "slot_minutes": 30})
    service.counters.set([counter])
    if not service.windows.exists():
        CapacityWindow.objects.bulk_create([
            CapacityWindow(service=service, weekday=d, start=dt.time(7, 30),
                           end=dt.time(11, 30), places=5) for d in range(7)])
    user, _ = get_user_model().objects.get_or_create(username="bench.floor")
    Membership.objects.get_or_create(user=user, unit=unit, role=Role.RECEPTIONIST,
                                     counter=counter)
    return unit, counter, service, user


def bench_booking(service, *, clients: int, places: int, rounds: int) -> dict:
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db import connections

    from motcua.core.errors import Conflict
    from motcua.floor import booking as bookings
    from motcua.floor.models import Booking, Slot
    from motcua.org.calendars import calendar_for_unit

    settings.MOTCUA_BOOKING_CAP = 0
    settings.MOTCUA_BOOKING_RATE_PER_PHONE = 0
    calendar = calendar_for_unit(service.unit)
    day = calendar.next_working_day(dt.date.today() + dt.timedelta(days=400))
    start = dt.datetime.combine(day, dt.time(7, 30), ZoneInfo(settings.TIME_ZONE))
    attempts = ok = overbooked = 0
    elapsed = 0.0
    for r in range(min(rounds, 8)):  # the morning session holds 8 half-hour slots
        slot_start = start + dt.timedelta(minutes=30 * r)
        slot, _ = Slot.objects.get_or_create(
            service=service, start=slot_start,
            defaults={"end": slot_start + dt.timedelta(minutes=30), "capacity": 10_000})
        Slot.objects.filter(pk=slot.pk).update(capacity=slot.booked + places)
        slot.refresh_from_db()
        barrier = threading.Barrier(clients)
        wins = []
        lock = threading.Lock()

        def client(i: int, slot=slot, barrier=barrier, wins=wins, lock=lock, r=r) -> None:
            try:
                barrier.wait()
                try:
                    bookings.booking_book(actor=None, slot=slot, name=f"Khách {i}",
                                          phone=f"08{r:03d}{i:05d}"[:10])
                    with lock:
                        wins.append(i)
                except Conflict:
                    pass
            finally:
                connections.close_all()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed += time.perf_counter() - t0
        slot.refresh_from_db()
        attempts += clients
        ok += len(wins)
        overbooked += max(0, slot.booked - slot.capacity) + max(
            0, Booking.objects.filter(slot=slot).count() - slot.capacity)
    return {"clients": clients, "places": places, "rounds": rounds,
            "attempts_per_s": round(attempts / elapsed, 1),
            "bookings_per_s": round(ok / elapsed, 1), "booked": ok,
            "expected": places * rounds, "overbooked": overbooked}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def sse_client(port: int, path: str, arrivals: dict, ready: asyncio.Event, n: list):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
                 .encode())
    await writer.drain()
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            text = line.decode(errors="replace").strip()
            if text.startswith("retry:"):  # the stream is open: count this display ready
                n[0] += 1
                if n[0] >= n[1]:
                    ready.set()
            elif text.startswith("id: "):
                arrivals.setdefault(int(text[4:]), []).append(time.time())
    finally:
        writer.close()


async def bench_display(unit, counter, service, user, *, displays: int, calls: int) -> dict:
    from asgiref.sync import sync_to_async

    from motcua.floor import queue
    from motcua.floor.models import Call

    port = free_port()
    # Keep the caller's path too: under bench/run.py the settings module is bench.baseline's.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "motcua.config.asgi:application", "--port", str(port),
         "--log-level", "warning", "--no-access-log", "--timeout-graceful-shutdown", "2"], env=env)
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                await asyncio.sleep(0.2)
        arrivals: dict[int, list[float]] = {}
        ready = asyncio.Event()
        count = [0, displays]
        path = f"/man-hinh/{unit.code}/su-kien/"
        tasks = [asyncio.create_task(sse_client(port, path, arrivals, ready, count))
                 for _ in range(displays)]
        await asyncio.wait_for(ready.wait(), timeout=60)
        await asyncio.sleep(1.0)  # every stream has subscribed to the hub
        committed: dict[int, float] = {}

        def one_call() -> None:
            ticket = queue.ticket_issue(actor=None, service=service)
            called = queue.ticket_call(actor=user, ticket=ticket, counter=counter)
            committed[Call.objects.filter(ticket=called).latest("id").pk] = time.time()
            queue.ticket_served(actor=user, ticket=called, counter=counter)

        for _ in range(calls):
            await sync_to_async(one_call, thread_sensitive=False)()
            await asyncio.sleep(0.3)
        await asyncio.sleep(2.0)
        latencies = [max(0.0, t - committed[cid]) for cid, times in arrivals.items()
                     if cid in committed for t in times]
        for t in tasks:
            t.cancel()
        received = len(latencies)
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else None
        return {"displays": displays, "calls": calls, "events": received,
                "expected_events": displays * calls,
                "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
                "p95_ms": round(1000 * p95, 1) if p95 is not None else None,
                "max_ms": round(1000 * latencies[-1], 1) if latencies else None}
    finally:
        proc.terminate()  # open event streams delay a graceful stop: then kill
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--places", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--displays", type=int, default=50)
    parser.add_argument("--calls", type=int, default=10)
    args = parser.parse_args()
    setup()
    from django.db import connection

    unit, counter, service, user = fixture()
    booking = bench_booking(service, clients=args.clients, places=args.places, rounds=args.rounds)
    print(f"booking ({connection.vendor}): {booking}", flush=True)
    display = asyncio.run(bench_display(unit, counter, service, user, displays=args.displays,
                                        calls=args.calls))
    print(f"display: {display}", flush=True)
    print(json.dumps({"database": connection.vendor, "booking": booking, "display": display}))


if __name__ == "__main__":
    main()
