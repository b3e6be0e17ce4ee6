from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "payback.demo"
    label = "demo"
    verbose_name = "Demo data"
