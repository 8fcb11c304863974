"""Organisation administration (quản trị tổ chức): units, counters, staff roles, calendars."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.org.models import CalendarOverride, Counter, Membership, Unit, WorkSchedule


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "level", "parent", "is_active")
    list_filter = ("kind", "level", "is_active")
    search_fields = ("code", "name", "short_name", "code_qd20")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent", "supervisor")
    fieldsets = (
        (None, {"fields": ("code", "code_qd20", "name", "short_name", "kind", "level")}),
        (_("Quan hệ"), {"fields": ("parent", "supervisor")}),
        (_("Liên hệ"), {"fields": ("address", "phone", "email")}),
        (_("Hiệu lực"), {"fields": ("valid_from", "valid_to", "is_active")}),
    )


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("center", "number", "name", "agency", "is_active")
    list_filter = ("is_active", "center")
    search_fields = ("name", "center__name", "center__code")
    list_select_related = ("center", "agency")
    autocomplete_fields = ("center", "agency")
    filter_horizontal = ("fields",)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "unit", "legal_basis")
    list_filter = ("kind",)
    search_fields = ("name", "legal_basis")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    date_hierarchy = "date"


@admin.register(WorkSchedule)
class WorkScheduleAdmin(admin.ModelAdmin):
    list_display = ("unit", "effective_from", "sessions", "cutoff", "legal_basis")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("unit", "role", "counter", "title", "valid_from", "valid_to")
    autocomplete_fields = ("unit",)
    extra = 0


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the staff member's roles in units (vai trò cán bộ)."""

    inlines = (*DjangoUserAdmin.inlines, MembershipInline)
