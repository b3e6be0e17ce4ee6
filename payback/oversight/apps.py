from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "payback.oversight"
    label = "oversight"
    verbose_name = "Management oversight"
