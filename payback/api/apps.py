from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "payback.api"
    label = "api"
    verbose_name = "API"
