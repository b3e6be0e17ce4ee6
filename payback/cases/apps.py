from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "payback.cases"
    label = "cases"
    verbose_name = "Cases"
