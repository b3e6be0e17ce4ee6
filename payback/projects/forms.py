"""Forms check only the shape of input (types, lengths, formats); the rules are applied by services."""

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

from payback.cases.assessment.rules import DAY_NAMES, DAYS
from payback.cases.models import RiskFlag
from payback.core.fields import int_field, text_field, yes_no_field
from payback.core.forms import GovukDateField
from payback.staff.models import Pdu, Region

from .models import (
    Beneficiary,
    BeneficiaryKind,
    HeardAbout,
    NominationStatus,
    ProjectStatus,
    ProjectType,
    ReferralMeans,
    RejectionReason,
)
from .services import MAX_TEXT, PROJECT_FIELDS

_F = TypeVar("_F", bound=forms.Field)
POSTCODE_RE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2})$")
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{7,30}$")
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
POSTCODE_FORMAT = "Enter a real postcode, like NE1 4ST"
PHONE_FORMAT = "Enter a phone number, like 01632 960 001 or 07700 900 982"


def _says(field: _F, **messages: str) -> _F:
    """The field with some of its messages given in full (where they name it other than by its label)."""
    field.error_messages.update(messages)
    return field


def _number_says(name: str) -> dict[str, str]:
    """What a whole-number field of a project form says when the number will not do."""
    return {
        "invalid": f"{name} must be a whole number",
        "min_value": f"{name} must be 0 or more",
        "max_value": f"{name} must be a smaller number",
    }


def normalise_postcode(value: str) -> str:
    """'ne14st' -> 'NE1 4ST'; raises ValidationError when it is not the shape of a UK postcode."""
    compact = "".join(value.split()).upper()
    if not POSTCODE_RE.match(compact):
        raise ValidationError(POSTCODE_FORMAT)
    return f"{compact[:-3]} {compact[-3:]}"


