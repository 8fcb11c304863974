from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "motcua.accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from motcua.accounts import signals  # noqa: F401
