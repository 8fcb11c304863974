"""Convert DRF's plain tokens (rest_framework.authtoken, no longer installed) into hashed
tokens, then delete the plain rows: whoever can read the database no longer holds usable keys.

Converted tokens keep working (a kept benchmark dataset, a device in use) until they expire
after MOTCUA_API_TOKEN_DAYS, named "Mã cũ (chuyển đổi)" so the owner can revoke them.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone

PLAIN_TABLE = "authtoken_token"


def convert(apps, schema_editor):
    connection = schema_editor.connection
    if PLAIN_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = timezone.now()
    expires = now + dt.timedelta(days=settings.MOTCUA_API_TOKEN_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id FROM {PLAIN_TABLE}")
        rows = cursor.fetchall()
        ApiToken.objects.bulk_create(
            ApiToken(user_id=user_id, name="Mã cũ (chuyển đổi)",
                     key_hash=hashlib.sha256(key.encode()).hexdigest(), prefix=key[:8],
                     created_at=now, expires_at=expires)
            for key, user_id in rows
        )
        cursor.execute(f"DELETE FROM {PLAIN_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
