"""``motcua reports_rebuild``: recompute the daily statistics ledger from the dossier histories."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from motcua.dossiers.models import Dossier
from motcua.reports.aggregates import ledger_rebuild


class Command(BaseCommand):
    help = "Tính lại bảng số liệu thống kê theo ngày từ lịch sử hồ sơ."

    def handle(self, *args, **opts):
        total = Dossier.objects.count()
        with tqdm(total=total, file=sys.stderr, unit="hồ sơ", disable=total < 5000) as bar:
            rows = ledger_rebuild(progress=bar.update)
        self.stdout.write(f"Đã tính lại số liệu thống kê: {total} hồ sơ, {rows} dòng.")
