from typing import Any

from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "payback.delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        from payback.core.signals import placement_facts_changed

        placement_facts_changed.connect(_recheck_bookings, dispatch_uid="delivery.recheck_bookings")


def _recheck_bookings(sender: Any, *, person_ids: list[int], project_ids: list[int], **kwargs: Any) -> None:
    """A fact the placement rules read has changed: check the future bookings concerned again."""
    from .conflicts import bookings_recheck

    bookings_recheck(person_ids=person_ids, project_ids=project_ids)
