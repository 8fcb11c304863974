"""Floor administration. Complaints (phản ánh, kiến nghị) are read-only here: they are answered
in the workspace (``workspace:complaints``) through ``floor.feedback.complaint_answer``, which
checks who may answer, notifies the citizen and writes the audit event; an admin edit would
skip all three."""

from __future__ import annotations

from django.contrib import admin

from motcua.floor.models import Complaint


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("code", "subject", "unit", "status", "submitted_at", "due_at",
                    "answered_at", "published")
    list_filter = ("status", "published", "channel", "unit")
    search_fields = ("code", "subject", "name", "contact")
    date_hierarchy = "submitted_at"
    list_select_related = ("unit", "answered_by")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
