from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "motcua.org"
    verbose_name = "Tổ chức"

    def ready(self) -> None:
        # Connects the receivers that drop cached unit calendars when overrides change.
        from motcua.org import calendars  # noqa: F401
