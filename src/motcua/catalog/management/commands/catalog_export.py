"""``motcua catalog export [--format json|csv|xlsx] [--output FILE]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.exporters import export_catalog
from motcua.catalog.importers import FORMATS


class Command(BaseCommand):
    help = (
        "Xuất danh mục thủ tục (phiên bản đang áp dụng) ra JSON, CSV hoặc XLSX, "
        "đúng định dạng nhập lại được."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, help="Mặc định theo đuôi tệp, hoặc json")
        parser.add_argument("--output", "-o", help="Tệp ghi ra; bỏ trống thì ghi ra màn hình")

    def handle(self, *args, format=None, output=None, **options):
        if format is None:
            suffix = Path(output).suffix.lower().lstrip(".") if output else ""
            format = suffix if suffix in FORMATS else "json"
        data = export_catalog(format)
        if output:
            try:
                Path(output).write_bytes(data)
            except OSError as exc:
                raise CommandError(f"Không ghi được tệp {output}: {exc.strerror}.") from exc
            self.stderr.write(f"Đã ghi {output}.")
            return
        if format == "xlsx":
            raise CommandError("Xuất XLSX cần --output TỆP.")
        self.stdout.write(data.decode("utf-8"), ending="")
