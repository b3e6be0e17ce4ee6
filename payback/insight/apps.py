from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "payback.insight"
    label = "insight"
    verbose_name = "Management information"
