"""Forms for the allocation pages: the shape of input only; the rules are in the services."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet

from payback.core.fields import radio_field, record_choice, set_choices
from payback.projects.models import Project
from payback.staff.models import Pdu, Region

from .services import TIME_LIMITS, WEEKS_AHEAD


def week_choices(today: date) -> list[tuple[str, str]]:
    monday = today - timedelta(days=today.weekday())
    weeks = [monday + timedelta(weeks=i) for i in range(WEEKS_AHEAD + 1)]
    return [
        (w.isoformat(), f"Week beginning Monday {w.day} {w:%B %Y}" + (" (this week)" if i == 0 else ""))
        for i, w in enumerate(weeks)
    ]


class RunForm(forms.Form):
    pdu = record_choice(
        "Probation Delivery Unit",
        Pdu,
        empty_label=None,
        required_message="Choose the PDU to plan",
        invalid_message="Choose a PDU in your area",
    )
    week_start = forms.ChoiceField(
        label="Week",
        error_messages={"required": "Choose the week to plan", "invalid_choice": "Choose a week from the list"},
    )
    time_limit = forms.TypedChoiceField(
        label="How long the planner may search",
        choices=[(str(t), f"{t} seconds") for t in TIME_LIMITS],
        coerce=int,
        initial=str(TIME_LIMITS[0]),
        widget=forms.RadioSelect(attrs={"inline": True}),
        help_text="Longer can find a slightly better plan for a large PDU",
        error_messages={"required": "Choose how long the planner may search"},
    )

    def __init__(self, *args: Any, pdus: QuerySet[Pdu], today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "pdu", pdus)
        set_choices(self, "week_start", week_choices(today))
        if not self.is_bound:
            self.fields["week_start"].initial = week_choices(today)[1][0]

    def clean_week_start(self) -> date:
        return date.fromisoformat(self.cleaned_data["week_start"])


class PlaceForm(forms.Form):
    """Put a person on a session: in addition to their sessions, or instead of one of them."""

    to_session = forms.TypedChoiceField(
        label="Session",
        coerce=int,
        error_messages={"required": "Choose the session", "invalid_choice": "Choose a session from the list"},
    )
    from_session = forms.TypedChoiceField(
        label="Instead of",
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of their sessions, or none"},
    )

    def __init__(
        self, *args: Any, sessions: list[tuple[int, str]], current: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "to_session", [("", "Choose a session"), *sessions])
        if current:
            moves = [(sid, f"{label}: move them from it") for sid, label in current]
            set_choices(self, "from_session", [("", "None: add this session as well"), *moves])
            self.fields["from_session"].initial = ""
        else:
            del self.fields["from_session"]


class SessionChoiceForm(forms.Form):
    session = forms.IntegerField(min_value=1)


class PinForm(SessionChoiceForm):
    pin = forms.TypedChoiceField(choices=[("1", "Pin"), ("0", "Unpin")], coerce=lambda v: v == "1")


SCENARIOS = [
    ("", "No change: as planned now"),
    ("saturday", "Add a session every Saturday"),
    ("supervisor", "Add a supervisor"),
    ("project_closes", "A project closes"),
]


class CapacityForm(forms.Form):
    pdu = record_choice("Probation Delivery Unit", Pdu, empty_label=None, invalid_message="Choose a PDU in your area")
    scenario = radio_field(
        "What if", SCENARIOS, required=False, error_messages={"invalid_choice": "Choose a change from the list"}
    )
    project = record_choice(
        "Project that closes",
        Project,
        required=False,
        empty_label="Choose a project",
        invalid_message="Choose an active project in the PDU",
    )

    def __init__(self, *args: Any, pdus: QuerySet[Pdu], projects: QuerySet[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "pdu", pdus)
        set_choices(self, "project", projects)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scenario") == "project_closes":
            project = data.get("project")
            if project is None:
                self.add_error("project", "Choose the project that closes")
            elif data.get("pdu") and project.pdu_id != data["pdu"].pk:
                self.add_error("project", "Choose a project in the PDU")
        return data


class BatchForm(forms.Form):
    """Plan a week for every PDU of a region, or of the country."""

    region = record_choice(
        "Area",
        Region,
        empty_label="Every region",
        required=False,
        required_message="Choose your region",
        invalid_message="Choose a region in your area",
    )
    week_start = RunForm.base_fields["week_start"]
    time_limit = RunForm.base_fields["time_limit"]

    def __init__(self, *args: Any, regions: QuerySet[Region], national: bool, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "region", regions)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.empty_label = "Every region" if national else None
        region_field.required = not national
        set_choices(self, "week_start", week_choices(today))
        if not self.is_bound:
            self.fields["week_start"].initial = week_choices(today)[1][0]

    def clean_week_start(self) -> date:
        return date.fromisoformat(self.cleaned_data["week_start"])
