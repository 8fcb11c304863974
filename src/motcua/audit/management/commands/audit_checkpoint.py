from django.core.management.base import BaseCommand

from motcua.audit.context import CLI, audit_context
from motcua.audit.services import anchor_line, audit_checkpoint


class Command(BaseCommand):
    help = "Niêm phong đầu nhật ký và đầu mọi chuỗi đã thay đổi (motcua audit checkpoint)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="niêm phong cả khi không có gì mới")

    def handle(self, *args, **options):
        with audit_context(channel=CLI):
            checkpoint = audit_checkpoint(force=options["force"])
        if checkpoint is None:
            self.stdout.write("Không có gì mới kể từ điểm niêm phong trước.")
            return
        self.stdout.write(
            f"Điểm niêm phong #{checkpoint.number}: sự kiện đến #{checkpoint.events_gseq}, "
            f"lượt xem đến #{checkpoint.access_seq}, {len(checkpoint.heads)} chuỗi."
        )
        # One line to keep somewhere the database cannot reach (a log server, paper).
        self.stdout.write(anchor_line(checkpoint))
