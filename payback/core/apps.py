from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "payback.core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Background tasks carry the id of the request that queued them, and are counted.
        from . import task_trace  # noqa: F401
