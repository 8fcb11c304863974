from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from motcua.accounts.tokens import token_issue
from motcua.core.errors import DomainError


class Command(BaseCommand):
    help = ("Cấp mã truy cập API cho một thiết bị của cán bộ (issue an API token; the key is "
            "printed once and stored hashed).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="tên thiết bị, ví dụ “Máy quầy 3”")
        parser.add_argument("--days", type=int, default=None, help="số ngày hiệu lực")

    def handle(self, *args, username, name, days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{username}”.")
        try:
            token, key = token_issue(user=user, name=name, actor=None, days=days)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stderr.write(f"Mã cho “{token.name}”, hết hạn {token.expires_at:%d/%m/%Y}:")
        self.stdout.write(key)
