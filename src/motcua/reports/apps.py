from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "motcua.reports"
    verbose_name = "Báo cáo"

    def ready(self) -> None:
        from motcua.dossiers import events
        from motcua.reports import hooks

        events.status_changed.connect(
            hooks.status_changed_receiver, dispatch_uid="reports.ledger_on_status_change"
        )
        events.first_change_planned.connect(
            hooks.first_change_planned_receiver, dispatch_uid="reports.ledger_plan_first_change"
        )
        events.dossiers_imported.connect(
            hooks.dossiers_imported_receiver, dispatch_uid="reports.ledger_merge_imported"
        )
