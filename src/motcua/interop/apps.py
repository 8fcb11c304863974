from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "motcua.interop"
    verbose_name = _("Liên thông Cổng DVC quốc gia")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every status change of a dossier the national portal follows goes to its outbox.
        from motcua.interop import receivers  # noqa: F401
