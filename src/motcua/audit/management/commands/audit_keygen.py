import re
import secrets

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("In một khóa ký nhật ký mới, dạng id:bí_mật, để thêm vào cuối MOTCUA_AUDIT_KEY_FILE "
            "(motcua audit keygen --id 2027a).")

    def add_arguments(self, parser):
        parser.add_argument("--id", required=True, help="mã khóa: 1-16 chữ, số, _ . -")

    def handle(self, *args, **options):
        if not re.match(r"^[A-Za-z0-9_.-]{1,16}$", options["id"]):
            raise CommandError("Mã khóa: 1-16 chữ cái, chữ số, '_', '.' hoặc '-'.")
        self.stdout.write(f"{options['id']}:{secrets.token_urlsafe(48)}")
