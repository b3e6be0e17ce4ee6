"""The period picker: this week, month, quarter or financial year to date, or a range of days."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .rules import Period, period_of

PERIODS = [
    ("week", "This week"),
    ("month", "This month"),
    ("quarter", "This quarter"),
    ("year", "Financial year to date"),
    ("range", "Choose the days"),
]
LONGEST_RANGE_DAYS = 3 * 366
FIRST_DAY = date(2000, 1, 1)


class DayInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(attrs={"class": "govuk-input govuk-input--width-10"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label="Period", choices=PERIODS, required=False)
    start = forms.DateField(label="From", required=False, widget=DayInput(), input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    end = forms.DateField(label="To", required=False, widget=DayInput(), input_formats=["%Y-%m-%d", "%d/%m/%Y"])

    def __init__(self, *args: Any, today: date, default: str = "month", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.default = default
        self.fields["period"].initial = default

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") != "range":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", "Enter the first day of the period")
        if end is None and "end" not in self.errors:
            self.add_error("end", "Enter the last day of the period")
        if start and end:
            _check_range(self, start, end)
        return data

    def chosen(self) -> Period:
        """The period asked for; the default (this month) when nothing, or nothing valid, is asked for."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        kind = data.get("period") or self.default
        if kind == "range":
            return Period(data["start"], data["end"])
        return period_of(kind, self.today)


def _check_range(form: PeriodForm, start: date, end: date) -> None:
    if start < FIRST_DAY:
        form.add_error("start", f"The first day must be on or after {FIRST_DAY:%-d %B %Y}")
    if end > form.today:
        form.add_error("end", "The last day must be today or in the past")
    if end < start:
        form.add_error("end", "The last day must be on or after the first day")
    elif (end - start).days > LONGEST_RANGE_DAYS:
        form.add_error("end", "Choose a period of 3 years or less")


def period_query(form: PeriodForm) -> str:
    """The query string that asks for the same period (for links and exports)."""
    if not form.is_bound or not form.is_valid():
        return ""
    data = form.cleaned_data
    if data.get("period") == "range":
        return f"period=range&start={data['start']:%Y-%m-%d}&end={data['end']:%Y-%m-%d}"
    return f"period={data['period']}" if data.get("period") else ""


def raise_if_invalid(form: PeriodForm) -> None:
    """For the API: a bad period is a 400 naming its field."""
    if form.is_bound and not form.is_valid():
        raise ValidationError({field: errors[0] for field, errors in form.errors.items()})
