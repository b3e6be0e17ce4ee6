from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "payback.cases"
    verbose_name = "Cases"
