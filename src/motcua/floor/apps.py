from django.apps import AppConfig


class FloorConfig(AppConfig):
    name = "motcua.floor"
    verbose_name = "Sảnh trung tâm: lịch hẹn, số thứ tự, đánh giá"
    default_auto_field = "django.db.models.BigAutoField"
