from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "payback.core"
    verbose_name = "Core"
