from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "payback.enforcement"
    label = "enforcement"
    verbose_name = "Enforcement"
