"""Courier administration: each center's pickup times (giờ lấy hồ sơ); runs and batches are
read-only here (they change through the services: confirmations, custody)."""

from __future__ import annotations

from django.contrib import admin

from motcua.courier.models import Batch, PickupTime, Run


@admin.register(PickupTime)
class PickupTimeAdmin(admin.ModelAdmin):
    list_display = ("center", "time", "is_active")
    list_filter = ("is_active",)
    autocomplete_fields = ("center",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = ("center", "scheduled_at", "courier")
    list_filter = ("center",)
    date_hierarchy = "scheduled_at"


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ("number", "direction", "origin", "destination", "status", "discrepancy")
    list_filter = ("status", "direction")
    search_fields = ("number",)
