"""The GOV.UK form to set the duty senior probation officer. It asks; the service decides what is allowed."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from payback.core.fields import record_choice, set_choices
from payback.core.forms import GovukDateField
from payback.staff.models import Pdu, User


class DutySeniorForm(forms.Form):
    on = GovukDateField(label="Date")
    pdu = record_choice("PDU", Pdu, noun="PDU")
    user = record_choice(
        "Duty senior probation officer",
        User,
        noun="senior probation officer",
        help_text="Told at once of urgent concerns about the PDU's cases that day.",
    )

    def __init__(self, *args: Any, pdus: QuerySet[Pdu], seniors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "pdu", pdus)
        set_choices(self, "user", seniors)
        self.fields["user"].label_from_instance = lambda user: f"{user.get_full_name()}, {user.pdu}"  # type: ignore[attr-defined]
