"""``motcua courier run --at "YYYY-MM-DD HH:MM" [--center CODE]``: create a courier run by hand
(the scheduler does it by itself at each pickup time)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.core.dates import DateFormatError, DateValueError, parse_date
from motcua.core.errors import DomainError
from motcua.courier import schedule
from motcua.courier.services import run_create
from motcua.org.models import Unit


def parse_at(text: str) -> dt.datetime:
    """"2026-12-07 11:00" (or "07/12/2026 11:00") in the installation's time zone."""
    day_text, _, time_text = (text or "").strip().partition(" ")
    try:
        day = parse_date(day_text)
        hours, minutes = (int(x) for x in time_text.strip().split(":"))
        return dt.datetime.combine(day, dt.time(hours, minutes),
                                   tzinfo=timezone.get_current_timezone())
    except (DateFormatError, DateValueError, ValueError):
        raise CommandError(f"Giờ không hợp lệ: {text!r} (cần \"YYYY-MM-DD HH:MM\").") from None


class Command(BaseCommand):
    help = "Chuyến bưu chính: `courier run --at \"YYYY-MM-DD HH:MM\"` tạo chuyến và các lô."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Tạo chuyến tại một giờ lấy hồ sơ.")
        run.add_argument("--at", required=True, help='Giờ chuyến, "YYYY-MM-DD HH:MM".')
        run.add_argument("--center", help="Mã trung tâm (mặc định: mọi trung tâm).")

    def handle(self, *args, **options):
        at = parse_at(options["at"])
        if options.get("center"):
            centers = list(Unit.objects.filter(code=options["center"]))
            if not centers:
                raise CommandError(f"Không có đơn vị mã {options['center']}.")
        else:
            centers = list(schedule.courier_centers())
        errors = []
        for center in centers:
            try:
                result = run_create(actor=None, center=center, at=at)
            except DomainError as exc:
                errors.append(f"{center.name}: {exc.message}")
                continue
            if not result.created:
                self.stdout.write(f"{center.name}: chuyến {result.run} đã có, không tạo lại.")
                continue
            lines = sum(b.lines.count() for b in result.batches)
            self.stdout.write(f"{center.name}: chuyến {timezone.localtime(result.run.scheduled_at):%H:%M %d/%m/%Y}"
                              f", {len(result.batches)} lô, {lines} hồ sơ.")
        if errors:
            raise CommandError("\n".join(errors))
