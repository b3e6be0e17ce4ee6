from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "payback.home"
    label = "home"
    verbose_name = "Home pages"
