from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "payback.allocation"
    verbose_name = "Allocation"
