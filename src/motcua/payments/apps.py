from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    verbose_name = "Thanh toán phí, lệ phí"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.dossiers import events
        from motcua.payments import hooks

        events.status_changed.connect(
            hooks.prepayment_receiver, dispatch_uid="payments.prepayment_before_acceptance"
        )
