"""Catalog administration (quản trị danh mục thủ tục).

Published versions are shown read-only; a change goes through "Tạo phiên bản mới" (a draft
copy) and "Công bố", both of which call the services so they are audited.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from motcua.catalog import services
from motcua.catalog.models import (
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    SearchSynonym,
    VersionStatus,
)
from motcua.catalog.records import CODE_RE, split_code
from motcua.core.errors import DomainError


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order", "procedure_count")
    search_fields = ("code", "name")
    ordering = ("order", "name")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _in_force=Count("versions", filter=Q(versions__status=VersionStatus.PUBLISHED))
        )

    @admin.display(description=_("số thủ tục đang áp dụng"), ordering="_in_force")
    def procedure_count(self, obj):
        return obj._in_force


class _PartInline(admin.TabularInline):
    """A part of a version: editable while the version is a draft only."""

    extra = 0

    def _editable(self, obj) -> bool:
        return obj is None or not obj.is_published

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class DocumentInline(_PartInline):
    model = RequiredDocument
    fields = ("order", "name", "form", "copies", "mandatory", "condition", "template")


class FeeInline(_PartInline):
    model = Fee
    fields = ("name", "amount", "description")


class StepInline(_PartInline):
    model = ProcessStep
    fields = ("order", "name", "role", "unit", "hours")
    autocomplete_fields = ("unit",)


@admin.action(description=_("Tạo phiên bản mới"))
def make_new_draft(modeladmin, request, queryset):
    procedures = {
        getattr(obj, "procedure", obj).pk: getattr(obj, "procedure", obj) for obj in queryset
    }
    for procedure in procedures.values():
        try:
            draft = services.procedure_version_new_draft(actor=request.user, procedure=procedure)
        except DomainError as exc:
            modeladmin.message_user(request, exc.message, messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                _("Đã tạo phiên bản dự thảo %(number)s của thủ tục %(code)s.")
                % {"number": draft.number, "code": procedure.code},
                messages.SUCCESS,
            )


@admin.action(description=_("Công bố"))
def publish(modeladmin, request, queryset):
    for version in queryset.select_related("procedure"):
        try:
            services.procedure_version_publish(actor=request.user, version=version)
        except DomainError as exc:
            modeladmin.message_user(request, exc.message, messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                _("Đã công bố phiên bản %(number)s của thủ tục %(code)s.")
                % {"number": version.number, "code": version.procedure.code},
                messages.SUCCESS,
            )


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ("procedure", "number", "name", "status", "field", "agency", "published_at")
    list_display_links = ("number", "name")
    list_filter = ("status", "level", "online_mode", "field")
    search_fields = ("procedure__code", "name")
    list_select_related = ("procedure", "field", "agency")
    autocomplete_fields = ("procedure", "agency", "receiving_units")
    readonly_fields = ("status", "published_at", "created_at")
    date_hierarchy = "published_at"
    inlines = (DocumentInline, FeeInline, StepInline)
    actions = (make_new_draft, publish)
    fieldsets = (
        (None, {"fields": ("procedure", "number", "status", "published_at", "name", "field")}),
        (
            _("Thực hiện"),
            {"fields": ("agency", "receiving_units", "level", "online_mode", "five_on_site",
                        "boundary_free")},
        ),
        (
            _("Thời hạn"),
            {"fields": ("legal_time_value", "legal_time_unit", "time_value", "time_unit",
                        "time_note", "cutoff")},
        ),
        (_("Phí, kết quả"), {"fields": ("fee_text", "result_type", "requires_paper_result")}),
        (_("Nguồn"), {"fields": ("legal_basis", "source", "note", "created_at")}),
    )

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Dossiers point at published versions; only an unused draft may go.
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["procedure", "number"]
        return fields


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ("link", "status", "name", "published_at")
    readonly_fields = fields
    extra = 0
    show_change_link = False
    can_delete = False
    ordering = ("-number",)

    @admin.display(description=_("phiên bản"))
    def link(self, obj):
        url = reverse("admin:catalog_procedureversion_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.number)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "current_name", "current_number", "national_code", "local_code")
    search_fields = ("code", "national_code", "current__name")
    list_select_related = ("current",)
    readonly_fields = ("current",)
    fields = ("code", "national_code", "local_code", "current")
    inlines = (VersionInline,)
    actions = (make_new_draft,)

    @admin.display(description=_("tên thủ tục"), ordering="current__name")
    def current_name(self, obj):
        return obj.current.name if obj.current_id else ""

    @admin.display(description=_("phiên bản đang áp dụng"), ordering="current__number")
    def current_number(self, obj):
        return obj.current.number if obj.current_id else None

    def save_model(self, request, obj, form, change):
        if not change and CODE_RE.match(obj.code) and not obj.national_code:
            obj.national_code, obj.local_code = split_code(obj.code)
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "national_code" in form.base_fields:
            form.base_fields["national_code"].required = False
            form.base_fields["national_code"].help_text = _(
                "Để trống: lấy từ mã thủ tục (1.014199.H05 → 1.014199)."
            )
        return form

    def get_readonly_fields(self, request, obj=None):
        # The code is the procedure's identity once dossiers may reference it.
        if obj is not None:
            return ("code", "national_code", "local_code", "current")
        return super().get_readonly_fields(request, obj)


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Từ viết tắt citizens type in the catalog search ("CCCD" -> "căn cước công dân")."""

    list_display = ("term", "meaning")
    search_fields = ("term", "meaning", "term_folded", "meaning_folded")
    ordering = ("term", "meaning")
