"""``motcua report``: the official period report as JSON, Excel, PDF or the CSV dossier list."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import DomainError
from motcua.org.models import Unit
from motcua.reports import exports
from motcua.reports.engine import (
    GROUPINGS,
    METHODS,
    make_window,
    normalise_filters,
    official_report,
)
from motcua.reports.params import parse_as_of, parse_by, parse_date


class Command(BaseCommand):
    help = "Báo cáo tình hình tiếp nhận và giải quyết hồ sơ TTHC theo kỳ (mục 6.2)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="Ngày bắt đầu kỳ, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="Ngày kết thúc kỳ, YYYY-MM-DD")
        parser.add_argument(
            "--as-of", dest="as_of",
            help="Thời điểm chốt số liệu (YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM, giờ Việt Nam); "
            "mặc định cuối ngày --to hoặc bây giờ nếu sớm hơn",
        )
        parser.add_argument("--by", default="agency", help="Nhóm theo: " + ", ".join(GROUPINGS))
        parser.add_argument("--format", default="json", help="json, xlsx, pdf hoặc csv")
        parser.add_argument("--output", help="Tệp kết quả (mặc định: in ra màn hình; bắt buộc với xlsx, pdf)")
        parser.add_argument("--method", default="auto", help="auto, exact hoặc aggregate")
        parser.add_argument("--unit", help="Chỉ nơi tiếp nhận có mã đơn vị này")
        parser.add_argument("--agency", help="Chỉ cơ quan giải quyết có mã đơn vị này")
        parser.add_argument("--level", help="Chỉ cấp thực hiện: tinh hoặc xa")
        parser.add_argument("--channel", type=int, help="Chỉ kênh nộp: 1, 2 hoặc 3")

    def _unit(self, code: str) -> int:
        unit_id = Unit.objects.filter(code=code).values_list("pk", flat=True).first()
        if unit_id is None:
            raise CommandError(f"Không tìm thấy đơn vị có mã “{code}”.")
        return unit_id

    def handle(self, *args, **opts):
        fmt = opts["format"]
        if fmt not in exports.FORMATS:
            raise CommandError(f"Định dạng “{fmt}” không hợp lệ; chọn một trong: {', '.join(exports.FORMATS)}.")
        if opts["method"] not in METHODS:
            raise CommandError(f"Phương pháp “{opts['method']}” không hợp lệ; chọn một trong: {', '.join(METHODS)}.")
        if fmt in ("xlsx", "pdf") and not opts["output"]:
            raise CommandError("Định dạng xlsx và pdf cần --output TỆP.")
        filters = {
            "receiving_unit": self._unit(opts["unit"]) if opts["unit"] else None,
            "competent_unit": self._unit(opts["agency"]) if opts["agency"] else None,
            "level": opts["level"],
            "channel": opts["channel"],
        }
        try:
            date_from = parse_date(opts["date_from"], "from")
            date_to = parse_date(opts["date_to"], "to")
            as_of = parse_as_of(opts["as_of"])
            by = parse_by(opts["by"])
            if fmt == "csv":
                window = make_window(date_from, date_to, as_of)
                self._write_csv(window, normalise_filters(filters), opts["output"])
                return
            report = official_report(
                date_from=date_from, date_to=date_to, as_of=as_of, by=by, filters=filters,
                method=opts["method"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if fmt == "json":
            text = exports.to_json(report)
            if opts["output"]:
                with open(opts["output"], "w", encoding="utf-8") as fh:
                    fh.write(text + "\n")
            else:
                self.stdout.write(text)
            return
        data = exports.to_xlsx(report) if fmt == "xlsx" else exports.to_pdf(report)
        with open(opts["output"], "wb") as fh:
            fh.write(data)
        self.stderr.write(f"Đã ghi {opts['output']}.")

    def _write_csv(self, window, filters, output):
        if output:
            with open(output, "w", encoding="utf-8-sig", newline="") as fh:
                n = exports.write_csv(window, filters, fh)
            self.stderr.write(f"Đã ghi {n} hồ sơ vào {output}.")
        else:
            exports.write_csv(window, filters, self.stdout)
