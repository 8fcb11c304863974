"""``motcua results verify FILE`` and ``motcua results export CODE --output FILE``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier
from motcua.dossiers.results import result_bytes, verify_result


class Command(BaseCommand):
    help = "Kết quả điện tử: `results verify FILE`, `results export CODE --output FILE`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Kiểm tra chữ ký số của một tệp kết quả PDF.")
        verify.add_argument("file")
        verify.add_argument("--code", help="Mã hồ sơ: chữ ký phải của cơ quan giải quyết.")
        export = sub.add_parser("export", help="Ghi văn bản kết quả đã ký của một hồ sơ.")
        export.add_argument("code")
        export.add_argument("--output", required=True)

    def handle(self, *args, **options):
        if options["action"] == "verify":
            return self.verify(options["file"], options.get("code"))
        return self.export(options["code"], options["output"])

    def _dossier(self, code: str) -> Dossier:
        dossier = Dossier.objects.select_related("competent_unit").filter(code=code).first()
        if dossier is None:
            raise CommandError(f"Không có hồ sơ mã {code}.")
        return dossier

    def verify(self, path: str, code: str | None) -> None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror}.") from None
        report = verify_result(data, dossier=self._dossier(code) if code else None)
        for sig in report.signatures:
            when = f"{timezone.localtime(sig.signed_at):%H:%M %d/%m/%Y}" if sig.signed_at else "?"
            self.stdout.write(
                f"- {sig.signer} ({sig.organisation}, {sig.unit_code}), ký lúc {when}"
                f"{' có dấu thời gian' if sig.timestamped else ''}: "
                + ("hợp lệ" if sig.ok else "; ".join(sig.problems)))
        if not report.valid:
            raise CommandError(report.summary)
        self.stdout.write(self.style.SUCCESS(report.summary))

    def export(self, code: str, output: str) -> None:
        dossier = self._dossier(code)
        try:
            data = result_bytes(dossier)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if not dossier.result_signed:
            raise CommandError(f"Kết quả của hồ sơ {code} chưa được ký số.")
        Path(output).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {len(data)} byte vào {output}."))
