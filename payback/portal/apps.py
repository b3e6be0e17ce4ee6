from typing import Any

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "payback.portal"
    label = "portal"
    verbose_name = "The service for people doing unpaid work"

    def ready(self) -> None:
        from payback.core.signals import appointments_called_off

        appointments_called_off.connect(_called_off, dispatch_uid="portal.tell_people_called_off")
        _keep_sign_ins_for_a_while()


def _called_off(sender: Any, *, appointment_ids: list[int], why: str, **kwargs: Any) -> None:
    """A session stood down, or a booking moved or cancelled: tell each person by text or email."""
    from .messages import called_off

    called_off(appointment_ids=appointment_ids, why=why)


def _keep_sign_ins_for_a_while() -> None:
    from .codes import keep_sign_ins
    from .models import PersonToken, SignInAttempt, SignInChallenge

    keep_sign_ins("people on probation", challenges=SignInChallenge, attempts=SignInAttempt, tokens=PersonToken)
