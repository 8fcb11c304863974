from django.apps import AppConfig


class PrintingConfig(AppConfig):
    name = "motcua.printing"
    verbose_name = "In ấn"
