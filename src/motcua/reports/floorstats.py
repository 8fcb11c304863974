"""Floor statistics (thống kê sảnh): waiting and service time per service and hour, no-show
rate, demand versus capacity per day (the data to size a counter such as Căn cước), ratings.

Times are sums of the tickets' time-boxed periods (TicketPeriod), never estimates."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q

from motcua.floor.models import Booking, BookingStatus, Slot, Ticket, TicketPeriod, TicketState
from motcua.reports import satisfaction
from motcua.reports.engine import end_of_day, start_of_day


@dataclass
class FloorStats:
    date_from: dt.date
    date_to: dt.date
    times: list[dict] = field(default_factory=list)  # service, hour, tickets, wait, serve (min)
    demand: list[dict] = field(default_factory=list)  # day, service, capacity, booked, walk_ins
    bookings: dict = field(default_factory=dict)
    ratings: dict = field(default_factory=dict)
    officers: list[dict] = field(default_factory=list)


def _minutes(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def floor_stats(*, date_from: dt.date, date_to: dt.date, unit_ids=None) -> FloorStats:
    zone = ZoneInfo(settings.TIME_ZONE)
    tickets = Ticket.objects.filter(day__gte=date_from, day__lte=date_to)
    if unit_ids:
        tickets = tickets.filter(service__unit_id__in=unit_ids)
    sums: dict[tuple[str, int], dict] = defaultdict(
        lambda: {"tickets": 0, "wait": dt.timedelta(), "serve": dt.timedelta(), "served": 0})
    meta = {t.pk: (t.service.name, t.issued_at.astimezone(zone).hour, t.state)
            for t in tickets.select_related("service")}
    for name, hour, state in meta.values():
        row = sums[(name, hour)]
        row["tickets"] += 1
        row["served"] += state == TicketState.SERVED
    periods = TicketPeriod.objects.filter(ticket_id__in=list(meta), ended_at__isnull=False)
    for p in periods.values("ticket_id", "state", "started_at", "ended_at"):
        name, hour, _ = meta[p["ticket_id"]]
        span = p["ended_at"] - p["started_at"] if p["ended_at"] else dt.timedelta()
        if p["state"] == TicketState.WAITING:
            sums[(name, hour)]["wait"] += span
        elif p["state"] in (TicketState.CALLED, TicketState.SERVING):
            sums[(name, hour)]["serve"] += span
    times = []
    for (name, hour), row in sorted(sums.items()):
        n = row["tickets"]
        times.append({"service": name, "hour": hour, "tickets": n, "served": row["served"],
                      "wait": _minutes(row["wait"] / n) if n else 0,
                      "serve": _minutes(row["serve"] / row["served"]) if row["served"] else 0})

    slots = Slot.objects.filter(start__gte=start_of_day(date_from), start__lte=end_of_day(date_to))
    if unit_ids:
        slots = slots.filter(service__unit_id__in=unit_ids)
    demand: dict[tuple[dt.date, str], dict] = defaultdict(
        lambda: {"capacity": 0, "booked": 0, "walk_ins": 0, "tickets": 0})
    for s in slots.values("start", "service__name", "capacity", "booked"):
        row = demand[(s["start"].astimezone(zone).date(), s["service__name"])]
        row["capacity"] += s["capacity"]
        row["booked"] += s["booked"]
    for t in tickets.values("day", "service__name").annotate(
            n=Count("id"), walk=Count("id", filter=Q(booking__isnull=True))):
        row = demand[(t["day"], t["service__name"])]
        row["tickets"] += t["n"]
        row["walk_ins"] += t["walk"]
    demand_rows = [{"day": d, "service": s, **v} for (d, s), v in sorted(demand.items())]

    bookings = Booking.objects.filter(slot__in=slots)
    counts = bookings.aggregate(
        total=Count("id"), no_show=Count("id", filter=Q(status=BookingStatus.NO_SHOW)),
        came=Count("id", filter=Q(status=BookingStatus.CHECKED_IN)),
        cancelled=Count("id", filter=Q(status=BookingStatus.CANCELLED)))
    due = counts["no_show"] + counts["came"]
    counts["no_show_rate"] = round(100 * counts["no_show"] / due, 1) if due else None
    filters = {"receiving_unit": list(unit_ids)} if unit_ids else None
    return FloorStats(date_from, date_to, times, demand_rows, counts,
                      satisfaction.summary(date_from, date_to, filters),
                      satisfaction.by_officer(date_from, date_to, filters))


def to_xlsx(stats: FloorStats) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Thoi gian"
    bold = Font(bold=True)
    ws.append(["Dịch vụ", "Giờ lấy số", "Số phiếu", "Đã phục vụ",
               "Chờ trung bình (phút)", "Phục vụ trung bình (phút)"])
    for r in stats.times:
        ws.append([r["service"], r["hour"], r["tickets"], r["served"], r["wait"], r["serve"]])
    ws2 = wb.create_sheet("Nhu cau - nang luc")
    ws2.append(["Ngày", "Dịch vụ", "Chỗ hẹn", "Đã đặt", "Phiếu", "Không hẹn trước"])
    for r in stats.demand:
        ws2.append([r["day"].strftime("%d/%m/%Y"), r["service"], r["capacity"], r["booked"],
                    r["tickets"], r["walk_ins"]])
    ws3 = wb.create_sheet("Lich hen - danh gia")
    b, g = stats.bookings, stats.ratings
    for row in (["Lịch hẹn", b["total"]], ["Đã đến", b["came"]], ["Không đến", b["no_show"]],
                ["Tỷ lệ không đến (%)", b["no_show_rate"]], ["Đã hủy", b["cancelled"]],
                [], ["Lượt đánh giá", g["total"]], ["Rất hài lòng", g["very"]],
                ["Hài lòng", g["ok"]], ["Không hài lòng", g["bad"]],
                ["Tỷ lệ hài lòng (%)", g["satisfied_pct"]]):
        ws3.append(row)
    ws3.append([])
    ws3.append(["Đơn vị", "Quầy", "Cán bộ", "Lượt", "Rất hài lòng", "Hài lòng", "Không hài lòng"])
    for r in stats.officers:
        ws3.append([r["unit__name"], r["counter__number"],
                    f"{r['officer__last_name'] or ''} {r['officer__first_name'] or ''}".strip(),
                    r["total"], r["very"], r["ok"], r["bad"]])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = bold
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


__all__ = ["FloorStats", "floor_stats", "to_xlsx"]
