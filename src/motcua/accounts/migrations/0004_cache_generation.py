"""The change counter of cached sign-ins (``CacheGeneration``), raised by triggers on every
write that must end a cached authentication at once, in every worker process."""

from django.conf import settings
from django.db import migrations, models

from motcua.core import dbrules

COUNTER = "accounts_cachegeneration"
# (table, operations, columns whose change counts on UPDATE: all when empty)
WATCHED = [
    ("accounts_apitoken", ("UPDATE", "DELETE"), ("revoked_at", "expires_at", "key_hash", "user_id")),
    ("auth_user", ("UPDATE", "DELETE"), ("is_active", "password", "is_superuser", "username")),
    ("org_membership", ("INSERT", "UPDATE", "DELETE"), ()),
]


def first_row(apps, schema_editor):
    apps.get_model("accounts", "CacheGeneration").objects.get_or_create(pk=1, defaults={"value": 0})


def triggers(apps, schema_editor):
    for table, ops, watched in WATCHED:
        dbrules.bump_counter(schema_editor, table, counter_table=COUNTER, ops=ops, watched=watched)


def drop(apps, schema_editor):
    for table, _ops, _watched in WATCHED:
        dbrules.drop_counter_triggers(schema_editor, table, f"{table}_bumps_{COUNTER}")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_token_kind"),
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # After the last migration that rebuilds auth_user on SQLite (a rebuilt table loses
        # its triggers; tests/dossiers/test_version_triggers.py checks they are all there).
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="CacheGeneration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "thế hệ bộ nhớ đệm",
                "verbose_name_plural": "thế hệ bộ nhớ đệm",
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="cache_generation_one_row")],
            },
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
        migrations.RunPython(triggers, drop),
    ]
