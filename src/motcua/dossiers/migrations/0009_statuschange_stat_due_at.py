"""The statistical due of each history row (issue 10: statistics never change the past).

Existing rows get the value the reports derived for them until now: the row's due, except that
an apology's date (the dossier's current ``rescheduled_due_at``) reads as ``original_due_at``.
"""

from django.db import migrations, models
from django.db.models import F, Q


def backfill(apps, schema_editor):
    StatusChange = apps.get_model("dossiers", "StatusChange")
    rows = StatusChange.objects.filter(due_at__isnull=False)
    apology = Q(dossier__rescheduled_due_at__isnull=False, dossier__original_due_at__isnull=False,
                due_at=F("dossier__rescheduled_due_at"))
    for pk, original in rows.filter(apology).values_list("pk", "dossier__original_due_at").iterator():
        StatusChange.objects.filter(pk=pk).update(stat_due_at=original)
    rows.exclude(apology).update(stat_due_at=F("due_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0008_random_file_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="statuschange",
            name="stat_due_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
