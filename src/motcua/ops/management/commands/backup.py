from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.ops.backup import BackupError, backup, rotate


class Command(BaseCommand):
    help = ("Sao lưu CSDL (SQLite: online backup; PostgreSQL: pg_dump dạng custom) và các tệp, "
            "kèm manifest có mã SHA-256 (motcua backup).")

    def add_arguments(self, parser):
        parser.add_argument("--to", default=settings.MOTCUA_BACKUP_DIR,
                            help="thư mục chứa các bản sao lưu (mặc định MOTCUA_BACKUP_DIR)")
        parser.add_argument("--keep", type=int, default=None,
                            help="sau khi sao lưu, chỉ giữ N bản mới nhất")

    def handle(self, *args, **options):
        if not options["to"]:
            raise CommandError("Cần --to THƯ_MỤC hoặc MOTCUA_BACKUP_DIR.")
        try:
            path = backup(options["to"])
            removed = rotate(options["to"], keep=options["keep"]) if options["keep"] else []
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã sao lưu: {path}")
        for old in removed:
            self.stdout.write(f"Đã xóa bản cũ: {old}")
