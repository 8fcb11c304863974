from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "motcua.workspace"
    verbose_name = "Không gian làm việc"
