from django.core.management.base import BaseCommand, CommandError

from motcua.audit.models import AuditEvent
from motcua.audit.services import audit_verify


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký (motcua audit verify)."

    def handle(self, *args, **options):
        breaks = audit_verify()
        total = AuditEvent.objects.count()
        if breaks:
            for item in breaks:
                self.stderr.write(f"{item.chain} #{item.seq}: {item.reason}")
            raise CommandError(
                f"Nhật ký bị sửa hoặc xóa: {len(breaks)} chỗ hỏng trên {total} sự kiện."
            )
        self.stdout.write(f"Nhật ký nguyên vẹn: {total} sự kiện.")
