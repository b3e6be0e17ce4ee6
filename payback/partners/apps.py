from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "payback.partners"
    label = "partners"
    verbose_name = "The service for beneficiaries' named contacts"
