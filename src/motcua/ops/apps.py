from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations (vận hành): health, metrics, request ids, backup, restore, retention."""

    name = "motcua.ops"
    label = "ops"
    verbose_name = "Vận hành"

    def ready(self) -> None:
        from motcua.ops import metrics, tasks  # noqa: F401  (collector and periodic tasks)

        metrics.install()
