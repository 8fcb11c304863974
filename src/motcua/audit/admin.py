from django.contrib import admin

from motcua.audit import spool
from motcua.audit.models import AccessLog, AuditCheckpoint, AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only logs: looked at in the admin, never written there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "channel", "actor", "dossier", "ip", "key_id")
    list_filter = ("channel",)
    search_fields = ("dossier__code", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor", "dossier")
    raw_id_fields = ("dossier", "actor")

    def changelist_view(self, request, extra_context=None):
        # Spooled reads (this process's and dead workers') first: the list is what happened.
        spool.flush()
        return super().changelist_view(request, extra_context)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("gseq", "at", "event_type", "chain", "seq", "actor_label", "channel", "ip",
                    "key_id")
    list_filter = ("event_type",)
    search_fields = ("chain", "actor_label", "object_id")
    date_hierarchy = "at"


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("number", "at", "events_gseq", "access_seq", "key_id")
    date_hierarchy = "at"
