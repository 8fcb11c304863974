from django.contrib import admin

from motcua.payments.models import Payment, ProcedurePaymentPolicy, Receipt


@admin.register(ProcedurePaymentPolicy)
class ProcedurePaymentPolicyAdmin(admin.ModelAdmin):
    list_display = ("procedure", "pay_before_acceptance")
    list_filter = ("pay_before_acceptance",)
    autocomplete_fields = ("procedure",)


class _ReadOnly(admin.ModelAdmin):
    """Payments and receipts change only through the services (counter, IPN)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(_ReadOnly):
    list_display = ("txn_ref", "dossier", "method", "provider", "amount", "status", "created_at")
    list_filter = ("method", "provider", "status")
    search_fields = ("txn_ref", "dossier__code")


@admin.register(Receipt)
class ReceiptAdmin(_ReadOnly):
    list_display = ("number", "year", "unit", "kind", "dossier", "amount", "issued_at")
    list_filter = ("kind", "year")
    search_fields = ("dossier__code",)
