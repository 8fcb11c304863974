import json
import sys

from django.core.management.base import BaseCommand, CommandError

from motcua.audit.context import CLI, audit_context
from motcua.audit.evidence import evidence_export


class Command(BaseCommand):
    help = "Xuất chứng cứ nhật ký của một hồ sơ (motcua audit export MÃ_HỒ_SƠ -o tệp.json)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="mã hồ sơ (hoặc tên chuỗi)")
        parser.add_argument("-o", "--output", help="tệp ra (mặc định: màn hình)")

    def handle(self, *args, **options):
        with audit_context(channel=CLI):
            try:
                data = evidence_export(chain=options["code"])
            except LookupError:
                raise CommandError(f"Không có sự kiện nào của {options['code']}.") from None
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            self.stdout.write(f"Đã ghi {len(data['events'])} sự kiện vào {options['output']}.")
        else:
            sys.stdout.write(text + "\n")
