from django.contrib import admin

from motcua.ops.models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("field", "personal_data_years", "files_years", "basis")
