from typing import Any

from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "payback.enforcement"
    label = "enforcement"
    verbose_name = "Enforcement"

    def ready(self) -> None:
        from payback.core.signals import case_closed

        case_closed.connect(_case_closed, dispatch_uid="enforcement.completion_letter")


def _case_closed(sender: Any, *, requirement: Any, status: str, **kwargs: Any) -> None:
    """A completed order gets its completion letter."""
    from payback.cases.models import CaseStatus

    from .services import completion_letter_issue

    if status == CaseStatus.COMPLETED:
        completion_letter_issue(requirement=requirement)
