"""``motcua catalog import FILE``: import a catalog file (JSON, CSV or XLSX)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.importers import FORMATS, CatalogInvalid, read_catalog
from motcua.catalog.services import catalog_import
from motcua.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Nhập danh mục thủ tục từ tệp JSON, CSV hoặc XLSX (xem docs/catalog-format.md). "
        "Kiểm tra toàn bộ tệp trước; có lỗi thì không nhập gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp danh mục (.json, .csv, .xlsx)")
        parser.add_argument("--format", choices=FORMATS, help="Định dạng, nếu đuôi tệp không rõ")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra và báo kết quả, không lưu"
        )
        parser.add_argument("--actor", help="Tên đăng nhập của người nhập (ghi vào nhật ký)")

    def handle(self, *args, file, format=None, dry_run=False, actor=None, **options):
        if actor:
            user = get_user_model().objects.filter(username=actor).first()
            if user is None:
                raise CommandError(f"Không có người dùng {actor}.")
            actor = user
        else:
            actor = "motcua catalog import"
        try:
            catalog = read_catalog(file, format)
            summary = catalog_import(
                actor=actor, catalog=catalog, dry_run=dry_run, source_name=str(file)
            )
        except CatalogInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(exc.message) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(str(summary))
