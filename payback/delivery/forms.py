"""Forms check only the shape of input (a time is hours and minutes, a count is a number); the
rules are applied by the delivery services."""

import re
import uuid
from datetime import time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from payback.core.fields import (
    int_field,
    lower_first,
    radio_field,
    record_choice,
    set_choices,
    text_field,
    yes_no_field,
)
from payback.core.forms import GovukDateField
from payback.projects.models import Project
from payback.staff.models import Region, User

from .models import ConcernCategory, StandDownReason, Vehicle

TIME_PATTERN = re.compile(r"^(\d{1,2})[:.]?(\d{2})$")
WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class TimeOfDayField(forms.CharField):
    """A time typed as hours and minutes (09:30, 9.30 or 0930), as people write it on site."""

    def __init__(self, *, label: str, required: bool = True, help_text: str = "For example, 09:30") -> None:
        super().__init__(
            label=label,
            required=required,
            help_text=help_text,
            widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
        )

    def clean(self, value: Any) -> time | None:  # type: ignore[override]
        text = (value or "").strip()
        label = lower_first(str(self.label))
        if not text:
            if self.required:
                raise ValidationError(f"Enter the {label}")
            return None
        match = TIME_PATTERN.match(text)
        if match:
            hours, minutes = int(match.group(1)), int(match.group(2))
            if hours < 24 and minutes < 60:
                return time(hours, minutes)
        raise ValidationError(f"Enter the {label} as hours and minutes, like 09:30")


def _mileage(label: str) -> forms.IntegerField:
    """A mileage, whose range message writes the limit without separators."""
    field = int_field(label, min_value=0, max_value=2_000_000)
    between = f"{label} must be between 0 and 2000000"
    field.error_messages.update(min_value=between, max_value=between)
    return field


def _as_written(field: forms.CharField) -> forms.CharField:
    """The length message names the label as written, question mark or '(optional)' included."""
    field.error_messages["max_length"] = f"{field.label} must be {field.max_length:,} characters or fewer"
    return field


def _account(label: str, *, required_message: str = "", help_text: str = "", max_length: int = 4000) -> forms.CharField:
    """What someone saw or did, in their own words in a text area. Required when a message for a
    missing answer is given; the length message names the question as written."""
    field = text_field(
        label,
        max_length=max_length,
        required=bool(required_message),
        required_message=required_message,
        help_text=help_text,
        textarea=True,
    )
    return _as_written(field)


def _staff_choice(label: str, *, required: bool, empty_label: str, message: str = "") -> Any:
    return record_choice(
        label,
        User,
        required=required,
        empty_label=empty_label,
        required_message=message,
        invalid_message="Select someone from the list",
    )


# ---------------------------------------------------------------------------------------------
# Planning


class SessionFilterForm(forms.Form):
    project = forms.TypedChoiceField(label="Project", required=False, choices=[], coerce=int, empty_value=None)
    cover = forms.ChoiceField(
        label="Cover", required=False, choices=[("", "All sessions"), ("1", "Only sessions needing cover")]
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "project", [("", "All projects"), *[(p.pk, p.name) for p in projects]])


class VehicleChoiceField(forms.ModelChoiceField):
    """Every vehicle in the area, saying which are off the road (the service refuses those, with why)."""

    def label_from_instance(self, obj: Any) -> str:
        label = f"{obj.registration} ({obj.description}, {obj.seats} seats)"
        return f"{label}: off the road" if obj.off_road else label


