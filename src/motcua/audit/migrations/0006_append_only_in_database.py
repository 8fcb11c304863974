"""The audit events, the access log and the checkpoints are append-only in the database too:
UPDATE and DELETE are refused by triggers (SQLite and PostgreSQL). The MACs detect what someone
who turns the triggers off does; the triggers stop every ordinary path from trying."""

from django.db import migrations

from motcua.core import dbrules

TABLES = ("audit_auditevent", "audit_accesslog", "audit_auditcheckpoint")


def forwards(apps, schema_editor):
    for table in TABLES:
        dbrules.append_only(schema_editor, table, code="audit_append_only")


def backwards(apps, schema_editor):
    for table in TABLES:
        dbrules.drop_append_only(schema_editor, table)


class Migration(migrations.Migration):
    # After 0005, which re-MACs the rows already written.
    dependencies = [("audit", "0005_mac_existing_rows")]

    operations = [migrations.RunPython(forwards, backwards)]
