from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "payback.core"
    label = "core"
    verbose_name = "Core"
