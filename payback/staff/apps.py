from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StaffConfig(AppConfig):
    name = "payback.staff"
    verbose_name = "Staff"

    def ready(self) -> None:
        from .roles import sync_roles_after_migrate

        # After every app migrates, so permissions of apps later in INSTALLED_APPS exist too.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="payback.staff.sync_roles")
