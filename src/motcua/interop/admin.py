from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from motcua.interop.models import NationalPortalDossier, NationalPortalEvent


@admin.register(NationalPortalEvent)
class NationalPortalEventAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "dossier_code", "status", "attempts", "next_attempt_at",
                    "sent_at"]
    list_filter = ["status"]
    search_fields = ["dossier_code"]
    readonly_fields = [f.name for f in NationalPortalEvent._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Gửi lại các bản đồng bộ đã chọn"), permissions=["view"])
    def retry(self, request, queryset):
        from motcua.interop.outbox import interop_retry

        count = interop_retry(actor=request.user, ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _("Đã xếp %(n)d bản vào hàng gửi lại.") % {"n": count},
                          messages.SUCCESS)


@admin.register(NationalPortalDossier)
class NationalPortalDossierAdmin(admin.ModelAdmin):
    list_display = ["external_id", "dossier", "received_at"]
    search_fields = ["external_id", "dossier__code"]
    readonly_fields = ["dossier", "external_id", "received_at"]

    def has_add_permission(self, request):
        return False
