"""Procedure catalog: fields, procedures (versioned), documents, fees, process steps.

Type vs instance: a ``ProcedureVersion`` is published and then immutable; a dossier keeps a
reference to the version it was received under, so a later change of time limit or fee never
rewrites an existing dossier.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.core.text import fold
from motcua.org.models import Level, Unit


class Field(models.Model):
    """A field (lĩnh vực) of administrative procedures."""

    code = models.CharField(_("mã lĩnh vực"), max_length=32, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")


class OnlineMode(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Trực tiếp")


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) identity; its content is versioned."""

    code = models.CharField(_("mã thủ tục"), max_length=64, unique=True)
    national_code = models.CharField(_("mã quốc gia"), max_length=16, db_index=True)
    local_code = models.CharField(_("hậu tố địa phương"), max_length=40, blank=True)
    current = models.ForeignKey(
        "ProcedureVersion", verbose_name=_("phiên bản đang áp dụng"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.current.name if self.current_id else ''}".strip()


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã công bố")
    RETIRED = "retired", _("Hết hiệu lực")


class ProcedureVersion(models.Model):
    """One published content of a procedure (phiên bản thủ tục). Immutable once published."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("phiên bản số"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    search_text = models.TextField(_("chuỗi tìm kiếm"), blank=True, editable=False)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="versions"
    )
    agency = models.ForeignKey(
        Unit, verbose_name=_("cơ quan thực hiện"), on_delete=models.PROTECT,
        related_name="procedure_versions",
    )
    receiving_units = models.ManyToManyField(
        Unit, verbose_name=_("nơi tiếp nhận"), blank=True, related_name="received_procedures"
    )
    level = models.CharField(_("cấp thực hiện"), max_length=4, choices=Level.choices)
    legal_time_value = models.DecimalField(
        _("thời hạn theo quy định"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    legal_time_unit = models.CharField(
        _("đơn vị thời hạn quy định"), max_length=16, choices=TimeUnit.choices, blank=True
    )
    time_value = models.DecimalField(
        _("thời hạn cam kết"), max_digits=7, decimal_places=2, null=True, blank=True,
        help_text=_("Thời hạn trung tâm cam kết (cắt giảm); để trống nếu bằng thời hạn quy định."),
    )
    time_unit = models.CharField(
        _("đơn vị thời hạn cam kết"), max_length=16, choices=TimeUnit.choices, blank=True
    )
    time_note = models.TextField(_("ghi chú thời hạn"), blank=True)
    cutoff = models.TimeField(_("giờ chốt tính ngày"), null=True, blank=True)
    fee_text = models.TextField(_("phí, lệ phí (nguyên văn)"), blank=True)
    result_type = models.CharField(_("kết quả"), max_length=500, blank=True)
    requires_paper_result = models.BooleanField(_("kết quả bản giấy"), default=True)
    online_mode = models.CharField(
        _("dịch vụ công trực tuyến"), max_length=8, choices=OnlineMode.choices,
        default=OnlineMode.NONE,
    )
    five_on_site = models.BooleanField(
        _("\"5 tại chỗ\""), default=False,
        help_text=_("Tiếp nhận, thẩm định, phê duyệt, đóng dấu, trả kết quả tại trung tâm."),
    )
    boundary_free = models.BooleanField(_("không phụ thuộc địa giới hành chính"), default=False)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    source = models.TextField(_("nguồn"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}: {self.name}"

    @property
    def is_published(self) -> bool:
        return self.status != VersionStatus.DRAFT

    @property
    def effective_time(self) -> tuple[object, str]:
        """The committed time limit if set, else the legal one."""
        if self.time_value is not None and self.time_unit:
            return self.time_value, self.time_unit
        return self.legal_time_value, self.legal_time_unit

    def save(self, *args, **kwargs):
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values("status").first()
            if stored and stored["status"] != VersionStatus.DRAFT:
                allowed = set(kwargs.get("update_fields") or ())
                if not allowed or not allowed <= {"status"}:
                    raise ValidationError(
                        _("Phiên bản đã công bố không được sửa; hãy tạo phiên bản mới.")
                    )
        self.search_text = fold(f"{self.procedure.code} {self.name}")
        super().save(*args, **kwargs)


class _VersionPart(models.Model):
    """A part of a version's content; frozen with it once published."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.version.is_published:
            raise ValidationError(_("Phiên bản đã công bố không được sửa; hãy tạo phiên bản mới."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.version.is_published:
            raise ValidationError(_("Phiên bản đã công bố không được sửa; hãy tạo phiên bản mới."))
        return super().delete(*args, **kwargs)


class DocumentForm(models.TextChoices):
    # A context of their own: the dossier's "provided as" labels share these words and must
    # stay Vietnamese on the printed forms.
    ORIGINAL = "original", pgettext_lazy("giấy tờ thủ tục", "Bản chính")
    COPY = "copy", pgettext_lazy("giấy tờ thủ tục", "Bản sao")
    CERTIFIED_COPY = "certified_copy", pgettext_lazy("giấy tờ thủ tục", "Bản sao chứng thực")
    PRESENT = "present", pgettext_lazy("giấy tờ thủ tục", "Xuất trình")
    ANY = "any", pgettext_lazy("giấy tờ thủ tục", "Bản chính hoặc bản sao")


class RequiredDocument(_VersionPart):
    """A required document (thành phần hồ sơ) of a procedure version."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("phiên bản"), on_delete=models.CASCADE,
        related_name="documents",
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.TextField(_("tên giấy tờ"))
    form = models.CharField(
        _("hình thức"), max_length=16, choices=DocumentForm.choices, default=DocumentForm.ANY
    )
    copies = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    condition = models.CharField(_("điều kiện"), max_length=500, blank=True)
    template = models.FileField(_("mẫu đơn, tờ khai"), upload_to="templates/", blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return self.name


class Fee(_VersionPart):
    """A fee or charge (phí, lệ phí)."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("phiên bản"), on_delete=models.CASCADE, related_name="fees"
    )
    name = models.CharField(_("tên khoản thu"), max_length=255)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"), null=True, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    # What is owed is computed in one place, ``catalog.fees.assess``, from these columns.
    per_copy = models.BooleanField(
        _("tính theo bản"), default=False,
        help_text=_("Số tiền là đơn giá mỗi bản; số bản nhập khi tiếp nhận (mặc định 1)."),
    )
    online_reduction_percent = models.PositiveSmallIntegerField(
        _("giảm khi nộp trực tuyến (%)"), default=0,
        help_text=_("Mức giảm do tỉnh quy định cho hồ sơ nộp trực tuyến (0–100)."),
    )
    exemptions = models.JSONField(
        _("đối tượng miễn"), default=list, blank=True,
        help_text=_("Danh sách đối tượng được miễn khoản thu này; cán bộ chọn khi tiếp nhận."),
    )

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="catalog_fee_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(online_reduction_percent__gte=0,
                                   online_reduction_percent__lte=100),
                name="catalog_fee_online_reduction_percent",
            ),
            # A per-copy fee needs its unit amount.
            models.CheckConstraint(
                condition=models.Q(per_copy=False) | models.Q(amount__isnull=False),
                name="catalog_fee_per_copy_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StepRole(models.TextChoices):
    RECEPTION = "reception", _("Bộ phận một cửa")
    LEADER = "leader", _("Lãnh đạo")
    SPECIALIST = "specialist", _("Chuyên viên")
    CLERK = "clerk", _("Văn thư")
    PARTNER = "partner", _("Cơ quan phối hợp")


class ProcessStep(_VersionPart):
    """A step of the internal process (quy trình nội bộ): who does what, by when."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("phiên bản"), on_delete=models.CASCADE,
        related_name="steps",
    )
    order = models.PositiveSmallIntegerField(_("bước"))
    name = models.CharField(_("nội dung công việc"), max_length=255)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị thực hiện"), null=True, blank=True, on_delete=models.PROTECT,
        help_text=_("Để trống: cơ quan thực hiện thủ tục (hoặc trung tâm với bước một cửa)."),
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=StepRole.choices)
    hours = models.DecimalField(_("thời gian (giờ làm việc)"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class SearchSynonym(models.Model):
    """An abbreviation or everyday word citizens type (từ viết tắt, từ đồng nghĩa): "CCCD" for
    "căn cước công dân", "sổ đỏ" for "quyền sử dụng đất". The catalog search
    (``selectors.procedures_search``) finds a procedure naming either. Edited by the center in
    the admin; one row per meaning, so a term may have several.
    """

    term = models.CharField(_("từ viết tắt / từ thường dùng"), max_length=64)
    meaning = models.CharField(_("nghĩa đầy đủ"), max_length=255)
    term_folded = models.CharField(max_length=64, editable=False, db_index=True)
    meaning_folded = models.CharField(max_length=255, editable=False)

    class Meta:
        verbose_name = _("từ đồng nghĩa khi tìm thủ tục")
        verbose_name_plural = _("từ đồng nghĩa khi tìm thủ tục")
        ordering = ["term", "meaning"]
        constraints = [models.UniqueConstraint(fields=["term_folded", "meaning_folded"],
                                               name="search_synonym_unique")]

    def __str__(self) -> str:
        return f"{self.term} → {self.meaning}"

    def clean(self):
        # The unique constraint is on the folded columns, which the admin form does not hold.
        same = SearchSynonym.objects.filter(term_folded=fold(self.term or ""),
                                            meaning_folded=fold(self.meaning or ""))
        if not fold(self.term or "") or not fold(self.meaning or ""):
            raise ValidationError(_("Cần ghi cả từ viết tắt và nghĩa đầy đủ."))
        if same.exclude(pk=self.pk).exists():
            raise ValidationError(_("Từ này đã có nghĩa này."))

    def save(self, *args, **kwargs):
        self.term = self.term.strip()
        self.meaning = self.meaning.strip()
        self.term_folded = fold(self.term)
        self.meaning_folded = fold(self.meaning)
        super().save(*args, **kwargs)
