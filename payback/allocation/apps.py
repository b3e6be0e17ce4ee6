from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "payback.allocation"
    verbose_name = "Allocation"

    def ready(self) -> None:
        from . import liveness  # noqa: F401 - every task worker marks failed the runs whose worker died
