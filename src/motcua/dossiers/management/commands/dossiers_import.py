"""``motcua dossiers import FILE``: migrate dossier history from a previous system."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.core.tabular import TabularError
from motcua.dossiers.importer import dossiers_import


class Command(BaseCommand):
    help = "Nhập hồ sơ từ hệ thống cũ (CSV hoặc XLSX); hoặc nhập tất cả, hoặc không nhập gì."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp CSV (UTF-8) hoặc XLSX")
        parser.add_argument("--rejects", help="Ghi các dòng lỗi và lý do vào tệp CSV này")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp “{path}”.")
        try:
            result = dossiers_import(path=path, dry_run=opts["dry_run"], rejects=opts["rejects"])
        except TabularError as exc:  # not a CSV/XLSX file, not UTF-8, a broken workbook
            raise CommandError(str(exc)) from exc
        if result.errors:
            for line, code, reason in result.errors[:20]:
                self.stderr.write(f"Dòng {line} ({code or 'không mã'}): {reason}")
            if len(result.errors) > 20:
                self.stderr.write(f"… và {len(result.errors) - 20} dòng lỗi khác.")
            where = f" Xem {opts['rejects']}." if opts["rejects"] else ""
            raise CommandError(
                f"{len(result.errors)}/{result.rows} dòng lỗi; không nhập hồ sơ nào.{where}"
            )
        if result.dry_run:
            self.stdout.write(f"Kiểm tra xong: {result.rows} dòng hợp lệ (chưa nhập).")
        else:
            self.stdout.write(f"Đã nhập {result.imported} hồ sơ.")
