from django.contrib import admin

from motcua.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "event_type", "chain", "seq", "actor_label", "channel")
    list_filter = ("event_type",)
    search_fields = ("chain", "actor_label", "object_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
