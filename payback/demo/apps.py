from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "payback.demo"
    verbose_name = "Demo data"
