from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "payback.api"
    verbose_name = "API"
