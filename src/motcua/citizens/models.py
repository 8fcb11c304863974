"""Citizens (công dân) of the portal: the verified identity, online drafts, uploaded files and
the electronic document store (kho dữ liệu điện tử của công dân) keyed by the ID number."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureVersion, RequiredDocument
from motcua.core.uploads import RandomName
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.org.models import Unit


class CitizenProfile(models.Model):
    """A person signed in through the identity provider (VNeID through the national portal).

    The identity fields come from the provider's verified claims, never from a form."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="citizen")
    id_number = models.CharField(_("số định danh cá nhân"), max_length=12, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=255)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=8, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    # The organisation the person represents at law (người đại diện theo pháp luật), when the
    # provider says so: they may apply in its name.
    organisation_tax_code = models.CharField(_("mã số thuế tổ chức"), max_length=14, blank=True)
    organisation_name = models.CharField(_("tên tổ chức"), max_length=255, blank=True)
    issuer = models.CharField(_("nhà cung cấp định danh"), max_length=255)
    subject = models.CharField(_("mã định danh tại nhà cung cấp"), max_length=255)
    verified_at = models.DateTimeField(_("xác thực lúc"))

    class Meta:
        verbose_name = _("công dân")
        verbose_name_plural = _("công dân")
        constraints = [
            models.CheckConstraint(condition=models.Q(id_number__regex=r"^[0-9]{12}$"),
                                   name="citizen_id_number_12_digits"),
            models.UniqueConstraint(fields=["issuer", "subject"], name="citizen_unique_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.id_number})"


class DraftStatus(models.TextChoices):
    OPEN = "open", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp")


class Draft(models.Model):
    """Hồ sơ đang soạn: what the citizen entered so far, page by page (resumable).

    ``token`` is the idempotency key of the submission: the second POST of the same draft finds
    it submitted and shows the same dossier instead of a second one."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    citizen = models.ForeignKey(CitizenProfile, on_delete=models.CASCADE, related_name="drafts")
    procedure_version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT,
                                          related_name="+")
    receiving_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    as_organisation = models.BooleanField(_("nộp cho tổ chức"), default=False)
    applicant = models.JSONField(_("người nộp"), default=dict, blank=True)
    request_summary = models.TextField(_("nội dung yêu cầu"), blank=True)
    delivery = models.JSONField(_("nhận kết quả"), default=dict, blank=True)
    status = models.CharField(max_length=16, choices=DraftStatus.choices,
                              default=DraftStatus.OPEN)
    dossier = models.OneToOneField(Dossier, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="online_draft")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ đang soạn")
        verbose_name_plural = _("hồ sơ đang soạn")
        ordering = ["-updated_at"]
        constraints = [
            # A submitted draft names its dossier; an open one has none.
            models.CheckConstraint(
                condition=(models.Q(status=DraftStatus.OPEN, dossier__isnull=True)
                           | models.Q(status=DraftStatus.SUBMITTED, dossier__isnull=False)),
                name="draft_submitted_has_dossier",
            ),
        ]


class Source(models.TextChoices):
    CITIZEN = "citizen", _("Công dân tải lên trên cổng")
    SUPPLEMENT = "supplement", _("Công dân bổ sung trên cổng")
    COUNTER_SCAN = "counter_scan", _("Cán bộ số hóa tại quầy")
    RESULT = "result", _("Kết quả giải quyết")
    REUSED = "reused", _("Lấy từ kho dữ liệu công dân")


class ElectronicDocument(models.Model):
    """Giấy tờ điện tử in the citizen's store, linked to their ID number with its provenance:
    every accepted document and every result of their dossiers."""

    id_number = models.CharField(_("số định danh cá nhân"), max_length=12, db_index=True)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    required = models.ForeignKey(RequiredDocument, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(_("tệp"), upload_to=RandomName("kho"))
    size = models.PositiveBigIntegerField(default=0)
    source = models.CharField(_("nguồn"), max_length=16, choices=Source.choices)
    source_dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giấy tờ điện tử")
        verbose_name_plural = _("kho giấy tờ điện tử")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(id_number__regex=r"^[0-9]{12}$"),
                                   name="edoc_id_number_12_digits"),
        ]


class CitizenFile(models.Model):
    """One stored file of a required document (a document may have several pages/files): in a
    draft, then in the dossier it became; or a supplement, or a counter scan."""

    draft = models.ForeignKey(Draft, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="files")
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="citizen_files")
    required = models.ForeignKey(RequiredDocument, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(DossierDocument, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="files")
    label = models.CharField(_("giấy tờ"), max_length=500, blank=True)
    file = models.FileField(_("tệp"), upload_to=RandomName("citizens"))
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    source = models.CharField(_("nguồn"), max_length=16, choices=Source.choices)
    reused_from = models.ForeignKey(ElectronicDocument, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(draft__isnull=False) | models.Q(dossier__isnull=False),
                name="citizen_file_belongs_somewhere",
            ),
        ]


class UsedNonce(models.Model):
    """A nonce of the mobile app's sign-in already exchanged (nonce đã dùng): the token
    exchange accepts each (issuer, nonce) once for as long as its ID token lives. Held in the
    database, under a unique key, so every worker process and node refuses a replay (a
    per-process cache let a token be exchanged once per worker)."""

    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("nonce đã dùng")
        verbose_name_plural = _("nonce đã dùng")
