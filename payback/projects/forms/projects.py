"""The project forms: details, work schedule, status and the review flag."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from payback.cases.assessment.rules import DAY_NAMES, DAYS
from payback.core.fields import (
    checkboxes_field,
    filter_choice,
    int_field,
    radio_field,
    record_choice,
    search_field,
    set_choices,
    text_field,
)
from payback.staff.models import Pdu

from ..models import Beneficiary, ProjectStatus, ProjectType
from ..services import MAX_TEXT, PROJECT_FIELDS
from .common import choices_or_drop, number_says, optional_postcode, postcode_field, says


class ProjectFilterForm(forms.Form):
    q = search_field("Project or beneficiary")
    status = filter_choice("Status", ProjectStatus.choices)
    project_type = filter_choice("Type", ProjectType.choices)
    review_needed = checkboxes_field("Risk assessment", [("yes", "Review needed only")])


def _time(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M", "%H:%M:%S"],
        help_text="Use the 24-hour clock, like 09:30",
        error_messages={"invalid": f"Enter the {label.lower()} using the 24-hour clock, like 09:30"},
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )


def _coordinate(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=8,
        decimal_places=5,
        error_messages={
            "invalid": f"The {label.lower().removesuffix(' (optional)')} must be a number, like 54.97328",
            "max_digits": f"The {label.lower().removesuffix(' (optional)')} must have at most 5 decimal places",
            "max_decimal_places": f"The {label.lower().removesuffix(' (optional)')} must have at most 5 decimal places",
            "max_whole_digits": f"The {label.lower().removesuffix(' (optional)')} must be between -180 and 180",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
    )


class ProjectForm(forms.Form):
    beneficiary = record_choice("Beneficiary", Beneficiary, noun="beneficiary")
    pdu = record_choice(
        "PDU running the project",
        Pdu,
        empty_label="Select a PDU",
        required_message="Select the PDU running the project",
    )
    name = text_field("Project name", max_length=200)
    project_type = radio_field("Type of project", ProjectType.choices, required=False)
    description = text_field("Description (optional)", max_length=MAX_TEXT, textarea=True)
    address = says(
        text_field("Address of the site", max_length=300, textarea=True),
        max_length="Address must be 300 characters or fewer",
    )
    postcode = postcode_field("Postcode")
    latitude = _coordinate("Latitude (optional)")
    longitude = _coordinate("Longitude (optional)")
    days = checkboxes_field("Days the project can run", [(day, DAY_NAMES[day]) for day in DAYS])
    start_time = _time("Start time")
    end_time = _time("Finish time")
    capacity = says(
        int_field(
            "How many people can work at once",
            required=False,
            help_text="Between 1 and 30",
            width="govuk-input--width-4",
        ),
        **number_says("How many people can work at once"),
    )

    def __init__(self, *args: Any, beneficiaries: Any = None, pdus: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_or_drop(self, "beneficiary", beneficiaries)
        choices_or_drop(self, "pdu", pdus)

    @staticmethod
    def initial_from(project: Any) -> dict[str, Any]:
        initial = {name: getattr(project, name) for name in PROJECT_FIELDS}
        for name in ("start_time", "end_time"):
            if initial[name] is not None:
                initial[name] = initial[name].strftime("%H:%M")
        return initial

    def clean_postcode(self) -> str:
        return optional_postcode(self.cleaned_data["postcode"])

    def values(self) -> dict[str, Any]:
        values = {k: v for k, v in self.cleaned_data.items() if k not in {"beneficiary", "pdu"}}
        values["project_type"] = values["project_type"] or ProjectType.GROUP
        if values["capacity"] is None:
            values.pop("capacity")
        values["days"] = [day for day in DAYS if day in values["days"]]
        return values


class TasksForm(forms.Form):
    tasks = forms.CharField(
        label="Tasks, one per line, in the order they are done",
        required=False,
        max_length=20000,
        widget=forms.Textarea,
        help_text="For example: Toolbox talk and set up. Clear litter from the north path. Cut back brambles.",
        error_messages={"max_length": "The tasks must be 20,000 characters or fewer"},
    )

    def task_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["tasks"].splitlines() if line.strip()]

    def clean_tasks(self) -> str:
        value: str = self.cleaned_data["tasks"]
        if len([line for line in value.splitlines() if line.strip()]) > 100:
            raise ValidationError("Enter 100 tasks or fewer")
        return value


STATUS_ACTIONS = {
    ProjectStatus.ACTIVE: "Active: sessions can be planned on it",
    ProjectStatus.PAUSED: "Paused: no sessions for now",
    ProjectStatus.CLOSED: "Closed: the work is finished or will not go ahead",
}


class ProjectStatusForm(forms.Form):
    to_status = radio_field("New status", list(STATUS_ACTIONS.items()), required_message="Select the new status")
    reason = text_field("Reason", max_length=500, textarea=True)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self, "to_status", [(status, label) for status, label in STATUS_ACTIONS.items() if status != current]
        )


class ReviewNeededForm(forms.Form):
    reason = text_field(
        "What happened or what changed?",
        max_length=500,
        textarea=True,
        help_text="For example, an accident or near miss on the site, or a change to the work or the site",
    )
