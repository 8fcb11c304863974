"""Floor statistics from the tickets' periods, bookings and ratings; the XLSX export; the
QĐ 766 index 5.4 fed by ratings."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from motcua.floor import booking as bookings
from motcua.floor import feedback, queue
from motcua.floor.capacity import slots_for_day
from motcua.org.models import Role
from motcua.reports.floorstats import floor_stats
from tests.factories import staff, vn

pytestmark = pytest.mark.django_db


def test_waiting_and_service_time_no_shows_demand_and_ratings(floor, client):
    with time_machine.travel(vn(2027, 3, 1, 9, 0), tick=False):
        slots = slots_for_day(floor.service, dt.date(2027, 3, 2))
        bookings.booking_book(actor=None, slot=slots[0], name="A", phone="0900000001")
        bookings.booking_book(actor=None, slot=slots[1], name="B", phone="0900000002")
    with time_machine.travel(vn(2027, 3, 2, 8, 0), tick=False) as clock:
        ticket = queue.ticket_issue(actor=None, service=floor.service)
        clock.shift(dt.timedelta(minutes=6))
        queue.ticket_call_next(actor=floor.officer, counter=floor.c1)
        clock.shift(dt.timedelta(minutes=10))
        queue.ticket_served(actor=floor.officer, ticket=ticket, counter=floor.c1)
        ticket.refresh_from_db()
        feedback.rating_for_ticket(actor=None, ticket=ticket, level=0)
    bookings.mark_no_shows(now=vn(2027, 3, 2, 12, 0))
    stats = floor_stats(date_from=dt.date(2027, 3, 1), date_to=dt.date(2027, 3, 31))
    assert stats.times == [{"service": floor.service.name, "hour": 8, "tickets": 1, "served": 1,
                            "wait": 6.0, "serve": 10.0}]
    assert stats.bookings["no_show"] == 2 and stats.bookings["no_show_rate"] == 100.0
    day = [r for r in stats.demand if r["service"] == floor.service.name]
    assert day == [{"day": dt.date(2027, 3, 2), "service": floor.service.name,
                    "capacity": 28, "booked": 2, "tickets": 1, "walk_ins": 1}]
    assert stats.ratings["bad"] == 1 and stats.ratings["satisfied_pct"] == 0
    manager = staff(Role.CENTER_MANAGER, floor.center, username="giamdoc")
    client.force_login(manager)
    page = client.get("/bao-cao/san/?from=01/03/2027&to=31/03/2027")
    assert page.status_code == 200
    xlsx = client.get("/bao-cao/san/?from=01/03/2027&to=31/03/2027&format=xlsx")
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    rows = list(wb["Thoi gian"].iter_rows(values_only=True))
    assert rows[1] == (floor.service.name, 8, 1, 1, 6.0, 10.0)
