from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    verbose_name = _("Thông báo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from motcua.notifications.models import NotificationTemplate
        from motcua.notifications.templates import forget_templates

        # Edited wording applies to the next message: the cached templates are dropped.
        post_save.connect(forget_templates, sender=NotificationTemplate,
                          dispatch_uid="notifications.templates.save")
        post_delete.connect(forget_templates, sender=NotificationTemplate,
                            dispatch_uid="notifications.templates.delete")