class _SessionFields(forms.Form):
    project = record_choice("Project", Project, noun="project", invalid_message="Select an active project")
    start_time = TimeOfDayField(label="Start time")
    end_time = TimeOfDayField(label="Finish time")
    capacity = int_field("Places", help_text="How many people the session can take", min_value=1, max_value=50)
    supervisor = _staff_choice("Supervisor", required=False, empty_label="No supervisor yet: needs cover")
    vehicle = VehicleChoiceField(
        label="Vehicle",
        queryset=Vehicle.objects.none(),
        required=False,
        empty_label="No vehicle",
        error_messages={"invalid_choice": "Select a vehicle from the list"},
    )
    pick_up_point = _as_written(text_field("Pick-up point (optional)", max_length=200))
    pick_up_time = TimeOfDayField(label="Pick-up time (optional)", required=False)

    def __init__(self, *args: Any, projects: Any, supervisors: Any, vehicles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "project", projects)
        set_choices(self, "supervisor", supervisors)
        set_choices(self, "vehicle", vehicles)


class SessionForm(_SessionFields):
    session_date = GovukDateField(label="Date", help_text="For example, 5 12 2026")
    field_order = ["project", "session_date", "start_time", "end_time", "capacity", "supervisor", "vehicle"]


class SeriesForm(_SessionFields):
    weekday = forms.TypedChoiceField(
        label="Day of the week",
        choices=[("", "Select a day"), *WEEKDAYS],
        coerce=int,
        error_messages={"required": "Select the day of the week"},
    )
    starts_on = GovukDateField(
        label="First week from", help_text="Sessions start from this date, for example 1 12 2026"
    )
    weeks_ahead = int_field("Weeks ahead", help_text="Between 1 and 26", min_value=1, max_value=26)
    field_order = ["project", "weekday", "starts_on", "weeks_ahead", "start_time", "end_time", "capacity"]


class AbsenceForm(forms.Form):
    supervisor = _staff_choice("Supervisor", required=True, empty_label="Select", message="Select the supervisor")
    starts_on = GovukDateField(label="First day of absence", help_text="For example, 7 12 2026")
    ends_on = GovukDateField(label="Last day of absence", help_text="For example, 11 12 2026")
    reason = text_field("Reason", max_length=200, required=True, required_message="Enter the reason for the absence")

    def __init__(self, *args: Any, supervisors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "supervisor", supervisors)


class SupervisorForm(forms.Form):
    supervisor = _staff_choice(
        "New supervisor", required=True, empty_label="Select", message="Select the supervisor who will cover"
    )

    def __init__(self, *args: Any, supervisors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "supervisor", supervisors)


class BookForm(forms.Form):
    crn = text_field(
        "CRN",
        required=True,
        max_length=7,
        required_message="Enter the CRN",
        help_text="The case reference number, like X123456",
        width="govuk-input--width-10",
    )

    def clean_crn(self) -> str:
        return str(self.cleaned_data["crn"]).strip().upper()


class CancelForm(forms.Form):
    reason = _account("Why is the appointment cancelled?", max_length=500, required_message="Enter the reason")


class StandDownForm(forms.Form):
    reason = radio_field(
        "Why is the session stood down?",
        StandDownReason.choices,
        required_message="Select why the session is stood down",
    )
    detail = text_field("Details", max_length=500, help_text="Needed when the reason is other", textarea=True)


class TimesheetForm(forms.Form):
    project = record_choice("Individual placement", Project, noun="placement")
    crn = BookForm.base_fields["crn"]
    worked_on = GovukDateField(label="Day worked", help_text="For example, 23 11 2026")
    minutes = int_field("Minutes worked", help_text="For example, 360 for 6 hours", min_value=1, max_value=720)
    beneficiary_supervisor = text_field(
        "Beneficiary's supervisor",
        max_length=200,
        required=True,
        required_message="Enter the name of the beneficiary's supervisor who signed the timesheet",
        help_text="The person who signed the timesheet",
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "project", projects)

    def clean_crn(self) -> str:
        return str(self.cleaned_data["crn"]).strip().upper()


class StandDownReportForm(forms.Form):
    start = GovukDateField(label="From")
    end = GovukDateField(label="To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date must be on or after the start date")
            elif (end - start).days > 366:
                self.add_error("end", "Choose a period of a year or less")
        return data


