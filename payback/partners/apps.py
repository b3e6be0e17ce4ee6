from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "payback.partners"
    label = "partners"
    verbose_name = "The service for beneficiaries' named contacts"

    def ready(self) -> None:
        from payback.portal.codes import keep_sign_ins

        from .models import ContactAttempt, ContactChallenge, ContactToken

        keep_sign_ins(
            "beneficiaries' contacts", challenges=ContactChallenge, attempts=ContactAttempt, tokens=ContactToken
        )
