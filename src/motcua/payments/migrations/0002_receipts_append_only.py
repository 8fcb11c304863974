"""Receipts are written once: the database refuses UPDATE and DELETE (a receipt is cancelled by
a new cancelling receipt)."""

from django.db import migrations

from motcua.core import dbrules

TABLE = "payments_receipt"


def forwards(apps, schema_editor):
    dbrules.append_only(schema_editor, TABLE, code="receipt_append_only")


def backwards(apps, schema_editor):
    dbrules.drop_append_only(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
