"""Forms check only the shape of input (a time is hours and minutes, a count is a number); the
rules are applied by the delivery services."""

import re
from datetime import time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from payback.core.forms import GovukDateField
from payback.projects.models import Project
from payback.staff.models import User

from .models import AbsenceReason, ConcernCategory, Outcome, Rating, StandDownReason, Vehicle
from .services import RegisterLine

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
YES_NO = [("yes", "Yes"), ("no", "No")]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


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
        label = _lower_first(str(self.label))
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


def hh_mm(value: time | None) -> str:
    return f"{value:%H:%M}" if value else ""


def _int_field(
    label: str, *, help_text: str = "", required: bool = True, min_value: int = 0, max_value: int = 100_000
) -> forms.IntegerField:
    lower = _lower_first(label)
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=required,
        min_value=min_value,
        max_value=max_value,
        error_messages={
            "invalid": f"{label} must be a whole number",
            "required": f"Enter the {lower}",
            "min_value": f"{label} must be between {min_value} and {max_value}",
            "max_value": f"{label} must be between {min_value} and {max_value}",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
    )


def _text(label: str, *, required: bool = False, max_length: int = 4000, message: str = "", **kwargs: Any) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea,
        error_messages={
            "required": message or f"Enter {_lower_first(label)}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
        **kwargs,
    )


def _line(label: str, *, required: bool = False, max_length: int = 200, message: str = "", **kwargs: Any) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={
            "required": message or f"Enter {_lower_first(label)}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
        **kwargs,
    )


def _yes_no(label: str, message: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"inline": True}),
        error_messages={"required": message},
        **kwargs,
    )


def _choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def _staff_choice(label: str, *, required: bool, empty_label: str, message: str = "") -> Any:
    return forms.ModelChoiceField(
        label=label,
        queryset=User.objects.none(),
        required=required,
        empty_label=empty_label,
        error_messages={"required": message, "invalid_choice": "Select someone from the list"},
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
        _choices(self, "project", [("", "All projects"), *[(p.pk, p.name) for p in projects]])


class VehicleChoiceField(forms.ModelChoiceField):
    """Every vehicle in the area, saying which are off the road (the service refuses those, with why)."""

    def label_from_instance(self, obj: Any) -> str:
        label = f"{obj.registration} ({obj.description}, {obj.seats} seats)"
        return f"{label}: off the road" if obj.off_road else label


class _SessionFields(forms.Form):
    project = forms.ModelChoiceField(
        label="Project",
        queryset=Project.objects.none(),
        empty_label="Select a project",
        error_messages={"required": "Select the project", "invalid_choice": "Select an active project"},
    )
    start_time = TimeOfDayField(label="Start time")
    end_time = TimeOfDayField(label="Finish time")
    capacity = _int_field("Places", help_text="How many people the session can take", min_value=1, max_value=50)
    supervisor = _staff_choice("Supervisor", required=False, empty_label="No supervisor yet: needs cover")
    vehicle = VehicleChoiceField(
        label="Vehicle",
        queryset=Vehicle.objects.none(),
        required=False,
        empty_label="No vehicle",
        error_messages={"invalid_choice": "Select a vehicle from the list"},
    )
    pick_up_point = _line("Pick-up point (optional)", max_length=200)
    pick_up_time = TimeOfDayField(label="Pick-up time (optional)", required=False)

    def __init__(self, *args: Any, projects: Any, supervisors: Any, vehicles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "project", projects)
        _queryset(self, "supervisor", supervisors)
        _queryset(self, "vehicle", vehicles)


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
    weeks_ahead = _int_field("Weeks ahead", help_text="Between 1 and 26", min_value=1, max_value=26)
    field_order = ["project", "weekday", "starts_on", "weeks_ahead", "start_time", "end_time", "capacity"]


class AbsenceForm(forms.Form):
    supervisor = _staff_choice("Supervisor", required=True, empty_label="Select", message="Select the supervisor")
    starts_on = GovukDateField(label="First day of absence", help_text="For example, 7 12 2026")
    ends_on = GovukDateField(label="Last day of absence", help_text="For example, 11 12 2026")
    reason = _line("Reason", required=True, message="Enter the reason for the absence")

    def __init__(self, *args: Any, supervisors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "supervisor", supervisors)


class SupervisorForm(forms.Form):
    supervisor = _staff_choice(
        "New supervisor", required=True, empty_label="Select", message="Select the supervisor who will cover"
    )

    def __init__(self, *args: Any, supervisors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "supervisor", supervisors)


class BookForm(forms.Form):
    crn = _line(
        "CRN",
        required=True,
        max_length=7,
        message="Enter the CRN",
        help_text="The case reference number, like X123456",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )

    def clean_crn(self) -> str:
        return str(self.cleaned_data["crn"]).strip().upper()


class CancelForm(forms.Form):
    reason = _text("Why is the appointment cancelled?", required=True, max_length=500, message="Enter the reason")


class StandDownForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the session stood down?",
        choices=StandDownReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the session is stood down"},
    )
    detail = _text("Details", max_length=500, help_text="Needed when the reason is other")


