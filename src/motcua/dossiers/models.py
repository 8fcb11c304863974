"""Dossiers (hồ sơ thủ tục hành chính) and their append-only histories.

The current status, due times and national codes are denormalised on ``Dossier`` for
indexing; the truth of what happened is in ``StatusChange``, ``DossierStep`` and
``DossierPause``, which are only ever appended to (or closed, for an open pause/step).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import (
    DocumentForm,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    TimeUnit,
)
from motcua.core.text import fold
from motcua.core.uploads import RandomName
from motcua.dossiers.states import (
    FINAL,
    NATIONAL_CODE,
    PAUSED,
    PROCESSING_ENDED,
    Channel,
    DeliveryMethod,
    Status,
)
from motcua.org.models import Counter, Unit


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức")


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class CodeSequence(models.Model):
    """Last dossier number used per receiving unit and day (mã hồ sơ: …-YYMMDD-XXXX)."""

    unit_code = models.CharField(max_length=35)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit_code", "day"], name="code_sequence_unique_day")
        ]


def overdue(status: str, due_at, now=None) -> bool:
    """``Dossier.is_overdue`` (quá hạn) from the two columns it reads: lists built from column
    values and the public lookup, without a model instance, answer the same."""
    if due_at is None or status in _NEVER_OVERDUE:
        return False
    return (now or timezone.now()) > due_at


# Finished, processing ended or clock stopped: never overdue (a function-level import of these
# sets cost a list page fifty imports).
_NEVER_OVERDUE = FINAL | PROCESSING_ENDED | PAUSED


# Held by a unit that neither received nor decides the dossier (an inter-agency transfer,
# a consultation). The condition of the partial index ``dossier_cur_third_x``; a query uses
# that index only when it carries this very condition (selectors._disjoint adds it to the
# current-unit arm, which implies it).
HELD_BY_THIRD = ~Q(current_unit=F("competent_unit")) & ~Q(current_unit=F("receiving_unit"))


class Dossier(models.Model):
    """An administrative dossier (hồ sơ)."""

    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    procedure_version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("thủ tục (phiên bản)"), on_delete=models.PROTECT,
        related_name="dossiers",
    )
    # Denormalised from the version for reporting without joins.
    field = models.ForeignKey(
        "catalog.Field", verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="+"
    )
    # No index of their own: every index starting with the unit column serves the foreign
    # key (dossier_recv_unit_at, dossier_comp_unit_at), and the two they used were given to
    # the worklists' received_at-ordered indexes (Meta.indexes, migration 0015).
    receiving_unit = models.ForeignKey(
        Unit, verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT,
        related_name="received_dossiers", db_index=False,
    )
    competent_unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan giải quyết"), on_delete=models.PROTECT,
        related_name="competent_dossiers", db_index=False,
    )
    current_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị đang giữ"), on_delete=models.PROTECT, related_name="held_dossiers"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ đang xử lý"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="held_dossiers",
    )
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices)
    counter = models.ForeignKey(
        Counter, verbose_name=_("quầy"), null=True, blank=True, on_delete=models.SET_NULL
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ tiếp nhận"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    # Applicant (người nộp hồ sơ) as declared at intake; kept as issued.
    applicant_kind = models.CharField(
        _("loại người nộp"), max_length=16, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("họ và tên / tên tổ chức"), max_length=255)
    # ``core.text.fold(applicant_name)``: "Trần Thị Thu Trang" -> "tran thi thu trang", so a
    # clerk finds a dossier by a name typed without diacritics. Set by ``save()`` (and by the
    # raw-SQL loaders, which call the same ``fold``); never edited by hand.
    applicant_name_folded = models.CharField(max_length=255, blank=True, default="",
                                             editable=False)
    applicant_id_number = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True, db_index=True)
    applicant_legacy_id = models.CharField(_("số CMND cũ"), max_length=12, blank=True)
    applicant_birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    applicant_gender = models.CharField(_("giới tính"), max_length=8, choices=Gender.choices, blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    organisation_tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    representative_name = models.CharField(_("người đại diện"), max_length=255, blank=True)
    authorised_by = models.CharField(_("người ủy quyền"), max_length=500, blank=True)
    request_summary = models.TextField(_("nội dung yêu cầu"), blank=True)
    copies = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)

    # Time (all aware datetimes). Inputs to worktime are stored so due times can be recomputed.
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True, db_index=True)
    clock_start = models.DateTimeField(
        _("mốc tính thời hạn"), null=True, blank=True,
        help_text=_("Thời điểm bắt đầu tính thời hạn (tính lại từ đầu sau khi bổ sung đủ)."),
    )
    time_value = models.DecimalField(_("thời hạn"), max_digits=7, decimal_places=2, null=True, blank=True)
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=16, choices=TimeUnit.choices, blank=True)
    cutoff = models.TimeField(_("giờ chốt"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(
        _("hẹn trả ban đầu"), null=True, blank=True,
        help_text=_("Hạn trước khi xin lỗi hẹn lại; dùng cho thống kê."),
    )
    rescheduled_due_at = models.DateTimeField(_("hẹn trả lại"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc xử lý lúc"), null=True, blank=True, db_index=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)

    status = models.CharField(_("trạng thái"), max_length=32, choices=Status.choices, db_index=True)
    national_status = models.PositiveSmallIntegerField(_("mã trạng thái quốc gia"), db_index=True)
    current_step = models.ForeignKey(
        "DossierStep", verbose_name=_("bước hiện tại"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)

    # Result (kết quả) and delivery.
    delivery_method = models.CharField(
        _("hình thức nhận kết quả"), max_length=8, choices=DeliveryMethod.choices,
        default=DeliveryMethod.COUNTER,
    )
    delivery_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=500, blank=True)
    result_number = models.CharField(_("số văn bản kết quả"), max_length=100, blank=True)
    # Random stored names (the upload policy, motcua.core.uploads); served only through the
    # access-checked download view, never from /media/.
    result_file = models.FileField(_("tệp kết quả"), upload_to=RandomName("results"), blank=True)
    result_signed = models.BooleanField(_("kết quả đã ký số"), default=False)
    returned_to = models.CharField(_("người nhận kết quả"), max_length=255, blank=True)
    returned_how = models.CharField(_("cách trả kết quả"), max_length=255, blank=True)

    # Flags the 766 index reads (§1.10).
    digitised = models.BooleanField(_("đã số hóa thành phần hồ sơ"), default=False)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    vneid_verified = models.BooleanField(_("xác thực VNeID"), default=False)
    fee_total = models.PositiveBigIntegerField(_("tổng phí, lệ phí (đồng)"), default=0)

    notes = models.TextField(_("ghi chú"), blank=True)
    refusal_reason = models.TextField(_("lý do từ chối / dừng"), blank=True)
    imported = models.BooleanField(_("nhập từ hệ thống cũ"), default=False)
    # The dossier's version: raised by database triggers on every UPDATE of this row and every
    # write of the rows its detail shows (migration 0011); the staff lookup's ETag is built from
    # it (dossiers/conditional.py). Services may raise it themselves; it never goes back.
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["holder", "status"], name="dossier_holder_status"),
            models.Index(fields=["receiving_unit", "received_at"], name="dossier_recv_unit_at"),
            models.Index(fields=["competent_unit", "received_at"], name="dossier_comp_unit_at"),
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            # Lists filtered by status, newest first (worklists at a million dossiers).
            models.Index(fields=["status", "received_at"], name="dossier_status_received"),
            # Narrowed lists (selectors.dossier_list): each arm of the unit OR reads one range
            # per unit column and status (and of due times for overdue / due soon), and finds
            # the ordering columns in the index too, so a page of ids and the count never
            # touch the table. The first replaces (current_unit, status). SQLite keeps the
            # rowid (= id) in every index; PostgreSQL needs it INCLUDEd for an index-only scan
            # (Django leaves INCLUDE out on SQLite). The arms are read as disjoint parts of a
            # UNION ALL (selectors._disjoint): the competent arm leaves out what the receiving
            # arm read, the current arm both, so those indexes carry the unit columns tested.
            models.Index(fields=["current_unit", "status", "due_at", "received_at",
                                 "receiving_unit", "competent_unit"],
                         include=["id"], name="dossier_cur_status_due_x"),
            models.Index(fields=["receiving_unit", "status", "due_at", "received_at"],
                         include=["id"], name="dossier_recv_status_due"),
            models.Index(fields=["competent_unit", "status", "due_at", "received_at",
                                 "receiving_unit"],
                         include=["id"], name="dossier_comp_status_due_x"),
            # The same arms newest first: a page of a list by status(es), newest first (the
            # API lists), is an ordered read of each arm and status that stops after the
            # page (selectors.IndexIds), where the due_at-ordered indexes made the database
            # sort every match (6,729 for the busiest unit's appraising list). The due_at
            # ones stay for the due-time ranges (overdue and due-soon counts, due-ordered
            # worklists). These took the places of the unit foreign keys' own indexes.
            # The id right after received_at makes each index in the list's whole order
            # (received_at, id): else SQLite preferred dossier_status_received, in that order
            # too, and walked it through the table for an arm with no match (30 ms).
            models.Index(fields=["receiving_unit", "status", "received_at", "id", "due_at"],
                         name="dossier_recv_status_at"),
            models.Index(fields=["competent_unit", "status", "received_at", "id", "due_at",
                                 "receiving_unit"],
                         name="dossier_comp_status_at"),
            # The current arm again, only for dossiers held by a unit that neither received
            # nor decides them (HELD_BY_THIRD above, which selectors._disjoint adds to every
            # current arm): through the full index that arm read all the entries the
            # competent arm had already taken (an open dossier is mostly held by its
            # competent unit), only to drop them — 9,144 for the busiest unit's overdue list
            # at 1M dossiers. Partial, so it holds the few dossiers away at a third unit,
            # not a million.
            models.Index(fields=["current_unit", "status", "due_at", "received_at",
                                 "receiving_unit", "competent_unit"],
                         include=["id"], name="dossier_cur_third_x",
                         condition=HELD_BY_THIRD),
            # The staff search by name (selectors.search_q).
            models.Index(fields=["applicant_name_folded"], name="dossier_applicant_folded"),
        ]
        # Rules the services check too: here so that no write path (an import, a script, a
        # hand-edited row) can store a dossier the services would have refused.
        constraints = [
            models.CheckConstraint(
                condition=models.Q(time_value__isnull=True) | models.Q(time_value__gt=0),
                name="dossier_time_value_positive",
            ),
            models.CheckConstraint(
                condition=~models.Q(delivery_method=DeliveryMethod.POST)
                | ~models.Q(delivery_address=""),
                name="dossier_post_needs_address",
            ),
            models.CheckConstraint(
                condition=~models.Q(applicant_kind=ApplicantKind.ORGANISATION)
                | ~models.Q(organisation_tax_code=""),
                name="dossier_organisation_needs_tax_code",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def fold_name(self) -> None:
        """What ``save`` does before writing (the intake's compiled insert calls it too)."""
        self.applicant_name_folded = fold(self.applicant_name or "")[:255]

    def save(self, *args, **kwargs):
        self.fold_name()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "applicant_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "applicant_name_folded"}
        super().save(*args, **kwargs)

    def set_status(self, status: str) -> None:
        self.status = status
        self.national_status = NATIONAL_CODE[status]

    @property
    def procedure(self):
        return self.procedure_version.procedure

    def is_overdue(self, now=None) -> bool:
        return overdue(self.status, self.due_at, now)


class ProvidedAs(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    COPY = "copy", _("Bản sao")
    DIGITAL = "digital", _("Bản điện tử")
    NONE = "none", _("Chưa nộp")


class DossierDocument(models.Model):
    """A document of the checklist as handed in (thành phần hồ sơ đã nộp)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    required = models.ForeignKey(
        RequiredDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.TextField(_("tên giấy tờ"))
    provided_as = models.CharField(_("hình thức nộp"), max_length=16, choices=ProvidedAs.choices)
    copies = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    file = models.FileField(_("tệp số hóa"), upload_to=RandomName("dossiers"), blank=True)

    class Meta:
        verbose_name = _("giấy tờ đã nộp")
        verbose_name_plural = _("giấy tờ đã nộp")
        ordering = ["id"]


class StatusChange(models.Model):
    """Append-only status history (lịch sử trạng thái)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=32, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=Status.choices)
    action = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    reason = models.TextField(blank=True)
    # The due time in force after this change, so a report "as of" any instant can tell
    # within-deadline from overdue without today's values.
    due_at = models.DateTimeField(null=True, blank=True)
    # The statistical due (hạn tính thống kê) in force after this change: the legal due, never
    # an apology's new date. Kept per row so that a later re-appointment, payment pause or
    # supplement can never rewrite a report of an earlier instant. Null on rows written before
    # it existed or by bulk loaders: reports then derive it from ``due_at`` (docs/reports.md).
    stat_due_at = models.DateTimeField(null=True, blank=True)
    step = models.ForeignKey(
        "DossierStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("lịch sử trạng thái")
        verbose_name_plural = _("lịch sử trạng thái")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="status_change_dossier_at")]


