import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.audit.models import AccessLog, AuditCheckpoint, AuditEvent


class Command(BaseCommand):
    help = ("Kiểm tra nhật ký (motcua audit verify): MAC có khóa, thứ tự, đầu chuỗi và điểm niêm "
            "phong; với --file, kiểm một tệp chứng cứ do `motcua audit export` tạo.")

    def add_arguments(self, parser):
        parser.add_argument("--file", help="tệp chứng cứ JSON của một hồ sơ")
        parser.add_argument("--anchor", help="tệp neo điểm niêm phong (mặc định: "
                                             "MOTCUA_AUDIT_ANCHOR_FILE)")

    def handle(self, *args, **options):
        if options["file"]:
            from motcua.audit.evidence import evidence_verify

            try:
                data = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Không đọc được {options['file']}: {exc}") from exc
            problems = evidence_verify(data)
            summary = f"Tệp chứng cứ {data.get('chain', '')}: {len(data.get('events', []))} sự kiện"
        else:
            from motcua.audit import spool
            from motcua.audit.verify import verify_database

            # Reads spooled by dead processes go in first (numbered and MAC-ed like the rest);
            # those a live worker still holds are counted, not yet verifiable.
            spool.flush()
            problems = verify_database(anchor_file=options["anchor"])
            summary = (f"{AuditEvent.objects.count()} sự kiện, {AccessLog.objects.count()} "
                       f"lượt xem, {AuditCheckpoint.objects.count()} điểm niêm phong")
            waiting = spool.pending()
            if waiting:
                summary += f"; {waiting} lượt xem còn chờ trong hàng đợi của tiến trình đang chạy"
        if problems:
            for item in problems:
                self.stderr.write(str(item))
            raise CommandError(
                f"Nhật ký bị sửa hoặc xóa: {len(problems)} chỗ hỏng ({summary}). "
                f"Chỗ hỏng đầu tiên: {problems[0]}"
            )
        self.stdout.write(f"Nhật ký nguyên vẹn: {summary}.")
