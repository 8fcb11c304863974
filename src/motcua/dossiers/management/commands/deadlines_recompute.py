"""``motcua deadlines_recompute [--dry-run]``: re-apply today's calendar to open dossiers."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_recompute_due
from motcua.dossiers.states import FINAL, PROCESSING_ENDED


class Command(BaseCommand):
    help = "Tính lại hạn trả của hồ sơ đang xử lý theo lịch làm việc hiện hành."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Chỉ liệt kê, không cập nhật.")

    def handle(self, *args, dry_run=False, **options):
        open_ids = (
            Dossier.objects.exclude(status__in=sorted(set(FINAL) | set(PROCESSING_ENDED)))
            .filter(clock_start__isnull=False, rescheduled_due_at__isnull=True)
            .order_by("id").values_list("id", flat=True)
        )
        changed = 0
        for pk in open_ids.iterator(chunk_size=500):
            dossier = Dossier.objects.get(pk=pk)
            result = dossier_recompute_due(dossier=dossier, dry_run=dry_run)
            if result is None:
                continue
            old, new = result
            changed += 1
            self.stdout.write(
                f"{dossier.code}\t{timezone.localtime(old):%d/%m/%Y %H:%M}\t"
                f"{timezone.localtime(new):%d/%m/%Y %H:%M}"
            )
        verb = "sẽ thay đổi" if dry_run else "đã cập nhật"
        self.stdout.write(f"{changed} hồ sơ {verb}.")
