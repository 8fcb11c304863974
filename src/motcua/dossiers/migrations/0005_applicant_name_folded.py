"""The folded applicant name (tên người nộp không dấu) for the staff search, backfilled."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from motcua.core.text import fold

    Dossier = apps.get_model("dossiers", "Dossier")
    rows = Dossier.objects.using(schema_editor.connection.alias).order_by("pk")
    batch = []
    for pk, name in rows.values_list("pk", "applicant_name").iterator(chunk_size=2000):
        batch.append(Dossier(pk=pk, applicant_name_folded=fold(name or "")[:255]))
        if len(batch) >= 2000:
            Dossier.objects.bulk_update(batch, ["applicant_name_folded"])
            batch = []
    if batch:
        Dossier.objects.bulk_update(batch, ["applicant_name_folded"])


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0004_worklist_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="applicant_name_folded",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["applicant_name_folded"], name="dossier_applicant_folded"),
        ),
    ]
