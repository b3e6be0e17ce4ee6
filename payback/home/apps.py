from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "payback.home"
    label = "home"
    verbose_name = "Home pages"

    def ready(self) -> None:
        # The menu's counts come from the apps the home page reads.
        from . import navigation

        navigation.register()
