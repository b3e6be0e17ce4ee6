"""The GOV.UK forms of quality assurance. Each asks; the services decide what is allowed."""

from typing import Any

from django import forms

from payback.core.fields import notes_field, radio_field, record_choice, set_choices, text_field, yes_no_field
from payback.core.forms import GovukDateField
from payback.projects.models import Project, RiskAssessmentAuditSample

from . import rules
from .models import AuditedDocument, Rating
from .rules import SPOT_CHECK_ITEMS


class SpotCheckForm(forms.Form):
    findings = text_field("What was found (optional)", max_length=2000, textarea=True)
    actions = text_field("Actions agreed (optional)", max_length=2000, textarea=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = {name: yes_no_field(label, required_message="Select yes or no") for name, label in SPOT_CHECK_ITEMS}
        self.fields = {**items, **self.fields}

    def answers(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] == "yes" for name, _ in rules.SPOT_CHECK_ITEMS}


class ObservationForm(forms.Form):
    observed_on = GovukDateField(label="Date of the observation")
    strengths = text_field("Strengths", max_length=2000, textarea=True, required=True)
    development_points = text_field("Points to develop (optional)", max_length=2000, textarea=True)
    agreed_actions = text_field("Actions agreed (optional)", max_length=2000, textarea=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ratings = {
            name: radio_field(label, Rating.choices, required_message="Select a rating", inline=True)
            for name, label in rules.OBSERVATION_AREAS
        }
        fields = dict(self.fields)
        self.fields = {"observed_on": fields.pop("observed_on"), **ratings, **fields}

    def ratings(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name, _ in rules.OBSERVATION_AREAS}


class AuditFindingForm(forms.Form):
    project = record_choice("Project", Project, noun="project")
    checked = radio_field("What was audited", AuditedDocument.choices, required_message="Select what was audited")
    compliant = yes_no_field("Does it meet the standard?", required_message="Select yes or no")
    findings = text_field("What the audit found", max_length=2000, textarea=True, required=True)
    action = text_field("Action needed (optional)", max_length=2000, textarea=True)
    action_due = GovukDateField(label="Date the action is due by", required=False)

    def __init__(self, *args: Any, sample: RiskAssessmentAuditSample, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "project", sample.projects.order_by("name"))


class ActionDoneForm(forms.Form):
    done_on = GovukDateField(label="Date the action was done")


class ReflectiveSupervisionForm(forms.Form):
    held_on = GovukDateField(label="Date of the supervision")
    notes = notes_field(
        "Notes",
        help_text="How they are finding the role, what went well and what to learn next.",
    )