class StepOutcome(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class DossierStep(models.Model):
    """One hand-over of the processing control slip (Phiếu kiểm soát, Mẫu 06)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    process_step = models.ForeignKey(
        ProcessStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=255)
    role = models.CharField(max_length=16)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hours = models.DecimalField(max_digits=7, decimal_places=2)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=8, choices=StepOutcome.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier", "order", "id"]
        indexes = [
            # Visibility: "a step of my unit" is probed per candidate dossier.
            models.Index(fields=["unit", "dossier"], name="dossier_step_unit"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True) | models.Q(started_at__isnull=True)
                | models.Q(finished_at__gte=models.F("started_at")),
                name="step_finishes_after_start",
            ),
        ]


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Chờ bổ sung hồ sơ")
    PAYMENT = "payment", _("Chờ thực hiện nghĩa vụ tài chính")


class DossierPause(models.Model):
    """A stop of the clock (tạm dừng tính thời hạn)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=16, choices=PauseKind.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    resume_status = models.CharField(max_length=32, choices=Status.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    items = models.TextField(_("nội dung yêu cầu"), blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            # The state table allows one stop of the clock at a time; two open pauses would
            # make the paused time ambiguous.
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(ended_at__isnull=True),
                name="pause_one_open_per_dossier",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="pause_ends_after_start",
            ),
        ]


class Apology(models.Model):
    """Apology and new appointment (Văn bản xin lỗi và hẹn lại, Mẫu 04)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="apology")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="apologies")
    reason = models.TextField(_("lý do chậm"))
    previous_due_at = models.DateTimeField(_("hẹn trả cũ"))
    new_due_at = models.DateTimeField(_("hẹn trả mới"))
    issued_at = models.DateTimeField(_("ngày xin lỗi"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    explanation = models.TextField(_("văn bản giải trình"), blank=True)
    explanation_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="escalations"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản xin lỗi")
        verbose_name_plural = _("sổ xin lỗi")
        ordering = ["-issued_at"]


class CounterGuidance(models.Model):
    """A supplement guidance slip handed back at the counter (Mẫu 02), before any dossier."""

    procedure_version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField(max_length=255)
    applicant_id_number = models.CharField(max_length=12, blank=True)
    applicant_address = models.CharField(max_length=500, blank=True)
    applicant_phone = models.CharField(max_length=20, blank=True)
    applicant_email = models.EmailField(blank=True)
    items = models.TextField(_("yêu cầu hoàn thiện"))
    reason = models.TextField(_("lý do"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()


class NoticeDelivery(models.Model):
    """The one-stop desk handed the closing notice to the citizen (trao văn bản cho công dân).

    After an agency's refusal (văn bản từ chối giải quyết, with its reasons), a withdrawal or a
    stop (Mẫu 05), the notice goes back through the one-stop desk to the applicant, as a result
    would: at the counter, by post or electronically. The dossier's status does not change (it
    is final already, and the statistics count it as such); this row records the hand-over.
    """

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="notice_delivery"
    )
    how = models.CharField(_("cách trao"), max_length=16)  # a DeliveryMethod value
    handed_to = models.CharField(_("người nhận"), max_length=255)
    reference = models.CharField(_("số vận đơn / địa chỉ gửi"), max_length=255, blank=True)
    handed_at = models.DateTimeField(_("trao lúc"))
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("trao thông báo cho công dân")
        verbose_name_plural = _("trao thông báo cho công dân")


class DeadlineWarning(models.Model):
    """A warning already sent, so the scheduler never sends the same one twice."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="warnings")
    days_before = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "days_before", "due_at"], name="warning_unique"
            )
        ]


__all__ = [
    "Apology",
    "CodeSequence",
    "CounterGuidance",
    "DeadlineWarning",
    "Dossier",
    "DossierDocument",
    "DossierPause",
    "DossierStep",
    "DocumentForm",
    "NoticeDelivery",
    "StatusChange",
]
