"""Rules the services enforced only in Python, now check and partial unique constraints.

Rows written before the rules are repaired where the repair is mechanical (a chained approval
step stamped as started after it finished; a pause closed before it began; several pauses left
open), and otherwise named, so the upgrade stops with a list of dossiers to correct by hand
rather than failing on an anonymous constraint error.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def repair(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierStep = apps.get_model("dossiers", "DossierStep")
    DossierPause = apps.get_model("dossiers", "DossierPause")
    DossierStep.objects.filter(finished_at__lt=F("started_at")).update(started_at=F("finished_at"))
    DossierPause.objects.filter(ended_at__lt=F("started_at")).update(ended_at=F("started_at"))
    open_pauses = DossierPause.objects.filter(ended_at__isnull=True).order_by("dossier_id", "-started_at")
    latest: set[int] = set()
    for pause in open_pauses.only("id", "dossier_id", "started_at"):
        if pause.dossier_id in latest:
            DossierPause.objects.filter(pk=pause.pk).update(ended_at=pause.started_at)
        latest.add(pause.dossier_id)
    problems = {
        "thời hạn không dương (time_value <= 0)": Dossier.objects.filter(time_value__lte=0),
        "nhận qua bưu chính nhưng không có địa chỉ": Dossier.objects.filter(
            delivery_method="post", delivery_address=""),
        "tổ chức không có mã số thuế": Dossier.objects.filter(
            applicant_kind="organisation", organisation_tax_code=""),
    }
    found = [
        f"{label}: {', '.join(qs.values_list('code', flat=True)[:20])}"
        for label, qs in problems.items() if qs.exists()
    ]
    if found:
        raise RuntimeError(
            "Không thể thêm ràng buộc dữ liệu; hãy sửa các hồ sơ sau rồi chạy lại migrate:\n"
            + "\n".join(found)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0003_alter_procedureversion_name'),
        ('dossiers', '0005_applicant_name_folded'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='dossier',
            constraint=models.CheckConstraint(condition=models.Q(('time_value__isnull', True), ('time_value__gt', 0), _connector='OR'), name='dossier_time_value_positive'),
        ),
        migrations.AddConstraint(
            model_name='dossier',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('delivery_method', 'post'), _negated=True), models.Q(('delivery_address', ''), _negated=True), _connector='OR'), name='dossier_post_needs_address'),
        ),
        migrations.AddConstraint(
            model_name='dossier',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('applicant_kind', 'organisation'), _negated=True), models.Q(('organisation_tax_code', ''), _negated=True), _connector='OR'), name='dossier_organisation_needs_tax_code'),
        ),
        migrations.AddConstraint(
            model_name='dossierpause',
            constraint=models.UniqueConstraint(condition=models.Q(('ended_at__isnull', True)), fields=('dossier',), name='pause_one_open_per_dossier'),
        ),
        migrations.AddConstraint(
            model_name='dossierpause',
            constraint=models.CheckConstraint(condition=models.Q(('ended_at__isnull', True), ('ended_at__gte', models.F('started_at')), _connector='OR'), name='pause_ends_after_start'),
        ),
        migrations.AddConstraint(
            model_name='dossierstep',
            constraint=models.CheckConstraint(condition=models.Q(('finished_at__isnull', True), ('started_at__isnull', True), ('finished_at__gte', models.F('started_at')), _connector='OR'), name='step_finishes_after_start'),
        ),
    ]
