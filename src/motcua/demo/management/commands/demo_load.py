"""``motcua demo_load``: create or refresh the demo province Đắk Lắk (idempotent)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.demo import load_demo
from motcua.demo.courier import load_demo_courier
from motcua.demo.history import DEFAULT_SIZE, history_load
from motcua.demo.notifications import load_demo_notifications
from motcua.demo.payments import load_demo_payments
from motcua.dossiers.demo import load_demo_dossiers


class Command(BaseCommand):
    help = "Tạo (hoặc cập nhật) dữ liệu minh họa tỉnh Đắk Lắk; chạy lại không tạo bản trùng."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-dossiers", action="store_true", help="Không tạo hồ sơ minh họa."
        )
        parser.add_argument(
            "--history", type=int, default=DEFAULT_SIZE, metavar="N",
            help=f"Số hồ sơ lịch sử ba tháng gần nhất (mặc định {DEFAULT_SIZE}; 0: không tạo).",
        )

    def handle(self, *args, **options):
        # The demo creates a superuser and staff with one known password: never on a real
        # installation.
        if settings.PRODUCTION:
            raise CommandError(
                "Không tạo dữ liệu minh họa khi MOTCUA_ENV=production: dữ liệu này có tài khoản "
                "quản trị với mật khẩu ai cũng biết."
            )
        verbose = self.stdout if options["verbosity"] > 1 else None
        summary = load_demo(stdout=verbose)
        self.stdout.write(
            self.style.SUCCESS(
                f"Dữ liệu minh họa ({summary.province_code}): {summary.units} đơn vị "
                f"({summary.agencies} sở, ban, ngành; {summary.communes} xã, phường), "
                f"{summary.counters} quầy, {summary.fields} lĩnh vực, "
                f"{summary.procedures} thủ tục, {summary.users} cán bộ. "
                f"Lần chạy này: tạo {summary.created}, cập nhật {summary.updated}."
            )
        )
        from motcua.demo.floor import load_floor

        self.stdout.write(f"Sảnh trung tâm tỉnh: {load_floor(summary.province_code)} dịch vụ "
                          "nhận đặt lịch và lấy số (/dat-lich/, /kiosk/…, /man-hinh/…).")
        if options["no_dossiers"]:
            return
        if options["history"] > 0:
            history = history_load(n=options["history"])
            if history.skipped:
                self.stdout.write("Lịch sử hồ sơ minh họa: đã có, không tạo thêm.")
            else:
                self.stdout.write(
                    f"Lịch sử hồ sơ minh họa: {history.dossiers} hồ sơ, "
                    f"{history.status_changes} lượt chuyển trạng thái, "
                    f"{history.apologies} văn bản xin lỗi ({history.seconds:.1f} giây)."
                )
        # Certificates first, so the demo dossiers' results are signed; then the courier runs.
        load_demo_courier(stdout=self.stdout)
        dossiers = load_demo_dossiers(stdout=self.stdout)
        load_demo_payments(stdout=self.stdout)
        if dossiers["created"] == 0 and dossiers["skipped"] == 0:
            self.stderr.write("Không tạo được hồ sơ minh họa nào.")
        notes = load_demo_notifications()
        self.stdout.write(
            f"Thông báo: {notes['preferences']} người chọn kênh nhận; hộp thư đi còn "
            f"{notes['pending']} thư chờ gửi (bộ lập lịch của `make run` gửi)."
        )
