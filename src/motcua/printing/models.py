"""Numbers of issued forms (số văn bản) and register entries (số thứ tự trong sổ theo dõi).

Each form a unit issues gets the next number of that unit's yearly series ("Số: 12/PBS-TTPVHCC",
numbered from 1 each calendar year as NĐ 30/2020/NĐ-CP numbers documents), and each received
dossier the next entry of the unit's yearly tracking register (Mẫu 07: "Quyển số 01/2026, Số thứ
tự 123"). A number is given once, when the form is first issued; a reprint shows the same one.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Unit

# The series of register entries; form numbers use the form key ("mau-02") as their series.
REGISTER_SERIES = "register"


class NumberSequence(models.Model):
    """Last number used per unit, year and series (race-safe like dossier codes)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=16)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "series"], name="number_sequence_unique_series"
            )
        ]


class IssuedNumber(models.Model):
    """The number one document (``subject``) got in one series when first issued."""

    subject = models.CharField(_("văn bản"), max_length=80)  # "dossier:12", "guidance:4", …
    series = models.CharField(_("loại"), max_length=16)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT,
                             related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    issued_at = models.DateTimeField(_("cấp lúc"))

    class Meta:
        verbose_name = _("số văn bản đã cấp")
        verbose_name_plural = _("số văn bản đã cấp")
        constraints = [
            models.UniqueConstraint(fields=["subject", "series"], name="issued_number_once"),
            models.UniqueConstraint(
                fields=["unit", "year", "series", "number"], name="issued_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.number}/{self.year} ({self.subject})"
