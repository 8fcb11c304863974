import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.core.dates import format_day, parse_date
from motcua.ops.retention import retention_plan


def add_as_of(parser) -> None:
    parser.add_argument("--as-of", help="tính như vào ngày dd/mm/yyyy (mặc định: hôm nay)")


def as_of(options) -> dt.datetime | None:
    if not options.get("as_of"):
        return None
    try:
        day = parse_date(options["as_of"])
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: {options['as_of']} (dd/mm/yyyy).") from exc
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def describe(command, plan) -> None:
    for dossier in plan.anonymise:
        closed = format_day(timezone.localdate(dossier.closed_at))
        command.stdout.write(f"ẩn danh  {dossier.code}  đóng {closed}")
    for dossier, names in plan.files:
        command.stdout.write(f"xóa tệp  {dossier.code}  {len(names)} tệp")
    command.stdout.write(f"Tổng: {len(plan.anonymise)} hồ sơ ẩn danh, {plan.file_count} tệp xóa "
                         f"({len(plan.files)} hồ sơ).")


class Command(BaseCommand):
    help = ("Liệt kê hồ sơ đã hết thời hạn lưu giữ dữ liệu cá nhân hoặc tệp (motcua retention "
            "plan); không thay đổi gì.")

    def add_arguments(self, parser):
        add_as_of(parser)

    def handle(self, *args, **options):
        describe(self, retention_plan(now=as_of(options)))
