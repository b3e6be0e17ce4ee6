"""The beneficiary's feedback survey: how satisfied they are, the quality of the work, whether they
would have people on Community Payback again, and anything else they want to say."""

from typing import Any

from django import forms

from payback.core.fields import radio_field, text_field, yes_no_field

from ..models import Satisfaction, WorkQuality
from ..services.surveys import MAX_ANSWERED_BY, MAX_COMMENTS
from .common import says

# Best first, as people read down the list.
SATISFACTION_CHOICES = [(str(value), label) for value, label in reversed(Satisfaction.choices)]
QUALITY_CHOICES = [(str(value), label) for value, label in reversed(WorkQuality.choices)]


class SurveyForm(forms.Form):
    # The project the answers are about, as the page showed it: a link for another project is refused.
    project = forms.IntegerField(widget=forms.HiddenInput)
    overall_satisfaction = radio_field(
        "Overall, how satisfied are you with the work done for you?",
        SATISFACTION_CHOICES,
        required_message="Select how satisfied you are with the work overall",
    )
    work_quality = radio_field(
        "How good was the quality of the work?",
        QUALITY_CHOICES,
        required_message="Select how good the quality of the work was",
    )
    would_have_again = yes_no_field(
        "Would you have people on Community Payback work for you again?",
        required_message="Select yes if you would have people on Community Payback work for you again",
    )
    comments = says(
        text_field(
            "Is there anything else you would like to tell us? (optional)",
            max_length=MAX_COMMENTS,
            textarea=True,
            help_text="For example, what went well or what could be better. Do not include anyone's personal details.",
        ),
        max_length=f"Comments must be {MAX_COMMENTS:,} characters or fewer",
    )
    answered_by = text_field("Your name (optional)", max_length=MAX_ANSWERED_BY, width="govuk-input--width-20")

    def answers(self) -> dict[str, Any]:
        """The answers as the service takes them."""
        data = self.cleaned_data
        return {
            "overall_satisfaction": int(data["overall_satisfaction"]),
            "work_quality": int(data["work_quality"]),
            "would_have_again": data["would_have_again"] == "yes",
            "comments": data["comments"],
            "answered_by": data["answered_by"],
        }
