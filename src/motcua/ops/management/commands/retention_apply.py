from django.core.management.base import BaseCommand, CommandError

from motcua.audit.context import CLI, audit_context
from motcua.ops.management.commands.retention_plan import add_as_of, as_of, describe
from motcua.ops.retention import retention_apply


class Command(BaseCommand):
    help = ("Ẩn danh dữ liệu cá nhân và xóa tệp của hồ sơ đã hết thời hạn lưu giữ (motcua "
            "retention apply); ghi một sự kiện nhật ký. Xem trước bằng `motcua retention plan`.")

    def add_arguments(self, parser):
        add_as_of(parser)
        parser.add_argument("--yes", action="store_true", help="xác nhận (không thể hoàn tác)")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("Không thể hoàn tác: xem `motcua retention plan`, rồi chạy lại "
                               "với --yes.")
        with audit_context(channel=CLI):
            plan = retention_apply(actor=None, now=as_of(options))
        describe(self, plan)
