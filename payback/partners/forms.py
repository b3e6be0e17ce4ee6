"""The forms of a beneficiary's contact, and of the coordinator who invites them, in plain words.
Forms check only the shape of input; the services apply the rules and say what is wrong."""

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from payback.cases.forms import IdempotentForm
from payback.core.fields import int_field, radio_field, set_choices, text_field
from payback.core.forms import GovukDateField
from payback.portal.forms import CodeForm

__all__ = ["CodeForm", "ContactForm", "ReportForm", "SignInForm", "TimesheetForm"]


class SignInForm(forms.Form):
    email = text_field(
        "Email address",
        max_length=254,
        required=True,
        required_message="Enter your email address",
        help_text="The email address the probation service has for you.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false", "type": "email"})


def _time(label: str, required_message: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M", "%H.%M", "%H%M", "%H:%M:%S"],
        help_text="Use the 24-hour clock, like 09:30",
        error_messages={
            "required": required_message,
            "invalid": f"Enter the {label.lower()} using the 24-hour clock, like 09:30",
        },
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )


class TimesheetForm(IdempotentForm):
    worked_on = GovukDateField(label="Day worked", help_text="For example, 27 3 2026")
    started_at = _time("Time they started", "Enter the time they started")
    ended_at = _time("Time they finished", "Enter the time they finished")
    break_minutes = int_field(
        "Breaks, in minutes", max_value=720, help_text="For example, 30 for a half-hour lunch", initial=0
    )
    tasks = text_field(
        "Tasks they did",
        max_length=2000,
        required=True,
        required_message="Enter the tasks they did",
        textarea=True,
    )
    note = text_field("Anything else we should know (optional)", max_length=2000, textarea=True)
    confirm = forms.BooleanField(
        label="I confirm these hours are right and I am signing this timesheet",
        error_messages={"required": "Confirm the hours are right to sign the timesheet"},
    )


KINDS = [("concern", "A concern about a person on a placement"), ("incident", "An incident or accident")]


class ReportForm(IdempotentForm):
    kind = radio_field("What do you want to tell us about?", KINDS, required_message="Select what it is about")
    project = forms.TypedChoiceField(
        label="Which project?", coerce=int, error_messages={"required": "Select the project"}
    )
    person = forms.TypedChoiceField(
        label="Who is it about? (for a concern)", coerce=int, required=False, empty_value=None
    )
    occurred_on = GovukDateField(label="When did it happen?", help_text="For example, 27 3 2026", required=False)
    details = text_field(
        "What happened?", max_length=4000, required=True, required_message="Tell us what happened", textarea=True
    )

    def __init__(self, *args: Any, projects: list[tuple[int, str]], people: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_choices(self, "project", [("", "Select a project"), *projects])
        set_choices(self, "person", [("", "Nobody in particular"), *people])

    def occurred_at(self) -> datetime | None:
        """The day it happened, at midday (or now, for something that happened this morning)."""
        day = self.cleaned_data.get("occurred_on")
        if day is None:
            return None
        return min(timezone.make_aware(datetime.combine(day, time(12))), timezone.now())


class ContactForm(forms.Form):
    name = text_field("Full name", max_length=200, required=True, required_message="Enter the contact's full name")
    email = text_field(
        "Email address", max_length=254, required=True, required_message="Enter the contact's email address"
    )
