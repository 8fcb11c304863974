"""The default Vietnamese wording per event as editable rows (mẫu thông báo), so the center
finds every event in the admin. Later edits are the center's: this only adds missing rows."""

from django.db import migrations

# A copy, not an import: a migration must keep meaning what it meant when written.
_GREETING = "Kính gửi {{ applicant_name|default:'ông/bà' }},\n\n"
_BODY = _GREETING + "{{ body }}\n\nTrung tâm Phục vụ hành chính công."
EVENTS = [
    "dossier.received", "dossier.supplement_requested", "dossier.refused",
    "dossier.apologised", "dossier.result_ready", "dossier.result_delivered",
]


def seed(apps, schema_editor):
    Template = apps.get_model("notifications", "NotificationTemplate")
    for event in EVENTS:
        Template.objects.get_or_create(event=event,
                                       defaults={"subject": "{{ subject }}", "body": _BODY})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
