from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "payback.quality"
    label = "quality"
    verbose_name = "Quality assurance"
