"""The register's forms: one small form per person, and the submit's own fields. Like every
delivery form they check only the shape of input; the register service applies the rules."""

from datetime import time
from typing import Any

from django import forms

from payback.core.fields import int_field, lower_first, radio_field

from .forms import TimeOfDayField
from .models import AbsenceReason, Outcome, Rating
from .services import RegisterLine


def hh_mm(value: time | None) -> str:
    return f"{value:%H:%M}" if value else ""


CONFIRM_CLOSE = "Confirm that every outcome is right before closing the register"


class RegisterMetaForm(forms.Form):
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("save", "Save register"), ("close", "Close register")])
    confirm = forms.BooleanField(
        label="I confirm every outcome is right and the register can be closed",
        help_text="Needed to close: closing credits everyone's hours, and outcomes can then only be corrected",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "close" and not data.get("confirm"):
            self.add_error("confirm", CONFIRM_CLOSE)
        return data


class RegisterLineForm(forms.Form):
    outcome = radio_field("Outcome", Outcome.choices, required=False)
    absence_reason = forms.ChoiceField(
        label="Reason, for an acceptable absence",
        help_text="Evidence is expected for medical, court and other reasons",
        choices=[("", "Not an acceptable absence"), *AbsenceReason.choices],
        required=False,
    )
    arrived_at = TimeOfDayField(
        label="Start time", required=False, help_text="When they started work, if not the session start"
    )
    left_at = TimeOfDayField(
        label="Finish time",
        required=False,
        help_text="When they stopped or were sent home, if not the session end",
    )
    penalty_minutes = int_field(
        "Penalty minutes",
        required=False,
        help_text="For lateness or breaks beyond policy",
        min_value=0,
        max_value=720,
    )
    work_quality = forms.ChoiceField(label="Work quality", choices=[("", "Not rated"), *Rating.choices], required=False)
    behaviour = forms.ChoiceField(label="Behaviour", choices=[("", "Not rated"), *Rating.choices], required=False)
    note = forms.CharField(
        label="Note (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "The note must be 1,000 characters or fewer"},
    )

    def __init__(self, *args: Any, appointment_id: int, person: str, **kwargs: Any) -> None:
        kwargs["prefix"] = f"a{appointment_id}"
        super().__init__(*args, **kwargs)
        self.appointment_id = appointment_id
        self.person = person

    def has_entries(self) -> bool:
        """Whether anything was entered for this person (an untouched line is not submitted)."""
        return self.is_bound and any(str(self[name].value() or "").strip() for name in self.fields)

    def name_errors(self) -> None:
        """Say whose line each message is about, for the error summary and beside the field."""
        for name, messages in list(self.errors.items()):
            named = [str(m) if str(m).startswith(f"{self.person}: ") else self.about(str(m)) for m in messages]
            self.errors[name] = self.error_class(named)

    def about(self, message: str) -> str:
        return f"{self.person}: {lower_first(message)}"

    def line(self) -> RegisterLine:
        data = self.cleaned_data
        return RegisterLine(
            appointment_id=self.appointment_id,
            outcome=data.get("outcome") or "",
            arrived_at=data.get("arrived_at"),
            left_at=data.get("left_at"),
            penalty_minutes=data.get("penalty_minutes") or 0,
            absence_reason=data.get("absence_reason") or "",
            work_quality=data.get("work_quality") or "",
            behaviour=data.get("behaviour") or "",
            note=data.get("note") or "",
        )


def register_initial(appointment: Any) -> dict[str, Any]:
    """What is saved for a person, as the register's fields show it."""
    return {
        "outcome": appointment.outcome,
        "absence_reason": appointment.absence_reason,
        "arrived_at": hh_mm(appointment.arrived_at),
        "left_at": hh_mm(appointment.left_at),
        "penalty_minutes": appointment.penalty_minutes or "",
        "work_quality": appointment.work_quality,
        "behaviour": appointment.behaviour,
        "note": appointment.note if appointment.outcome else "",
    }
