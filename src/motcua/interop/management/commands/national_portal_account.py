"""``motcua national_portal_account [--username U] [--days N]``: the national portal's system
account (tài khoản hệ thống) with only the permission to submit online dossiers, and a new API
token for it, printed once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand

from motcua.accounts.tokens import token_issue


class Command(BaseCommand):
    help = "Tạo (hoặc dùng lại) tài khoản hệ thống của Cổng DVC quốc gia và cấp mã truy cập API."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="cong-dvcqg")
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, **options):
        user, created = get_user_model().objects.get_or_create(
            username=options["username"],
            defaults={"first_name": "Cổng DVC quốc gia", "is_staff": False})
        if created:
            user.set_unusable_password()  # an API account: no sign-in to the pages
            user.save()
        permission = Permission.objects.get(codename="submit_from_national_portal",
                                            content_type__app_label="interop")
        user.user_permissions.add(permission)
        _, key = token_issue(user=user, name="Cổng DVC quốc gia", actor=None,
                             days=options["days"])
        self.stdout.write(key)
