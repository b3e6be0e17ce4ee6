"""The person's forms, in everyday words. Forms check only the shape of input; the services apply
the rules (and say what is wrong in the same words)."""

from typing import Any

from django import forms

from payback.cases.forms import IdempotentForm
from payback.core.fields import radio_field, text_field
from payback.core.forms import GovukDateField

from .models import Channel

# Why the person cannot come, in their words (the register's absence reasons).
REASONS = [
    ("medical", "I am ill or hurt"),
    ("employment", "I have to go to work"),
    ("family", "Family or childcare"),
    ("court", "I have to go to court"),
    ("other", "Something else"),
]
FILE_TYPES = ".pdf,.jpg,.jpeg,.png"


class SignInForm(forms.Form):
    crn = text_field(
        "Case number (CRN)",
        max_length=20,
        required=True,
        required_message="Enter your case number",
        help_text="It is on letters from us. It is a letter and then 6 numbers, like X123456.",
        width="govuk-input--width-10",
    )
    date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 27 3 1990")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the code we sent you"},
        help_text="The code is 6 numbers.",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-5", "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class CannotComeForm(IdempotentForm):
    reason = radio_field("Why can you not come?", REASONS, required_message="Select why you cannot come")
    details = text_field(
        "Tell us what has happened",
        max_length=1000,
        required=True,
        required_message="Tell us what has happened",
        textarea=True,
        help_text="For example, what is wrong and when you can come again.",
    )
    file = forms.FileField(
        label="Add a photo or PDF (optional)",
        required=False,
        help_text="For example, a photo of a sick note or a letter from your work. It must be a photo (JPG or PNG) "
        "or a PDF, smaller than 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": FILE_TYPES}),
    )


class ContactChangeForm(IdempotentForm):
    phone = text_field("New mobile phone number", max_length=30, width="govuk-input--width-20")
    email = text_field("New email address", max_length=254)
    address = text_field("New address", max_length=300, help_text="The house number and street, and the town.")
    postcode = text_field("Postcode of your new address", max_length=10, width="govuk-input--width-10")

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("phone", "email", "address", "postcode")}


class PreferenceForm(forms.Form):
    channel = radio_field(
        "How do you want us to send you messages?",
        [(Channel.TEXT, "By text message"), (Channel.EMAIL, "By email")],
        required_message="Select how you want us to send you messages",
    )


class DecideChangeForm(forms.Form):
    """The practitioner's answer to new contact details."""

    decision = radio_field(
        "Are the new details right?",
        [("confirm", "Yes: change the case's details"), ("decline", "No: do not change them")],
        required_message="Select whether to change the details",
    )
    reason = text_field("Why not? (if you are not changing them)", max_length=300, textarea=True)
