from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Installed only for its commands (``demo_load``, ``runserver_demo``); it has no models."""

    name = "motcua.demo"
    verbose_name = "Dữ liệu minh họa"