# ---------------------------------------------------------------------------------------------
# Before and after work


class ChecksForm(forms.Form):
    toolbox_talk_given = forms.BooleanField(label="I have given the toolbox talk", required=False)
    site_induction_given = forms.BooleanField(
        label="I have given the site induction to everyone new to this site", required=False
    )
    hazards_seen = text_field(
        "Hazards seen today", max_length=4000, help_text="Anything on site today that could hurt someone", textarea=True
    )
    controls = text_field("Controls", max_length=4000, help_text="How each hazard is controlled", textarea=True)
    go = radio_field(
        "Can work go ahead?",
        [("go", "Go: it is safe to work"), ("no_go", "No go: it is not safe to work")],
        required_message="Select go or no go",
    )
    tools_out = text_field(
        "Tools counted out",
        max_length=4000,
        help_text="One tool on each line with how many, for example: Spade, 6",
        textarea=True,
    )

    def clean_tools_out(self) -> dict[str, int]:
        return tool_lines(self.cleaned_data.get("tools_out"))


def tool_lines(text: object) -> dict[str, int]:
    """Tools written one on each line with how many ("Spade, 6"): the tools counted out, and in
    the copy of counting them back in kept on the phone, those that came back or are damaged."""
    tools: dict[str, int] = {}
    for number, raw in enumerate(str(text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, _, count = line.rpartition(",")
        name, count = name.strip(), count.strip()
        if not name or not (count.isascii() and count.isdigit()):
            raise ValidationError(f"Line {number}: enter the tool, a comma and how many, like Spade, 6")
        if name.lower() in {t.lower() for t in tools}:
            raise ValidationError(f"Line {number}: {name} is listed twice")
        tools[name] = int(count)
    return tools


class SubmitKeyForm(forms.Form):
    """The idempotency key of a submit from the supervisor's day, made when the form is shown: the
    same submit sent twice (a double tap, or kept on the phone without signal and sent later)
    records once. Optional, so that a submit without one is recorded as before."""

    idempotency_key = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"idempotency_key": uuid.uuid4().hex}
        super().__init__(*args, **kwargs)

    def key(self) -> str | None:
        """The key posted (None when there is none, or it is not a usable key)."""
        if not self.is_valid():
            return None
        return self.cleaned_data["idempotency_key"] or None


def tools_text(counts: Any) -> str:
    return "\n".join(f"{count.tool}, {count.counted_out}" for count in counts)


class ToolInForm(forms.Form):
    counted_in = int_field("Counted back in", min_value=0, max_value=500)
    damaged = int_field("Damaged", required=False, min_value=0, max_value=500)
    note = text_field("What happened (if any are missing or damaged)", max_length=300)


class ConcernForm(forms.Form):
    category = radio_field(
        "What is the concern about?", ConcernCategory.choices, required_message="Select the kind of concern"
    )
    details = _account(
        "What did you see or hear?",
        required_message="Describe what you saw or heard",
        help_text="Say what happened, when, and what was said. It goes to the person's probation practitioner.",
    )


class IncidentForm(forms.Form):
    occurred_on = GovukDateField(label="Date it happened", help_text="For example, 25 11 2026")
    occurred_time = TimeOfDayField(label="Time it happened")
    location = _as_written(
        text_field("Where did it happen?", required=True, max_length=300, required_message="Enter where it happened")
    )
    what_happened = _account("What happened?", required_message="Describe what happened")
    near_miss = yes_no_field(
        "Was it a near miss?", required_message="Select yes if nobody was hurt and nothing was damaged"
    )
    people_involved = _account("Who was involved?", help_text="Names of the people on the session and anyone else")
    witnesses = text_field("Witnesses", max_length=4000, help_text="Names and how to contact them", textarea=True)
    injuries = text_field(
        "Injuries", max_length=4000, help_text="Who was hurt and how, and any first aid given", textarea=True
    )
    damage = text_field("Damage", max_length=4000, help_text="To property, tools or vehicles", textarea=True)
    emergency_services_called = yes_no_field("Were the emergency services called?", required_message="Select yes or no")
    immediate_action = _account("What was done straight away?")


class IncidentUpdateForm(forms.Form):
    paperwork_complete = forms.BooleanField(label="The incident paperwork is complete", required=False)
    investigation = text_field("Investigation", max_length=4000, textarea=True)
    outcome = text_field("Outcome", max_length=4000, textarea=True)
    learning = text_field("Learning to share", max_length=4000, textarea=True)
    review_needed = forms.BooleanField(
        label="The investigation found that the project's risk assessment must be reviewed",
        required=False,
        help_text="The project is flagged for a risk assessment review, with this incident as the reason",
    )
    review_finding = text_field(
        "What must the risk assessment review look at?",
        max_length=400,
        textarea=True,
        help_text="Needed if you tick the box above. For example, the distance kept from the road",
    )


class LearningFilterForm(forms.Form):
    """The region (national staff choose one) and the period the incidents were closed in."""

    region = record_choice("Region", Region, noun="region", required=False)
    start = GovukDateField(label="Closed from")
    end = GovukDateField(label="Closed to")

    def __init__(self, *args: Any, regions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions is None:
            del self.fields["region"]
        else:
            set_choices(self, "region", regions)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date must be on or after the start date")
        return data


class LearningSharedForm(forms.Form):
    meeting_on = GovukDateField(label="Date of the team meeting", help_text="For example, 17 11 2026")
    notes = text_field(
        "Notes (optional)",
        max_length=1000,
        textarea=True,
        help_text="For example, who was there or what the team agreed to do",
    )


class AcknowledgeForm(forms.Form):
    action_taken = _account(
        "What have you done about the concern?", required_message="Record what you have done about the concern"
    )


# ---------------------------------------------------------------------------------------------
# Vehicles


class VehicleCheckForm(forms.Form):
    roadworthy = yes_no_field(
        "Is the vehicle roadworthy?", required_message="Select yes if the vehicle is safe to drive"
    )
    defects = text_field(
        "Defects",
        max_length=4000,
        help_text="Anything wrong with the vehicle. A defect takes it off the road.",
        textarea=True,
    )
    mileage_out = _mileage("Mileage out")


class MileageInForm(forms.Form):
    mileage_in = _mileage("Mileage in")


class ClearDefectForm(forms.Form):
    note = _account("How was the defect put right?", required_message="Say how the defect was put right")


class DriverForm(forms.Form):
    driver = _staff_choice("Driver", required=True, empty_label="Select", message="Select the member of staff")
    licence_checked_on = GovukDateField(label="Date the licence was checked", help_text="For example, 20 11 2026")
    valid_until = GovukDateField(label="Authorised until", help_text="For example, 20 11 2027")

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "driver", staff)


class ToolsInTextForm(forms.Form):
    """Counting tools back in on the copy kept on the phone before any tool had reached the
    service as counted out: written the way the before-work checks take the tools counted out."""

    tools_back = text_field(
        "Tools counted back in",
        max_length=4000,
        required=True,
        required_message="Enter the tools counted back in",
        help_text="Every tool counted out, one on each line with how many came back, for example: Spade, 6",
        textarea=True,
    )
    tools_damaged = text_field(
        "Damaged tools (if any)",
        max_length=4000,
        help_text="One tool on each line with how many came back damaged, for example: Spade, 1",
        textarea=True,
    )
    note = text_field("What happened (if any are missing or damaged)", max_length=300)

    def clean_tools_back(self) -> dict[str, int]:
        return tool_lines(self.cleaned_data.get("tools_back"))

    def clean_tools_damaged(self) -> dict[str, int]:
        return tool_lines(self.cleaned_data.get("tools_damaged"))
