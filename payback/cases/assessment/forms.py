"""The pages of the UPW assessment question flow. Each page is a form that knows how to load
its answers from a version and turn what was typed into values for `assessment_update`."""

from typing import Any

from django import forms

from payback.core.fields import YES_NO, checkboxes_field, radio_field, reason_field, whole_number_field
from payback.core.forms import GovukDateField

from ..models import Assessment, InductionOutcome, PlacementPreference, PlacementType, RiskFlag, RoshLevel, Transport
from . import rules as arules

PART_CHOICES = [(p, p.title()) for p in arules.PARTS]
REASON_CHOICES = [("", "Available all day, or no reason given"), *arules.COMMITMENT_REASONS.items()]


def _text(label: str, *, textarea: bool = True, max_length: int = 2000, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea if textarea else forms.TextInput,
    )


class AssessmentPage(forms.Form):
    title = ""
    slug = ""
    # Questions the page asks as Yes or No, kept on the assessment as true or false.
    yes_no_answers: tuple[str, ...] = ()

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        self.assessment = assessment
        kwargs.setdefault("initial", self.initial_from(assessment))
        super().__init__(*args, **kwargs)

    def initial_from(self, assessment: Assessment) -> dict[str, Any]:
        initial = {name: getattr(assessment, name) for name in self.base_fields if hasattr(assessment, name)}
        for name in self.yes_no_answers:
            initial[name] = "yes" if getattr(assessment, name) else "no"
        return initial

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        for name in self.yes_no_answers:
            values[name] = values[name] == "yes"
        return values

    def risk_flags(self) -> list[RiskFlag] | None:
        return None


class AvailabilityPage(AssessmentPage):
    title = "When is the person available to work?"
    slug = "availability"

    def day_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"{day}_parts"], self[f"{day}_reason"]) for day in arules.DAYS]

    def initial_from(self, assessment: Assessment) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        reasons = {item["day"]: item["reason"] for item in assessment.commitments}
        for day in arules.DAYS:
            initial[f"{day}_parts"] = assessment.availability.get(day, [])
            initial[f"{day}_reason"] = reasons.get(day, "")
        return initial

    def values(self) -> dict[str, Any]:
        availability = {}
        commitments = []
        for day in arules.DAYS:
            parts = [p for p in arules.PARTS if p in self.cleaned_data[f"{day}_parts"]]
            availability[day] = parts
            reason = self.cleaned_data[f"{day}_reason"]
            if reason and len(parts) < len(arules.PARTS):
                missing = [p for p in arules.PARTS if p not in parts]
                commitments.append({"day": day, "parts": missing, "reason": reason})
        return {"availability": availability, "commitments": commitments}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f"{day}_parts") for day in arules.DAYS):
            self.add_error("mon_parts", "Select at least one day and part of the day when the person is available")
        return cleaned


for _day in arules.DAYS:
    AvailabilityPage.base_fields[f"{_day}_parts"] = checkboxes_field(arules.DAY_NAMES[_day], PART_CHOICES)
    AvailabilityPage.base_fields[f"{_day}_reason"] = forms.ChoiceField(
        label=f"If not available all of {arules.DAY_NAMES[_day]}, why not", required=False, choices=REASON_CHOICES
    )


class HealthPage(AssessmentPage):
    title = "Health, disability and neurodiversity"
    slug = "health"
    health_limitations = _text(
        "Health and physical limitations", help_text="For example, cannot lift heavy loads, asthma"
    )
    disability_adjustments = _text("Adjustments for disabilities")
    neurodiversity_adjustments = _text(
        "Adjustments for neurodiversity", help_text="For example, written instructions, a structured day"
    )


class LanguagePage(AssessmentPage):
    title = "Language"
    slug = "language"
    yes_no_answers = ("interpreter_required",)
    first_language = _text("First language", textarea=False, max_length=100)
    interpreter_required = radio_field(
        "Does the person need an interpreter for essential information?",
        YES_NO,
        required_message="Select yes if the person needs an interpreter",
    )
    interpreter_language = _text("Language the interpreter must speak", textarea=False, max_length=100)


class ReligionPage(AssessmentPage):
    title = "Religious observance"
    slug = "religion"
    prayer_times = _text(
        "Prayer times during the working day",
        textarea=False,
        max_length=300,
        help_text="Prayer breaks are taken within the working day on site",
    )
    days_cannot_work = checkboxes_field(
        "Days the person cannot work for religious reasons", list(arules.DAY_NAMES.items())
    )
    religious_observance_notes = _text("Anything else about religious observance")


class PreferencePage(AssessmentPage):
    title = "Placement preference"
    slug = "preference"
    placement_preference = radio_field(
        "Where would she prefer to work?",
        PlacementPreference.choices,
        help_text="A woman is never placed in an otherwise all-male group",
        required_message="Select her placement preference",
    )


