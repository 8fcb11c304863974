"""Operations state kept in the database (shared by every node)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRule(models.Model):
    """How long a procedure field's dossiers keep personal data and files (thời hạn lưu giữ).

    Counted from the day a dossier closed (returned, refused, withdrawn, stopped). After
    ``personal_data_years`` the applicant's personal data is anonymised (Nghị định 13/2023/NĐ-CP:
    kept no longer than its purpose needs); after ``files_years`` the stored files (scanned
    documents, the result file) are deleted, once the archive has taken them (Luật Lưu trữ and
    the province's retention list). The dossier row — code, procedure, dates, status — stays:
    statistics and the audit log rest on it. One rule with no field is the default."""

    field = models.OneToOneField("catalog.Field", on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="retention_rule",
                                 verbose_name=_("lĩnh vực"))
    personal_data_years = models.PositiveSmallIntegerField(_("giữ dữ liệu cá nhân (năm)"))
    files_years = models.PositiveSmallIntegerField(_("giữ tệp (năm)"))
    basis = models.CharField(_("căn cứ"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("thời hạn lưu giữ")
        verbose_name_plural = _("thời hạn lưu giữ")
        constraints = [
            models.UniqueConstraint(fields=["field"], name="ops_retention_one_per_field"),
            models.UniqueConstraint(fields=["personal_data_years"],
                                    condition=models.Q(field__isnull=True),
                                    name="ops_retention_one_default"),
            models.CheckConstraint(
                condition=models.Q(personal_data_years__gte=1, personal_data_years__lte=100,
                                   files_years__gte=1, files_years__lte=100),
                name="ops_retention_years_1_to_100"),
        ]
