from django.apps import AppConfig


class DevIdpConfig(AppConfig):
    name = "motcua.devidp"
    label = "devidp"
    verbose_name = "Nhà cung cấp định danh thử nghiệm"
