"""Forms check only the shape of input; the rules are applied by services."""

import uuid
from collections.abc import Iterable
from typing import Any, Self

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from payback.core.fields import (
    int_field,
    radio_field,
    reason_field,
    record_choice,
    search_field,
    set_choices,
    text_field,
    whole_number_field,
)
from payback.core.forms import GovukDateField
from payback.staff.models import Pdu

from . import rules
from .diversity import ETHNICITIES, RELIGIONS, SEXUAL_ORIENTATIONS
from .models import CaseStatus, OrderType, Sex
from .services import YOUTH_REHABILITATION_ORDER, order_type_check

ORDER_TYPE_CHOICES = [
    *OrderType.choices,
    (YOUTH_REHABILITATION_ORDER, "Youth Rehabilitation Order"),
]


class CaseCreateForm(forms.Form):
    crn = forms.CharField(
        label="CRN",
        max_length=20,
        help_text="The case reference number from nDelius: one letter then six numbers, like X123456",
        error_messages={"required": "Enter the CRN"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=100, error_messages={"required": "Enter the last name"})
    date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 27 3 1990")
    sex = radio_field("Sex", Sex.choices, required_message="Select the sex")
    phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False)
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    address = forms.CharField(label="Address (optional)", max_length=300, required=False, widget=forms.Textarea)
    postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    pdu = record_choice(
        "PDU managing the case",
        Pdu,
        empty_label="Select a PDU",
        required_message="Select the PDU that manages the case",
    )
    order_type = radio_field("Type of order", ORDER_TYPE_CHOICES, required_message="Select the type of order")
    operational_period_months = whole_number_field(
        "Operational period in months",
        help_text="Suspended Sentence Orders only: between 6 and 24 months",
        required=False,
    )
    sentence_date = GovukDateField(label="Date of sentence", help_text="For example, 2 3 2026")
    court = forms.CharField(label="Court", max_length=200, error_messages={"required": "Enter the court"})
    hours = int_field(
        "Hours of unpaid work ordered",
        help_text="Between 40 and 300 hours",
        min_value=rules.MIN_HOURS,
        max_value=rules.MAX_HOURS,
    )
    hours.error_messages["min_value"] = hours.error_messages["max_value"] = (
        f"Hours ordered must be between {rules.MIN_HOURS} and {rules.MAX_HOURS}"
    )

    def __init__(self, *args: Any, pdus: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "pdu", pdus)

    def clean_order_type(self) -> str:
        value: str = self.cleaned_data["order_type"]
        try:
            order_type_check(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["order_type"][0]) from None
        return value


ADJUSTMENT_KINDS = [("travel", "Travel time adjustment"), ("ete", "Education, training and employment (ETE)")]


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class IdempotentForm(forms.Form):
    """A form that moves minutes carries a key made when the form is shown: submitting it twice
    (a double click, a resend after a dropped connection) records once."""

    idempotency_key = forms.CharField(
        max_length=100,
        widget=forms.HiddenInput,
        error_messages={"required": "The form has expired: submit it again"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {**kwargs["initial"], "idempotency_key": new_idempotency_key()}
        super().__init__(*args, **kwargs)

    def with_new_key(self) -> Self:
        """The same answers with a fresh key (the old one was used for something else)."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        data["idempotency_key"] = new_idempotency_key()
        fresh = type(self)(data)
        fresh.is_valid()
        return fresh


class AdjustmentForm(IdempotentForm):
    kind = radio_field("Type of adjustment", ADJUSTMENT_KINDS, required_message="Select the type of adjustment")
    minutes = whole_number_field("Minutes", help_text="For example, 90 for 1 hour 30 minutes")
    occurred_on = GovukDateField(label="Date it applies to", help_text="For example, 12 11 2026")
    reason = reason_field("Reason", required_message="Enter the reason for the adjustment")


class CorrectionForm(IdempotentForm):
    reason = reason_field("Why is this entry wrong?", required_message="Enter why the entry is being corrected")


class StatusForm(forms.Form):
    to_status = radio_field("New status", CaseStatus.choices, required_message="Select the new status")
    reason = reason_field("Reason", required_message="Enter the reason")

    def __init__(self, *args: Any, allowed: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "to_status", allowed)


EVERYONE, MINE, TEAM = "everyone", "1", "team"
WHOSE_CHOICES = [(EVERYONE, "Everyone's in my area"), (MINE, "My cases"), (TEAM, "My team")]


class CaseloadFilterForm(forms.Form):
    q = search_field("Name or CRN")
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Open cases"), *CaseStatus.choices])
    flag = forms.ChoiceField(label="Due or at risk", required=False, choices=[])
    pdu = forms.TypedChoiceField(label="PDU", required=False, choices=[], coerce=int, empty_value=None)
    mine = forms.ChoiceField(label="Whose cases", required=False, choices=[])

    def __init__(
        self,
        data: Any = None,
        *args: Any,
        pdus: Iterable[tuple[int, str]],
        flags: dict[str, str],
        whose_default: str = EVERYONE,
        with_team: bool = False,
        **kwargs: Any,
    ) -> None:
        """`pdus` as (id, name). Whose cases are shown when the query does not say: a practitioner's
        own, anyone else's all."""
        if data is not None and not data.get("mine"):
            data = data.copy()
            data["mine"] = whose_default
        kwargs["initial"] = {"mine": whose_default, **kwargs.get("initial", {})}
        super().__init__(data, *args, **kwargs)
        set_choices(self, "pdu", [("", "All PDUs"), *pdus])
        set_choices(self, "flag", [("", "Any"), *flags.items()])
        set_choices(self, "mine", WHOSE_CHOICES if with_team else WHOSE_CHOICES[:2])


def _answer(label: str, answers: tuple[str, ...]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", "Not answered"), *((a, a) for a in answers)])


class DiversityForm(forms.Form):
    """The Diversity Information Form: every question may be left unanswered."""

    ethnicity = _answer("Ethnic group", ETHNICITIES)
    religion_or_belief = _answer("Religion or belief", RELIGIONS)
    disability = text_field("Disability or long-term health condition (optional)", max_length=300)
    neurodiversity = text_field("Neurodiversity (optional)", max_length=300)
    gender_identity = text_field("Gender identity (optional)", max_length=100)
    sexual_orientation = _answer("Sexual orientation", SEXUAL_ORIENTATIONS)
    first_language = text_field("First language (optional)", max_length=100)
    interpreter_required = forms.BooleanField(label="An interpreter is needed", required=False)
