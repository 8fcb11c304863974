"""``motcua payments_reconcile --file settlement.csv``: compare the gateway's settlement file
with the payments recorded here and list the mismatches (docs/payments.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.core import dates
from motcua.payments.providers import PROVIDERS
from motcua.payments.reconcile import SettlementError, read_settlement, reconcile


class Command(BaseCommand):
    help = "Đối soát tệp quyết toán của cổng thanh toán (CSV) với các giao dịch đã ghi nhận."

    def add_arguments(self, parser):
        parser.add_argument("--file", required=True, help="tệp CSV của cổng thanh toán")
        parser.add_argument("--provider", default="vnpay", choices=sorted(PROVIDERS))
        parser.add_argument("--from", dest="start", help="từ ngày (dd/mm/yyyy)")
        parser.add_argument("--to", dest="end", help="đến ngày (dd/mm/yyyy)")
        parser.add_argument("--fail-on-mismatch", action="store_true",
                            help="thoát với mã 1 khi có sai lệch (cho cron, giám sát)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"Tệp {path} không phải UTF-8.") from None
        try:
            lines = read_settlement(text)
            start = dates.parse_date(options["start"]) if options["start"] else None
            end = dates.parse_date(options["end"]) if options["end"] else None
        except SettlementError as exc:
            raise CommandError(str(exc)) from None
        except ValueError:
            raise CommandError("Ngày phải viết dd/mm/yyyy.") from None
        found = reconcile(lines, provider=options["provider"], start=start, end=end)
        self.stdout.write(f"Đã đọc {len(lines)} dòng; {len(found)} sai lệch.")
        for m in found:
            self.stdout.write(str(m))
        if found and options["fail_on_mismatch"]:
            raise CommandError(f"{len(found)} sai lệch.", returncode=1)
