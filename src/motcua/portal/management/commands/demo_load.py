"""``motcua demo_load``: create or refresh the demo province Đắk Lắk (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.demo import load_demo


class Command(BaseCommand):
    help = "Tạo (hoặc cập nhật) dữ liệu minh họa tỉnh Đắk Lắk; chạy lại không tạo bản trùng."

    def handle(self, *args, **options):
        summary = load_demo(stdout=self.stdout if options["verbosity"] > 1 else None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Dữ liệu minh họa ({summary.province_code}): {summary.units} đơn vị "
                f"({summary.agencies} sở, ban, ngành; {summary.communes} xã, phường), "
                f"{summary.counters} quầy, {summary.fields} lĩnh vực, "
                f"{summary.procedures} thủ tục, {summary.users} cán bộ. "
                f"Lần chạy này: tạo {summary.created}, cập nhật {summary.updated}."
            )
        )
