"""The public nomination form (one page per question group, answers kept in the session) and
the forms of the nominations register and its decisions."""

from typing import Any

from django import forms

from payback.core.fields import (
    checkboxes_field,
    filter_choice,
    radio_field,
    record_choice,
    search_field,
    set_choices,
    text_field,
    yes_no_field,
)
from payback.staff.models import Pdu

from ..models import Beneficiary, BeneficiaryKind, HeardAbout, NominationStatus, ReferralMeans, RejectionReason
from ..services import MAX_TEXT
from .common import additionality_field, clean_phone, email_field, normalise_postcode, pdu_choices, postcode_field, says

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
    nominator_email = email_field(
        "Email address",
        required_message="Enter your email address",
        help_text="We will only use this to tell you what happens to your nomination",
        max_length="Email address must be 254 characters or fewer",
    )
    nominator_phone = text_field("Phone number (optional)", max_length=30, width="govuk-input--width-20")
    on_behalf_of_group = yes_no_field(
        "Are you nominating on behalf of a group or organisation?",
        required_message="Select yes if you are nominating on behalf of a group or organisation",
    )
    organisation = says(
        text_field("Name of the group or organisation (if you are nominating for one)", max_length=200),
        max_length="Name of the group or organisation must be 200 characters or fewer",
    )

    def clean_nominator_phone(self) -> str:
        return clean_phone(self.cleaned_data["nominator_phone"])

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
    work_description = says(
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
    location = says(
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
    postcode = postcode_field(
        "Postcode",
        required_message="Enter the postcode",
        help_text="The postcode of the place, or the nearest one",
        attrs={"autocomplete": "postal-code"},
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
        set_choices(self, "pdu", [("", "Select an area"), *self.pdu_groups])

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])


class WhoBenefitsPage(NominationPage):
    slug = "who-benefits"
    title = "Who would benefit from the work?"
    who_benefits = says(
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
    heard_about = radio_field(
        "Choose one",
        HeardAbout.choices,
        required_message="Select how you heard about Community Payback",
        error_messages={"invalid_choice": "Select how you heard about Community Payback"},
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
    q = search_field("Reference, name, place or postcode")
    status = filter_choice("Status", NominationStatus.choices)
    overdue = checkboxes_field("Acknowledgement", [("yes", "Overdue only")])


class ReferralMeansForm(forms.Form):
    referral_means = forms.ChoiceField(
        label="How was the nomination received?",
        choices=[("", "Select how it was received"), *ReferralMeans.choices],
        required=False,
    )


class NominationAcceptForm(forms.Form):
    beneficiary = record_choice(
        "An existing beneficiary",
        Beneficiary,
        noun="beneficiary",
        required=False,
        empty_label="None: enter a new beneficiary below",
    )
    name = text_field("Organisation name", max_length=200)
    kind = radio_field("Type of organisation", BeneficiaryKind.choices, required=False)
    additionality_justification = additionality_field()
    contact_name = text_field("Contact name", max_length=200)
    contact_email = email_field("Contact email address (optional)")
    contact_phone = text_field("Contact phone number (optional)", max_length=30)
    project_name = text_field(
        "Project name",
        max_length=200,
        help_text="A short name staff will recognise, like 'Jesmond Dene path clearance'",
    )

    NEW_FIELDS = ("name", "kind", "additionality_justification", "contact_name", "contact_email", "contact_phone")

    def __init__(self, *args: Any, beneficiaries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "beneficiary", beneficiaries)

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data["contact_phone"])

    def new_beneficiary(self) -> dict[str, Any] | None:
        values = {name: self.cleaned_data.get(name) or "" for name in self.NEW_FIELDS}
        return values if any(values.values()) else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("beneficiary") is not None and self.new_beneficiary():
            self.add_error("beneficiary", "Choose an existing beneficiary or enter a new one, not both")
        return cleaned


class NominationRejectForm(forms.Form):
    reason = radio_field("Why is the nomination rejected?", RejectionReason.choices, required=False)
    detail = says(
        text_field(
            "Explain the decision",
            max_length=MAX_TEXT,
            textarea=True,
            help_text="This can be passed on to the person who nominated the work",
        ),
        max_length=f"The explanation must be {MAX_TEXT:,} characters or fewer",
    )
