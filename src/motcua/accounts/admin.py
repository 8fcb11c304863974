from django.contrib import admin, messages

from motcua.accounts.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by their owner; the admin lists and revokes, never shows a key."""

    list_display = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at",
                    "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "expires_at",
                       "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Thu hồi các mã đã chọn")
    def revoke(self, request, queryset):
        from motcua.accounts import tokens

        for token in queryset.filter(revoked_at__isnull=True):
            tokens.token_revoke(token=token, actor=request.user)
        self.message_user(request, "Đã thu hồi.", messages.SUCCESS)
