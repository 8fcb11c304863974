from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from motcua.notifications.models import (
    NotificationPreference,
    NotificationTemplate,
    OutboxMessage,
    SchedulerHeartbeat,
)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The outbox is written by the services: the admin shows each row's state and sends
    failed rows again ("Gửi lại")."""

    list_display = ["id", "created_at", "event", "channel", "address", "dossier_code", "status",
                    "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["dossier_code", "address", "subject"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Gửi lại các thư đã chọn"), permissions=["view"])
    def retry(self, request, queryset):
        from motcua.notifications.outbox import outbox_retry

        count = outbox_retry(actor=request.user, ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _("Đã xếp %(n)d thư vào hàng gửi lại.") % {"n": count},
                          messages.SUCCESS)


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    list_display = ["event", "subject", "active", "updated_at"]
    list_filter = ["active"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        from django import forms

        from motcua.notifications.templates import render_text

        form = super().get_form(request, obj, change=change, **kwargs)

        class Checked(form):  # type: ignore[valid-type,misc]
            def clean(self):
                data = super().clean()
                for name in ("subject", "body"):
                    try:
                        render_text(data.get(name) or "", {})
                    except Exception as exc:
                        raise forms.ValidationError(
                            {name: _("Mẫu không hợp lệ: %(e)s") % {"e": exc}}) from exc
                return data

        return Checked


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["id_number", "phone", "email", "by_email", "by_sms", "by_zalo", "updated_at"]
    search_fields = ["id_number", "phone", "email"]


@admin.register(SchedulerHeartbeat)
class SchedulerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "beat_at", "pid"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
