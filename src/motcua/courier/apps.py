from django.apps import AppConfig


class CourierConfig(AppConfig):
    name = "motcua.courier"
    verbose_name = "Bưu chính"

    def ready(self) -> None:
        # The paper trail follows the dossier's transitions (transfer → waits for the courier;
        # issue → the paper result waits to come back): see hooks.
        from motcua.courier import hooks
        from motcua.dossiers import events

        events.status_changed.connect(
            hooks.status_changed_receiver, dispatch_uid="courier.paper_trail_on_status_change"
        )
