"""The beneficiary forms."""

from typing import Any

from django import forms

from payback.core.fields import text_field
from payback.core.forms import GovukDateField
from payback.staff.models import Pdu

from ..models import (
    BeneficiaryKind,
)
from ..services import MAX_TEXT
from .common import (
    EMAIL_FORMAT,
    POSTCODE_FORMAT,
    clean_phone,
    normalise_postcode,
    says,
)


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
    additionality_justification = says(
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
        return clean_phone(self.cleaned_data["contact_phone"])

    def values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "pdu"}
