from django.core.management.base import BaseCommand, CommandError

from motcua.ops.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = ("Phục hồi một bản sao lưu (motcua restore THƯ_MỤC): kiểm mã SHA-256 trước, rồi thay "
            "CSDL và các tệp. Dừng các máy chủ web và bộ xử lý nền trước khi chạy.")

    def add_arguments(self, parser):
        parser.add_argument("folder", help="thư mục motcua-<thời điểm> do `motcua backup` tạo")
        parser.add_argument("--yes", action="store_true",
                            help="xác nhận ghi đè CSDL và các tệp hiện có")
        parser.add_argument("--no-media", action="store_true", help="không phục hồi các tệp")
        parser.add_argument("--check", action="store_true",
                            help="chỉ kiểm tra mã SHA-256, không phục hồi")

    def handle(self, *args, **options):
        try:
            if options["check"]:
                manifest = read_manifest(options["folder"])
                self.stdout.write(f"Bản sao lưu nguyên vẹn: {manifest['counts']}")
                return
            if not options["yes"]:
                raise CommandError("Phục hồi ghi đè CSDL hiện tại: chạy lại với --yes.")
            manifest = restore(options["folder"], media=not options["no_media"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã phục hồi bản {manifest['created_at']}: {manifest['counts']}. "
                          "Chạy `motcua migrate` nếu mã nguồn mới hơn, rồi `motcua audit verify`.")
