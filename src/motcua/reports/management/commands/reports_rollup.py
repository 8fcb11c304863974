"""``motcua reports_rollup``: roll the monthly aggregates forward (what the nightly task does)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.reports.models import RollupMark
from motcua.reports.rollups import rollup_refresh


class Command(BaseCommand):
    help = "Cuộn số liệu thống kê theo tháng đến tháng đã kết thúc gần nhất."

    def handle(self, *args, **opts):
        rollup_refresh()
        until = RollupMark.objects.filter(pk=1).values_list("until", flat=True).first()
        if until is None:
            self.stdout.write("Chưa có số liệu tháng (chạy reports_rebuild trước).")
        else:
            self.stdout.write(f"Số liệu tháng đã cuộn đến {until:%d/%m/%Y}.")
