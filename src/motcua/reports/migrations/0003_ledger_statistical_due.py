"""``LedgerState.due_at`` now holds the statistical due recorded by the history rows
(``StatusChange.stat_due_at``), no longer the raw due: replay an existing ledger once."""

from django.db import migrations


def rebuild(apps, schema_editor):
    LedgerState = apps.get_model("reports", "LedgerState")
    if not LedgerState.objects.exists():
        return
    # The live replay (the same one ``motcua reports_rebuild`` runs): it reads only columns
    # that exist at this point of the migration graph.
    from motcua.reports.aggregates import ledger_rebuild

    ledger_rebuild(method="python")


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0002_rollups"),
        ("dossiers", "0009_statuschange_stat_due_at"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