def _clean_phone(value: str) -> str:
    value = value.strip()
    if value and not PHONE_RE.match(value):
        raise ValidationError(PHONE_FORMAT)
    return value


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def from_yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def pdu_choices(pdus: Iterable[Pdu]) -> list[tuple[str, list[tuple[int, str]]]]:
    """PDUs grouped by region, for a select with an option group per region."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for pdu in pdus:
        groups.setdefault(pdu.region.name, []).append((pdu.pk, pdu.name))
    return [(region, sorted(items, key=lambda item: item[1])) for region, items in sorted(groups.items())]


# ---------------------------------------------------------------------------------------------
# The public nomination form: one page per question group, answers kept in the session.


class NominationPage(forms.Form):
    slug = ""
    title = ""
    caption = ""

    def __init__(self, *args: Any, answers: dict[str, Any], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: answers.get(name, "") for name in self.base_fields})
        super().__init__(*args, **kwargs)

    def answers(self) -> dict[str, Any]:
        """What to keep in the session: plain JSON values."""
        return {name: self.cleaned_data[name] for name in self.fields}


class AboutYouPage(NominationPage):
    slug = "about-you"
    title = "About you"
    nominator_name = text_field("Full name", max_length=200, required=True, required_message="Enter your full name")
    nominator_email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will only use this to tell you what happens to your nomination",
        error_messages={
            "required": "Enter your email address",
            "invalid": EMAIL_FORMAT,
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    nominator_phone = text_field("Phone number (optional)", max_length=30, width="govuk-input--width-20")
    on_behalf_of_group = yes_no_field(
        "Are you nominating on behalf of a group or organisation?",
        required_message="Select yes if you are nominating on behalf of a group or organisation",
    )
    organisation = _says(
        text_field("Name of the group or organisation (if you are nominating for one)", max_length=200),
        max_length="Name of the group or organisation must be 200 characters or fewer",
    )

    def clean_nominator_phone(self) -> str:
        return _clean_phone(self.cleaned_data["nominator_phone"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("on_behalf_of_group") == "yes" and not cleaned.get("organisation", "").strip():
            self.add_error("organisation", "Enter the name of the group or organisation")
        if cleaned.get("on_behalf_of_group") == "no":
            cleaned["organisation"] = ""
        return cleaned


class TheWorkPage(NominationPage):
    slug = "the-work"
    title = "What needs doing?"
    work_description = _says(
        text_field(
            "Describe the work",
            max_length=MAX_TEXT,
            required=True,
            required_message="Enter what needs doing",
            textarea=True,
            help_text="For example, clearing litter and brambles from a footpath, or painting a community hall. "
            f"You can enter up to {MAX_TEXT:,} characters.",
        ),
        max_length=f"What needs doing must be {MAX_TEXT:,} characters or fewer",
    )


class WherePage(NominationPage):
    slug = "where"
    title = "Where is the work?"
    location = _says(
        text_field(
            "Describe the place",
            max_length=300,
            required=True,
            required_message="Enter where the work is",
            textarea=True,
            help_text="For example, the name of the park or building and the nearest street",
        ),
        max_length="Where the work is must be 300 characters or fewer",
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        help_text="The postcode of the place, or the nearest one",
        error_messages={"required": "Enter the postcode", "max_length": POSTCODE_FORMAT},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}),
    )
    pdu = forms.TypedChoiceField(
        label="Which area is the work in?",
        coerce=int,
        help_text="Choose the area nearest to the place if you are not sure",
        error_messages={
            "required": "Select which area the work is in",
            "invalid_choice": "Select an area from the list",
        },
    )

    def __init__(self, *args: Any, answers: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, answers=answers, **kwargs)
        self.pdu_groups = pdu_choices(Pdu.objects.select_related("region"))
        pdu_field = self.fields["pdu"]
        assert isinstance(pdu_field, forms.TypedChoiceField)
        pdu_field.choices = [("", "Select an area"), *self.pdu_groups]

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])


class WhoBenefitsPage(NominationPage):
    slug = "who-benefits"
    title = "Who would benefit from the work?"
    who_benefits = _says(
        text_field(
            "Describe who would benefit",
            max_length=MAX_TEXT,
            required=True,
            required_message="Enter who would benefit from the work",
            textarea=True,
            help_text=f"For example, people who use the park, or the members of a club. Up to {MAX_TEXT:,} characters.",
        ),
        max_length=f"Who would benefit must be {MAX_TEXT:,} characters or fewer",
    )


class HeardAboutPage(NominationPage):
    slug = "how-you-heard"
    title = "How did you hear about Community Payback?"
    heard_about = forms.ChoiceField(
        label="Choose one",
        choices=HeardAbout.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how you heard about Community Payback",
            "invalid_choice": "Select how you heard about Community Payback",
        },
    )


NOMINATION_PAGES: list[type[NominationPage]] = [AboutYouPage, TheWorkPage, WherePage, WhoBenefitsPage, HeardAboutPage]


def nomination_page_of(field: str) -> type[NominationPage]:
    for page in NOMINATION_PAGES:
        if field in page.base_fields:
            return page
    return NOMINATION_PAGES[0]


# ---------------------------------------------------------------------------------------------
# Nominations register and decisions


class NominationFilterForm(forms.Form):
    q = forms.CharField(label="Reference, name, place or postcode", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *NominationStatus.choices])
    overdue = forms.MultipleChoiceField(
        label="Acknowledgement",
        required=False,
        choices=[("yes", "Overdue only")],
        widget=forms.CheckboxSelectMultiple,
    )


class ReferralMeansForm(forms.Form):
    referral_means = forms.ChoiceField(
        label="How was the nomination received?",
        choices=[("", "Select how it was received"), *ReferralMeans.choices],
        required=False,
    )


class NominationAcceptForm(forms.Form):
    beneficiary = forms.ModelChoiceField(
        label="An existing beneficiary",
        queryset=Beneficiary.objects.none(),
        required=False,
        empty_label="None: enter a new beneficiary below",
        error_messages={"invalid_choice": "Select a beneficiary from the list"},
    )
    name = text_field("Organisation name", max_length=200)
    kind = forms.ChoiceField(
        label="Type of organisation", choices=BeneficiaryKind.choices, widget=forms.RadioSelect, required=False
    )
    additionality_justification = _says(
        text_field("How the work is additional (commercial organisations only)", max_length=MAX_TEXT, textarea=True),
        max_length=f"How the work is additional must be {MAX_TEXT:,} characters or fewer",
    )
    contact_name = text_field("Contact name", max_length=200)
    contact_email = forms.EmailField(
        label="Contact email address (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": EMAIL_FORMAT},
    )
    contact_phone = text_field("Contact phone number (optional)", max_length=30)
    project_name = text_field(
        "Project name",
        max_length=200,
        help_text="A short name staff will recognise, like 'Jesmond Dene path clearance'",
    )

    NEW_FIELDS = ("name", "kind", "additionality_justification", "contact_name", "contact_email", "contact_phone")

    def __init__(self, *args: Any, beneficiaries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["beneficiary"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = beneficiaries

    def clean_contact_phone(self) -> str:
        return _clean_phone(self.cleaned_data["contact_phone"])

    def new_beneficiary(self) -> dict[str, Any] | None:
        values = {name: self.cleaned_data.get(name) or "" for name in self.NEW_FIELDS}
        return values if any(values.values()) else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("beneficiary") is not None and self.new_beneficiary():
            self.add_error("beneficiary", "Choose an existing beneficiary or enter a new one, not both")
        return cleaned


class NominationRejectForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the nomination rejected?",
        choices=RejectionReason.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    detail = _says(
        text_field(
            "Explain the decision",
            max_length=MAX_TEXT,
            textarea=True,
            help_text="This can be passed on to the person who nominated the work",
        ),
        max_length=f"The explanation must be {MAX_TEXT:,} characters or fewer",
    )


# ---------------------------------------------------------------------------------------------
# Beneficiaries


class BeneficiaryFilterForm(forms.Form):
    q = forms.CharField(label="Name or contact", required=False, max_length=100)
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Any"), *BeneficiaryKind.choices])


class BeneficiaryForm(forms.Form):
    name = text_field(
        "Organisation name", max_length=200, required=True, required_message="Enter the organisation's name"
    )
    kind = forms.ChoiceField(
        label="Type of organisation",
        choices=BeneficiaryKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of organisation"},
    )
    additionality_justification = _says(
        text_field(
            "How the work is additional (commercial organisations only)",
            max_length=MAX_TEXT,
            textarea=True,
            help_text="A commercial organisation can benefit only where the work is additional to what it pays for, "
            "like litter picking alongside a grounds contractor",
        ),
        max_length=f"How the work is additional must be {MAX_TEXT:,} characters or fewer",
    )
    address = text_field("Address (optional)", max_length=300, textarea=True)
    postcode = forms.CharField(
        label="Postcode (optional)",
        max_length=10,
        required=False,
        error_messages={"max_length": POSTCODE_FORMAT},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    pdu = forms.ModelChoiceField(
        label="PDU",
        queryset=Pdu.objects.none(),
        empty_label="Select a PDU",
        error_messages={"required": "Select the PDU the beneficiary is in"},
    )
    contact_name = text_field(
        "Contact name",
        max_length=200,
        required=True,
        required_message="Enter the name of the contact at the organisation",
    )
    contact_email = forms.EmailField(
        label="Contact email address (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": EMAIL_FORMAT},
    )
    contact_phone = text_field("Contact phone number (optional)", max_length=30)
    mou_signed_on = GovukDateField(
        label="Date the memorandum of understanding was signed",
        required=False,
        help_text="Leave empty if it has not been signed yet. For example, 27 3 2026",
    )

    def __init__(self, *args: Any, pdus: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pdus is None:
            del self.fields["pdu"]
        else:
            field = self.fields["pdu"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = pdus

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip()
        return normalise_postcode(value) if value else ""

    def clean_contact_phone(self) -> str:
        return _clean_phone(self.cleaned_data["contact_phone"])

    def values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "pdu"}


# ---------------------------------------------------------------------------------------------
# Projects


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label="Project or beneficiary", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *ProjectStatus.choices])
    project_type = forms.ChoiceField(label="Type", required=False, choices=[("", "Any"), *ProjectType.choices])
    review_needed = forms.MultipleChoiceField(
        label="Risk assessment",
        required=False,
        choices=[("yes", "Review needed only")],
        widget=forms.CheckboxSelectMultiple,
    )


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
    beneficiary = forms.ModelChoiceField(
        label="Beneficiary",
        queryset=Beneficiary.objects.none(),
        empty_label="Select a beneficiary",
        error_messages={"required": "Select the beneficiary", "invalid_choice": "Select a beneficiary from the list"},
    )
    pdu = forms.ModelChoiceField(
        label="PDU running the project",
        queryset=Pdu.objects.none(),
        empty_label="Select a PDU",
        error_messages={"required": "Select the PDU running the project"},
    )
    name = text_field("Project name", max_length=200)
    project_type = forms.ChoiceField(
        label="Type of project", choices=ProjectType.choices, widget=forms.RadioSelect, required=False
    )
    description = text_field("Description (optional)", max_length=MAX_TEXT, textarea=True)
    address = _says(
        text_field("Address of the site", max_length=300, textarea=True),
        max_length="Address must be 300 characters or fewer",
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        error_messages={"max_length": POSTCODE_FORMAT},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    latitude = _coordinate("Latitude (optional)")
    longitude = _coordinate("Longitude (optional)")
    days = forms.MultipleChoiceField(
        label="Days the project can run",
        required=False,
        choices=[(day, DAY_NAMES[day]) for day in DAYS],
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = _time("Start time")
    end_time = _time("Finish time")
    capacity = _says(
        int_field(
            "How many people can work at once",
            required=False,
            help_text="Between 1 and 30",
            width="govuk-input--width-4",
        ),
        **_number_says("How many people can work at once"),
    )

    def __init__(self, *args: Any, beneficiaries: Any = None, pdus: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("beneficiary", beneficiaries), ("pdu", pdus)):
            if queryset is None:
                del self.fields[name]
            else:
                field = self.fields[name]
                assert isinstance(field, forms.ModelChoiceField)
                field.queryset = queryset

    @staticmethod
    def initial_from(project: Any) -> dict[str, Any]:
        initial = {name: getattr(project, name) for name in PROJECT_FIELDS}
        for name in ("start_time", "end_time"):
            if initial[name] is not None:
                initial[name] = initial[name].strftime("%H:%M")
        return initial

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip()
        return normalise_postcode(value) if value else ""

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
    to_status = forms.ChoiceField(
        label="New status",
        choices=list(STATUS_ACTIONS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the new status"},
    )
    reason = text_field("Reason", max_length=500, textarea=True)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(status, label) for status, label in STATUS_ACTIONS.items() if status != current]


class ReviewNeededForm(forms.Form):
    reason = text_field(
        "What happened or what changed?",
        max_length=500,
        textarea=True,
        help_text="For example, an accident or near miss on the site, or a change to the work or the site",
    )


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
    hazards = _says(
        text_field("Hazards on the site", max_length=MAX_TEXT, textarea=True),
        max_length=f"Hazards must be {MAX_TEXT:,} characters or fewer",
    )
    controls = _says(
        text_field("How each risk is controlled", max_length=MAX_TEXT, textarea=True),
        max_length=f"Risk controls must be {MAX_TEXT:,} characters or fewer",
    )
    welfare = forms.MultipleChoiceField(
        label="Welfare facilities on site or arranged nearby",
        required=False,
        choices=WELFARE,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    all_weather = yes_no_field("Can the work go ahead in all weathers?", required_message="", required=False)
    wet_weather_contingency = text_field(
        "Wet-weather contingency",
        max_length=MAX_TEXT,
        textarea=True,
        help_text="What the group does instead when the weather stops the work",
    )
    duration_weeks = _says(
        int_field(
            "How many weeks will the project run? (optional)",
            required=False,
            help_text="Leave empty if it is ongoing",
            width="govuk-input--width-4",
        ),
        **_number_says("How many weeks will the project run?"),
    )
    max_people = _says(
        int_field(
            "How many people can be placed at once?",
            required=False,
            help_text="Between 1 and 30",
            width="govuk-input--width-4",
        ),
        **_number_says("How many people can be placed at once?"),
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
    tools_provided = _says(
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
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: the project can go ahead"), ("return", "Return it for changes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve the project assessment or return it"},
    )
    comment = text_field(
        "Comment", max_length=MAX_TEXT, textarea=True, help_text="Required when you return it: say what must change"
    )


class AuditSampleForm(forms.Form):
    year = _says(
        int_field("Year", required=True, width="govuk-input--width-4"),
        **_number_says("Year"),
    )
    region = forms.ModelChoiceField(
        label="Region",
        queryset=Region.objects.none(),
        empty_label="Select a region",
        error_messages={"required": "Select the region"},
    )
    size = _says(
        int_field(
            "How many projects to sample",
            required=True,
            required_message="Enter how many projects to sample",
            help_text="Between 1 and 200",
            width="govuk-input--width-4",
        ),
        **_number_says("How many projects to sample"),
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
        field = self.fields["region"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = regions
