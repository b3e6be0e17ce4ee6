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
    """Sign-in codes and the counts the limits go by are kept a week (long enough to look into a
    run of guesses); the person's API tokens, a month after they expire."""
    from payback.core.tidy import keep_for

    from .models import PersonToken, SignInAttempt, SignInChallenge

    keep_for(
        "Sign-in codes asked for by people on probation",
        days=7,
        older_than=lambda cutoff: SignInChallenge.objects.filter(expires_at__lt=cutoff),
    )
    keep_for(
        "Sign-in attempts by people on probation",
        days=7,
        older_than=lambda cutoff: SignInAttempt.objects.filter(at__lt=cutoff),
    )
    keep_for(
        "API tokens of people on probation",
        days=30,
        older_than=lambda cutoff: PersonToken.objects.filter(expires_at__lt=cutoff),
    )
