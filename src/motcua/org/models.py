"""Organisation: units in a tree, counters, staff roles, working calendars.

Two-tier local government (since 1 July 2025): a province (tỉnh) holds the provincial
Public Administrative Service Center (Trung tâm Phục vụ hành chính công), the agencies
(sở, ban, ngành, Công an tỉnh) and the communes (xã, phường, đặc khu), each with its own
commune center. Units are versioned by validity dates, so historic dossiers keep the unit
they were received by after a merger.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    PROVINCIAL_CENTER = "provincial_center", _("Trung tâm Phục vụ hành chính công tỉnh")
    AGENCY = "agency", _("Sở, ban, ngành")
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    COMMUNE_CENTER = "commune_center", _("Trung tâm Phục vụ hành chính công xã")
    RECEIVING_POINT = "receiving_point", _("Điểm tiếp nhận và trả kết quả")
    DEPARTMENT = "department", _("Phòng chuyên môn")


RECEIVING_KINDS = {
    UnitKind.PROVINCIAL_CENTER,
    UnitKind.COMMUNE_CENTER,
    UnitKind.RECEIVING_POINT,
}


class Level(models.TextChoices):
    PROVINCE = "tinh", _("Cấp tỉnh")
    COMMUNE = "xa", _("Cấp xã")


class Unit(models.Model):
    """An organisational unit (đơn vị): province, center, agency, commune, department."""

    code = models.CharField(
        _("mã đơn vị"),
        max_length=35,
        unique=True,
        help_text=_("Mã định danh theo QCVN 102:2016, ví dụ 000.00.00.H15; dùng trong mã hồ sơ."),
    )
    code_qd20 = models.CharField(
        _("mã định danh QĐ 20/2020"), max_length=35, blank=True,
        help_text=_("Cùng mã theo thứ tự QĐ 20/2020/QĐ-TTg (cấp 1 bên trái)."),
    )
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=32, choices=UnitKind.choices)
    level = models.CharField(_("cấp"), max_length=4, choices=Level.choices, default=Level.PROVINCE)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cha"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    supervisor = models.ForeignKey(
        "self", verbose_name=_("UBND chủ quản (nhận giải trình)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="supervised",
        help_text=_("Nơi nhận báo cáo giải trình khi đơn vị trễ hạn."),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_receiving(self) -> bool:
        return self.kind in RECEIVING_KINDS

    def ancestors(self) -> list[Unit]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Counter(models.Model):
    """A reception counter (quầy) at a center, serving a set of fields."""

    center = models.ForeignKey(
        Unit, verbose_name=_("trung tâm"), on_delete=models.PROTECT, related_name="counters"
    )
    number = models.PositiveSmallIntegerField(_("số quầy"))
    name = models.CharField(_("tên quầy"), max_length=255)
    agency = models.ForeignKey(
        Unit, verbose_name=_("cơ quan cử cán bộ"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="staffed_counters",
    )
    fields = models.ManyToManyField(
        "catalog.Field", verbose_name=_("lĩnh vực phục vụ"), blank=True, related_name="counters"
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("quầy")
        verbose_name_plural = _("quầy")
        ordering = ["center", "number"]
        constraints = [
            models.UniqueConstraint(fields=["center", "number"], name="counter_unique_number")
        ]

    def __str__(self) -> str:
        return f"Quầy {self.number} – {self.name}"


class Role(models.TextChoices):
    RECEPTIONIST = "receptionist", _("Cán bộ tiếp nhận")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo")
    COURIER = "courier", _("Nhân viên bưu chính")
    CENTER_MANAGER = "center_manager", _("Quản lý trung tâm")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


class Membership(models.Model):
    """A staff member's role in a unit (vai trò của cán bộ tại đơn vị)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    counter = models.ForeignKey(
        Counter, verbose_name=_("quầy"), null=True, blank=True, on_delete=models.SET_NULL
    )
    title = models.CharField(_("chức danh"), max_length=100, blank=True)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("vai trò cán bộ")
        verbose_name_plural = _("vai trò cán bộ")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class CalendarOverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ")
    WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")
    CANCEL_HOLIDAY = "cancel_holiday", _("Bỏ ngày nghỉ mặc định")


class CalendarOverride(models.Model):
    """A yearly decision on top of the national calendar (quyết định nghỉ lễ, làm bù).

    ``unit`` empty means the whole installation; otherwise the unit and its descendants.
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="calendar_overrides",
    )
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=20, choices=CalendarOverrideKind.choices)
    name = models.CharField(_("tên"), max_length=255)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "date"], name="calendar_override_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.name}"


class WorkSchedule(models.Model):
    """Office hours of a unit (giờ làm việc), with the date they take effect."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="work_schedules",
    )
    effective_from = models.DateField(_("áp dụng từ"))
    sessions = models.CharField(
        _("các buổi làm việc"), max_length=100, default="07:00-11:30,13:30-17:00",
        help_text=_("Ví dụ 07:00-11:30,13:30-17:00"),
    )
    cutoff = models.TimeField(_("giờ chốt tiếp nhận"), default="15:00")
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.sessions} (từ {self.effective_from:%d/%m/%Y})"