class TravelPage(AssessmentPage):
    title = "Travel"
    slug = "travel"
    transport = radio_field(
        "How will the person travel to work?", Transport.choices, required_message="Select how the person will travel"
    )
    max_travel_minutes = whole_number_field(
        "Longest journey the person can make, in minutes",
        min_value=1,
        max_value=180,
        required_message="Enter the longest journey in minutes",
        error_messages={
            "invalid": "Enter the longest journey as a whole number of minutes",
            "min_value": "Enter the longest journey, between 1 and 180 minutes",
            "max_value": "Enter the longest journey, between 1 and 180 minutes",
        },
        width="govuk-input--width-4",
    )


class SkillsPage(AssessmentPage):
    title = "Skills, experience and clothing"
    slug = "skills"
    skills = _text("Skills", help_text="For example, painting, carpentry, driving")
    experience = _text("Relevant experience")
    clothing_size = _text("Clothing size", textarea=False, max_length=20)
    boot_size = _text("Boot size", textarea=False, max_length=10)


class PlacementsPage(AssessmentPage):
    title = "Types of placement"
    slug = "placements"
    yes_no_answers = ("group_work_unsuitable",)
    group_work_unsuitable = radio_field(
        "Is group work unsuitable for the person?", YES_NO, required_message="Select yes if group work is unsuitable"
    )
    group_work_unsuitable_reason = _text("Why group work is unsuitable")
    suitable_placement_types = checkboxes_field(
        "Types of placement the person is suitable for",
        PlacementType.choices,
        required=True,
        error_messages={"required": "Select at least one type of placement"},
    )

    def values(self) -> dict[str, Any]:
        values = super().values()
        if values["group_work_unsuitable"] and not values["group_work_unsuitable_reason"].strip():
            self.add_error("group_work_unsuitable_reason", "Enter why group work is unsuitable")
        return values


class RiskPage(AssessmentPage):
    title = "Risk"
    slug = "risk"
    rosh_level = radio_field(
        "Risk of serious harm",
        RoshLevel.choices,
        help_text="High and very high need a senior probation officer's countersignature",
        required_message="Select the risk of serious harm level",
    )
    flags = forms.ModelMultipleChoiceField(
        label="Specific risk flags",
        required=False,
        queryset=RiskFlag.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    risk_assessed_on = GovukDateField(label="Date the risk was assessed", help_text="For example, 12 11 2026")
    risk_notes = _text("Notes on risk for placement")

    def initial_from(self, assessment: Assessment) -> dict[str, Any]:
        initial = super().initial_from(assessment)
        initial["flags"] = list(assessment.risk_flags.all()) if assessment.pk else []
        return initial

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("flags")
        return values

    def risk_flags(self) -> list[RiskFlag] | None:
        return list(self.cleaned_data["flags"])


PAGES: list[type[AssessmentPage]] = [
    AvailabilityPage,
    HealthPage,
    LanguagePage,
    ReligionPage,
    PreferencePage,
    TravelPage,
    SkillsPage,
    PlacementsPage,
    RiskPage,
]


def pages_for(assessment: Assessment) -> list[type[AssessmentPage]]:
    """The placement preference is asked of women only."""
    is_woman = assessment.person.sex == "female"
    return [page for page in PAGES if page is not PreferencePage or is_woman]


class NonAssociationForm(forms.Form):
    crn = forms.CharField(
        label="CRN of the person they must not be placed with",
        max_length=20,
        error_messages={"required": "Enter the CRN of the other person"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    reason = reason_field(
        "Why they must not be placed together",
        max_length=300,
        required_message="Enter why they must not be placed together",
    )


class InductionBookForm(forms.Form):
    day = GovukDateField(label="Date of the induction", help_text="For example, 1 12 2026")
    time = forms.TimeField(
        label="Start time",
        help_text="For example, 10:00",
        error_messages={"required": "Enter the start time", "invalid": "Enter the start time like 10:00"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    location = forms.CharField(label="Where", max_length=200, error_messages={"required": "Enter where"})
    late_reason = _text("If after the deadline, why", help_text="Only needed if the induction is late")


class InductionOutcomeForm(forms.Form):
    outcome = radio_field(
        "What happened?", InductionOutcome.choices, required_message="Select what happened at the induction"
    )
    minutes_attended = whole_number_field(
        "Minutes the induction lasted (if attended)",
        required=False,
        error_messages={"invalid": "Enter the minutes as a whole number"},
        width="govuk-input--width-4",
    )
    reason = _text("Reason or notes", help_text="Needed for an absence")


class CountersignForm(forms.Form):
    decision = radio_field(
        "Your decision",
        [("approve", "Countersign"), ("return", "Return for changes")],
        required_message="Select whether to countersign or return the assessment",
    )
    comment = _text("Comment", help_text="Required when returning the assessment")
