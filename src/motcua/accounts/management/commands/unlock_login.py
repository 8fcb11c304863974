from django.core.management.base import BaseCommand, CommandError

from motcua.accounts.lockouts import locked, lockout_lift


class Command(BaseCommand):
    help = "Mở khóa đăng nhập của một tài khoản hoặc một địa chỉ (lift a login lockout)."

    def add_arguments(self, parser):
        parser.add_argument("--username", help="tên đăng nhập bị khóa")
        parser.add_argument("--ip", help="địa chỉ IP bị khóa")
        parser.add_argument("--list", action="store_true", help="liệt kê các khóa hiện có")

    def handle(self, *args, username=None, ip=None, list=False, **options):
        if list:
            for lock in locked():
                self.stdout.write(f"{lock.kind}\t{lock.value}\t{lock.failures}\t{lock.last_attempt:%d/%m/%Y %H:%M}")
            return
        if not username and not ip:
            raise CommandError("Cần --username hoặc --ip (hoặc --list).")
        count = lockout_lift(actor=None, username=username, ip_address=ip)
        self.stdout.write(f"Đã mở khóa: {count} bản ghi.")
