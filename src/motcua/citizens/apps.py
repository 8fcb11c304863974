from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "motcua.citizens"
    label = "citizens"
    verbose_name = "Công dân, hồ sơ trực tuyến"

    def ready(self) -> None:
        from motcua.citizens import receivers  # noqa: F401  (connects to dossiers.events)
