from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    verbose_name = "Hồ sơ"

    def ready(self) -> None:
        # Connects the receivers that drop the cache of published catalog parts.
        from motcua.dossiers.services import catalog_cache  # noqa: F401
