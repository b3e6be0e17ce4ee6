"""The shape of what is posted on the enforcement pages; the rules are in the services."""

from typing import Any

from django import forms

from payback.cases.forms import IdempotentForm
from payback.core.fields import radio_field, reason_field, text_field, whole_number_field
from payback.core.forms import GovukDateField

from .models import HearingKind, HearingOutcome, RequestMethod, ReviewAction, Step, Verdict


class EvidenceRequestForm(IdempotentForm):
    method = radio_field(
        "How was the person asked?", RequestMethod.choices, required_message="Select how the person was asked"
    )
    asked_on = GovukDateField(label="Date asked")


class EvidenceForm(IdempotentForm):
    description = text_field(
        "What is the evidence?", max_length=500, required=True, required_message="Enter what the evidence is"
    )
    received_on = GovukDateField(label="Date received")
    file = forms.FileField(
        label="Upload a copy (optional)",
        required=False,
        help_text="A PDF, JPG or PNG, smaller than 10 MB",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class DecisionForm(IdempotentForm):
    verdict = radio_field(
        "Is the failure acceptable?", Verdict.choices, required_message="Select whether the failure is acceptable"
    )
    reason = reason_field(
        "Reason for the decision", required_message="Enter the reason for the decision", max_length=1000
    )
    step = radio_field("Enforcement step if unacceptable", Step.choices, required=False)
    departure_reason = text_field(
        "If you are not taking the step the rules give, why not?", max_length=1000, textarea=True
    )

    def __init__(self, *args: Any, rule_step: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"step": rule_step, **kwargs["initial"]}
        super().__init__(*args, **kwargs)


class ReverseForm(IdempotentForm):
    reason = reason_field(
        "Why is the decision being reversed?", required_message="Enter why the decision is being reversed"
    )


class CourtOutcomeForm(IdempotentForm):
    kind = radio_field(
        "What was the hearing about?", HearingKind.choices, required_message="Select what the hearing was about"
    )
    hearing_on = GovukDateField(label="Date of the hearing")
    court = text_field("Court", max_length=200, required=True, required_message="Enter the court's name")
    outcome = radio_field(
        "What did the court decide?", HearingOutcome.choices, required_message="Select what the court decided"
    )
    extra_hours = whole_number_field("Extra hours (if any)", required=False, min_value=0, max_value=300)
    fine_pounds = whole_number_field("Fine in pounds (if any)", required=False, min_value=0, max_value=100000)
    extended_until = GovukDateField(label="New date to complete by (if extended)", required=False)
    notes = text_field("Notes (optional)", max_length=1000, textarea=True)


class ExtensionForm(IdempotentForm):
    asked_until = GovukDateField(label="Extend to")
    reason = reason_field("Why is more time needed?", required_message="Enter why more time is needed", max_length=1000)


class ReviewForm(IdempotentForm):
    action = radio_field(
        "What are you doing?", ReviewAction.choices, required_message="Select the action you are taking"
    )
    notes = text_field(
        "Notes", max_length=2000, textarea=True, help_text="Required if you are not taking the suggested action"
    )


class FurtherRequirementForm(IdempotentForm):
    hours = whole_number_field("Hours", help_text="From 40 to 300")
    runs = radio_field(
        "How does it run?",
        [("concurrent", "Alongside the current requirement (concurrent)"), ("consecutive", "After it (consecutive)")],
        required_message="Select whether it runs alongside or after",
    )
