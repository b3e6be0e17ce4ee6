from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "payback.allocation"
    label = "allocation"
    verbose_name = "Allocation"
