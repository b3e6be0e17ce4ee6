from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "payback.portal"
    label = "portal"
    verbose_name = "The service for people doing unpaid work"
