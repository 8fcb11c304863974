from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    verbose_name = "Hồ sơ"

    def ready(self) -> None:
        # Registers the signals that drop cached unit calendars when overrides change.
        from motcua.org import calendars  # noqa: F401
