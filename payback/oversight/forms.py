"""The GOV.UK forms of management oversight. Each asks; the services decide what is allowed."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from payback.cases.models import Requirement
from payback.core.fields import notes_field, radio_field, record_choice, set_choices, text_field
from payback.core.forms import GovukDateField
from payback.staff.fields import StaffChoice
from payback.staff.models import User

from .models import AbsenceKind, ReflectiveKind


class SupervisionForm(forms.Form):
    held_on = GovukDateField(label="Date of the meeting")
    wellbeing_notes = notes_field(
        "Wellbeing",
        required_message="Enter notes on the practitioner's wellbeing",
        help_text="How they are, their workload and any support they need.",
    )
    development_notes = notes_field(
        "Development",
        required_message="Enter notes on the practitioner's development",
        help_text="What went well, what they are learning and their training.",
    )
    actions = text_field("Actions agreed (optional)", max_length=4000, textarea=True)


class ReflectivePracticeForm(forms.Form):
    held_on = GovukDateField(label="Date of the session")
    kind = radio_field("Kind of session", ReflectiveKind.choices, required_message="Select the kind of session")
    requirement = record_choice("Case reviewed (for an in-depth case review)", Requirement, noun="case", required=False)
    notes = notes_field("Notes", required_message="Enter notes of the session")

    def __init__(self, *args: Any, cases: QuerySet[Requirement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "requirement", cases)
        self.fields["requirement"].label_from_instance = lambda case: str(case.person)  # type: ignore[attr-defined]


class TouchPointForm(forms.Form):
    held_on = GovukDateField(label="Date of the touch point")
    note = notes_field(
        "Note",
        required_message="Enter a note of the touch point",
        help_text="What was discussed about the case's risk and progress, and what was decided.",
    )


class AbsenceForm(forms.Form):
    staff = StaffChoice(
        "Who is away",
        empty_label="Select a member of the team",
        required_message="Select who is away",
        invalid_message="Select a member of the team from the list",
    )
    kind = radio_field("Kind of absence", AbsenceKind.choices, required_message="Select the kind of absence")
    first_day = GovukDateField(label="First day away")
    last_day = GovukDateField(label="Last day away", help_text="The same as the first day for a single day.")

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "staff", staff)
