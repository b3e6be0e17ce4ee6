"""The project assessment form, the manager's decision and the yearly audit sample."""

from typing import Any

from django import forms

from payback.cases.models import RiskFlag
from payback.core.fields import (
    checkboxes_field,
    int_field,
    radio_field,
    record_choice,
    set_choices,
    text_field,
    yes_no_field,
)
from payback.staff.models import Region

from ..services import MAX_TEXT
from .common import from_yes_no, number_says, says, yes_no

WELFARE = [
    ("welfare_toilets", "Toilets"),
    ("welfare_shelter", "Shelter"),
    ("welfare_drinking_water", "Drinking water"),
]
PRINCIPLE_QUESTIONS = {
    "replaces_paid_work": "Would the work replace paid employment?",
    "makes_profit": "Would the work make a profit for anyone?",
    "involves_personal_care": "Does the work involve personal care?",
    "supervises_children_or_vulnerable_adults": "Does the work involve supervising children or vulnerable adults?",
}


class ProjectAssessmentForm(forms.Form):
    hazards = says(
        text_field("Hazards on the site", max_length=MAX_TEXT, textarea=True),
        max_length=f"Hazards must be {MAX_TEXT:,} characters or fewer",
    )
    controls = says(
        text_field("How each risk is controlled", max_length=MAX_TEXT, textarea=True),
        max_length=f"Risk controls must be {MAX_TEXT:,} characters or fewer",
    )
    welfare = checkboxes_field(
        "Welfare facilities on site or arranged nearby", WELFARE, help_text="Select all that apply"
    )
    all_weather = yes_no_field("Can the work go ahead in all weathers?", required_message="", required=False)
    wet_weather_contingency = text_field(
        "Wet-weather contingency",
        max_length=MAX_TEXT,
        textarea=True,
        help_text="What the group does instead when the weather stops the work",
    )
    duration_weeks = says(
        int_field(
            "How many weeks will the project run? (optional)",
            required=False,
            help_text="Leave empty if it is ongoing",
            width="govuk-input--width-4",
        ),
        **number_says("How many weeks will the project run?"),
    )
    max_people = says(
        int_field(
            "How many people can be placed at once?",
            required=False,
            help_text="Between 1 and 30",
            width="govuk-input--width-4",
        ),
        **number_says("How many people can be placed at once?"),
    )
    excluded_flags = forms.ModelMultipleChoiceField(
        label="Who may not be placed on this project?",
        queryset=RiskFlag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People with any of these risk flags will not be placed. For example, a school site excludes "
        "'Not near children'.",
    )
    women_only = yes_no_field("Is the project for women only?", required_message="", required=False)
    tools_provided = says(
        text_field("Tools and equipment the beneficiary provides", max_length=MAX_TEXT, textarea=True),
        max_length=f"Tools must be {MAX_TEXT:,} characters or fewer",
    )
    environmental_value = text_field("Environmental and sustainability value", max_length=MAX_TEXT, textarea=True)
    replaces_paid_work = yes_no_field(PRINCIPLE_QUESTIONS["replaces_paid_work"], required_message="", required=False)
    makes_profit = yes_no_field(PRINCIPLE_QUESTIONS["makes_profit"], required_message="", required=False)
    involves_personal_care = yes_no_field(
        PRINCIPLE_QUESTIONS["involves_personal_care"], required_message="", required=False
    )
    supervises_children_or_vulnerable_adults = yes_no_field(
        PRINCIPLE_QUESTIONS["supervises_children_or_vulnerable_adults"], required_message="", required=False
    )
    recommendation = text_field(
        "Recommendation",
        max_length=MAX_TEXT,
        textarea=True,
        help_text="Set out the risks and the benefits for the operations manager who decides",
    )

    YES_NO_FIELDS = (
        "all_weather",
        "women_only",
        "replaces_paid_work",
        "makes_profit",
        "involves_personal_care",
        "supervises_children_or_vulnerable_adults",
    )
    # Where the service names a model field that this form shows under another name.
    ALIASES = {"welfare_toilets": "welfare", "welfare_shelter": "welfare", "welfare_drinking_water": "welfare"}

    @classmethod
    def initial_from(cls, assessment: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(assessment, name)
            for name in cls.base_fields
            if name not in {"welfare", "excluded_flags", *cls.YES_NO_FIELDS}
        }
        initial["welfare"] = [name for name, _ in WELFARE if getattr(assessment, name)]
        initial["excluded_flags"] = list(assessment.excluded_flags.all()) if assessment.pk else []
        for name in cls.YES_NO_FIELDS:
            initial[name] = yes_no(getattr(assessment, name))
        return initial

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            name: data[name]
            for name in self.fields
            if name not in {"welfare", "excluded_flags", "recommendation", *self.YES_NO_FIELDS}
        }
        values["recommendation"] = data["recommendation"]
        for name, _ in WELFARE:
            values[name] = name in data["welfare"]
        for name in ("all_weather", "women_only"):
            values[name] = data[name] == "yes"
        for name in PRINCIPLE_QUESTIONS:
            values[name] = from_yes_no(data[name])
        return values

    def flags(self) -> list[RiskFlag]:
        return list(self.cleaned_data["excluded_flags"])


class DecisionForm(forms.Form):
    decision = radio_field(
        "Your decision",
        [("approve", "Approve: the project can go ahead"), ("return", "Return it for changes")],
        required_message="Select whether you approve the project assessment or return it",
    )
    comment = text_field(
        "Comment", max_length=MAX_TEXT, textarea=True, help_text="Required when you return it: say what must change"
    )


class AuditSampleForm(forms.Form):
    year = says(
        int_field("Year", required=True, width="govuk-input--width-4"),
        **number_says("Year"),
    )
    region = record_choice("Region", Region, empty_label="Select a region", required_message="Select the region")
    size = says(
        int_field(
            "How many projects to sample",
            required=True,
            required_message="Enter how many projects to sample",
            help_text="Between 1 and 200",
            width="govuk-input--width-4",
        ),
        **number_says("How many projects to sample"),
    )
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Leave empty for a new random draw. Enter the seed of an earlier draw to reproduce it.",
        error_messages={
            "invalid": "The seed must be a whole number",
            "min_value": "The seed must be 0 or more",
            "max_value": "The seed must be a smaller number",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-20"}),
    )

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "region", regions)
