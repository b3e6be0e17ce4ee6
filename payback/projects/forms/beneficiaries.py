"""The beneficiary forms."""

from typing import Any

from django import forms

from payback.core.fields import filter_choice, radio_field, record_choice, search_field, text_field
from payback.core.forms import GovukDateField
from payback.staff.models import Pdu

from ..models import BeneficiaryKind
from .common import additionality_field, choices_or_drop, clean_phone, email_field, optional_postcode, postcode_field


class BeneficiaryFilterForm(forms.Form):
    q = search_field("Name or contact")
    kind = filter_choice("Type", BeneficiaryKind.choices)


class BeneficiaryForm(forms.Form):
    name = text_field(
        "Organisation name", max_length=200, required=True, required_message="Enter the organisation's name"
    )
    kind = radio_field(
        "Type of organisation", BeneficiaryKind.choices, required_message="Select the type of organisation"
    )
    additionality_justification = additionality_field(
        help_text="A commercial organisation can benefit only where the work is additional to what it pays for, "
        "like litter picking alongside a grounds contractor",
    )
    address = text_field("Address (optional)", max_length=300, textarea=True)
    postcode = postcode_field("Postcode (optional)")
    pdu = record_choice("PDU", Pdu, empty_label="Select a PDU", required_message="Select the PDU the beneficiary is in")
    contact_name = text_field(
        "Contact name",
        max_length=200,
        required=True,
        required_message="Enter the name of the contact at the organisation",
    )
    contact_email = email_field("Contact email address (optional)")
    contact_phone = text_field("Contact phone number (optional)", max_length=30)
    mou_signed_on = GovukDateField(
        label="Date the memorandum of understanding was signed",
        required=False,
        help_text="Leave empty if it has not been signed yet. For example, 27 3 2026",
    )

    def __init__(self, *args: Any, pdus: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_or_drop(self, "pdu", pdus)

    def clean_postcode(self) -> str:
        return optional_postcode(self.cleaned_data["postcode"])

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data["contact_phone"])

    def values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "pdu"}