class TimesheetForm(forms.Form):
    project = forms.ModelChoiceField(
        label="Individual placement",
        queryset=Project.objects.none(),
        empty_label="Select a placement",
        error_messages={"required": "Select the placement", "invalid_choice": "Select a placement from the list"},
    )
    crn = BookForm.base_fields["crn"]
    worked_on = GovukDateField(label="Day worked", help_text="For example, 23 11 2026")
    minutes = _int_field("Minutes worked", help_text="For example, 360 for 6 hours", min_value=1, max_value=720)
    beneficiary_supervisor = _line(
        "Beneficiary's supervisor",
        required=True,
        message="Enter the name of the beneficiary's supervisor who signed the timesheet",
        help_text="The person who signed the timesheet",
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "project", projects)

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
    hazards_seen = _text("Hazards seen today", help_text="Anything on site today that could hurt someone")
    controls = _text("Controls", help_text="How each hazard is controlled")
    go = forms.ChoiceField(
        label="Can work go ahead?",
        choices=[("go", "Go: it is safe to work"), ("no_go", "No go: it is not safe to work")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select go or no go"},
    )
    tools_out = _text(
        "Tools counted out",
        help_text="One tool on each line with how many, for example: Spade, 6",
    )

    def clean_tools_out(self) -> dict[str, int]:
        tools: dict[str, int] = {}
        for number, raw in enumerate(str(self.cleaned_data.get("tools_out") or "").splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            name, _, count = line.rpartition(",")
            name, count = name.strip(), count.strip()
            if not name or not count.isdigit():
                raise ValidationError(f"Line {number}: enter the tool, a comma and how many, like Spade, 6")
            if name.lower() in {t.lower() for t in tools}:
                raise ValidationError(f"Line {number}: {name} is listed twice")
            tools[name] = int(count)
        return tools


def tools_text(counts: Any) -> str:
    return "\n".join(f"{count.tool}, {count.counted_out}" for count in counts)


class ToolInForm(forms.Form):
    counted_in = _int_field("Counted back in", min_value=0, max_value=500)
    damaged = _int_field("Damaged", required=False, min_value=0, max_value=500)
    note = _line("What happened (if any are missing or damaged)", max_length=300)


class ConcernForm(forms.Form):
    category = forms.ChoiceField(
        label="What is the concern about?",
        choices=ConcernCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of concern"},
    )
    details = _text(
        "What did you see or hear?",
        required=True,
        message="Describe what you saw or heard",
        help_text="Say what happened, when, and what was said. It goes to the person's probation practitioner.",
    )


class IncidentForm(forms.Form):
    occurred_on = GovukDateField(label="Date it happened", help_text="For example, 25 11 2026")
    occurred_time = TimeOfDayField(label="Time it happened")
    location = _line("Where did it happen?", required=True, max_length=300, message="Enter where it happened")
    what_happened = _text("What happened?", required=True, message="Describe what happened")
    near_miss = _yes_no("Was it a near miss?", "Select yes if nobody was hurt and nothing was damaged")
    people_involved = _text("Who was involved?", help_text="Names of the people on the session and anyone else")
    witnesses = _text("Witnesses", help_text="Names and how to contact them")
    injuries = _text("Injuries", help_text="Who was hurt and how, and any first aid given")
    damage = _text("Damage", help_text="To property, tools or vehicles")
    emergency_services_called = _yes_no("Were the emergency services called?", "Select yes or no")
    immediate_action = _text("What was done straight away?")


class IncidentUpdateForm(forms.Form):
    paperwork_complete = forms.BooleanField(label="The incident paperwork is complete", required=False)
    investigation = _text("Investigation")
    outcome = _text("Outcome")
    learning = _text("Learning to share")


class AcknowledgeForm(forms.Form):
    action_taken = _text(
        "What have you done about the concern?",
        required=True,
        message="Record what you have done about the concern",
    )


# ---------------------------------------------------------------------------------------------
# Vehicles


class VehicleCheckForm(forms.Form):
    roadworthy = _yes_no("Is the vehicle roadworthy?", "Select yes if the vehicle is safe to drive")
    defects = _text("Defects", help_text="Anything wrong with the vehicle. A defect takes it off the road.")
    mileage_out = _int_field("Mileage out", min_value=0, max_value=2_000_000)


class MileageInForm(forms.Form):
    mileage_in = _int_field("Mileage in", min_value=0, max_value=2_000_000)


class ClearDefectForm(forms.Form):
    note = _text("How was the defect put right?", required=True, message="Say how the defect was put right")


class DriverForm(forms.Form):
    driver = _staff_choice("Driver", required=True, empty_label="Select", message="Select the member of staff")
    licence_checked_on = GovukDateField(label="Date the licence was checked", help_text="For example, 20 11 2026")
    valid_until = GovukDateField(label="Authorised until", help_text="For example, 20 11 2027")

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "driver", staff)


# ---------------------------------------------------------------------------------------------
# The register: one small form per person, and the submit's own fields


CONFIRM_CLOSE = "Confirm that every outcome is right before closing the register"


class RegisterMetaForm(forms.Form):
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("save", "Save register"), ("close", "Close register")])
    confirm = forms.BooleanField(
        label="I confirm every outcome is right and the register can be closed",
        help_text="Needed to close: closing credits everyone's hours, and outcomes can then only be corrected",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "close" and not data.get("confirm"):
            self.add_error("confirm", CONFIRM_CLOSE)
        return data


class RegisterLineForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    absence_reason = forms.ChoiceField(
        label="Reason, for an acceptable absence",
        help_text="Evidence is expected for medical, court and other reasons",
        choices=[("", "Not an acceptable absence"), *AbsenceReason.choices],
        required=False,
    )
    arrived_at = TimeOfDayField(
        label="Start time", required=False, help_text="When they started work, if not the session start"
    )
    left_at = TimeOfDayField(
        label="Finish time",
        required=False,
        help_text="When they stopped or were sent home, if not the session end",
    )
    penalty_minutes = _int_field(
        "Penalty minutes",
        required=False,
        help_text="For lateness or breaks beyond policy",
        min_value=0,
        max_value=720,
    )
    work_quality = forms.ChoiceField(label="Work quality", choices=[("", "Not rated"), *Rating.choices], required=False)
    behaviour = forms.ChoiceField(label="Behaviour", choices=[("", "Not rated"), *Rating.choices], required=False)
    note = forms.CharField(
        label="Note (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "The note must be 1,000 characters or fewer"},
    )

    def __init__(self, *args: Any, appointment_id: int, person: str, **kwargs: Any) -> None:
        kwargs["prefix"] = f"a{appointment_id}"
        super().__init__(*args, **kwargs)
        self.appointment_id = appointment_id
        self.person = person

    def has_entries(self) -> bool:
        """Whether anything was entered for this person (an untouched line is not submitted)."""
        return self.is_bound and any(str(self[name].value() or "").strip() for name in self.fields)

    def name_errors(self) -> None:
        """Say whose line each message is about, for the error summary and beside the field."""
        for name, messages in list(self.errors.items()):
            named = [str(m) if str(m).startswith(f"{self.person}: ") else self.about(str(m)) for m in messages]
            self.errors[name] = self.error_class(named)

    def about(self, message: str) -> str:
        return f"{self.person}: {_lower_first(message)}"

    def line(self) -> RegisterLine:
        data = self.cleaned_data
        return RegisterLine(
            appointment_id=self.appointment_id,
            outcome=data.get("outcome") or "",
            arrived_at=data.get("arrived_at"),
            left_at=data.get("left_at"),
            penalty_minutes=data.get("penalty_minutes") or 0,
            absence_reason=data.get("absence_reason") or "",
            work_quality=data.get("work_quality") or "",
            behaviour=data.get("behaviour") or "",
            note=data.get("note") or "",
        )


def register_initial(appointment: Any) -> dict[str, Any]:
    """What is saved for a person, as the register's fields show it."""
    return {
        "outcome": appointment.outcome,
        "absence_reason": appointment.absence_reason,
        "arrived_at": hh_mm(appointment.arrived_at),
        "left_at": hh_mm(appointment.left_at),
        "penalty_minutes": appointment.penalty_minutes or "",
        "work_quality": appointment.work_quality,
        "behaviour": appointment.behaviour,
        "note": appointment.note if appointment.outcome else "",
    }
