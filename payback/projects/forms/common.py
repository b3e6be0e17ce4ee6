"""What the projects forms share: field messages, postcode and phone checks, yes/no answers and
PDU choices. Forms check only the shape of input (types, lengths, formats); the rules are
applied by services."""

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

from payback.core.fields import set_choices, text_field
from payback.staff.models import Pdu

from ..services import MAX_TEXT

_F = TypeVar("_F", bound=forms.Field)
POSTCODE_RE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2})$")
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{7,30}$")
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
POSTCODE_FORMAT = "Enter a real postcode, like NE1 4ST"
PHONE_FORMAT = "Enter a phone number, like 01632 960 001 or 07700 900 982"


def says(field: _F, **messages: str) -> _F:
    """The field with some of its messages given in full (where they name it other than by its label)."""
    field.error_messages.update(messages)
    return field


def number_says(name: str) -> dict[str, str]:
    """What a whole-number field of a project form says when the number will not do."""
    return {
        "invalid": f"{name} must be a whole number",
        "min_value": f"{name} must be 0 or more",
        "max_value": f"{name} must be a smaller number",
    }


def email_field(label: str, *, required_message: str = "", help_text: str = "", **messages: str) -> forms.EmailField:
    """An email address, saying what a real one looks like when it is not one. Required when a
    message for a missing answer is given."""
    given = {"required": required_message} if required_message else {}
    return forms.EmailField(
        label=label,
        required=bool(required_message),
        max_length=254,
        help_text=help_text,
        error_messages={**given, "invalid": EMAIL_FORMAT, **messages},
    )


def postcode_field(label: str, *, required_message: str = "", **kwargs: Any) -> forms.CharField:
    """A UK postcode, checked by `normalise_postcode` in the form's clean method."""
    messages = {"required": required_message} if required_message else {}
    attrs = {"class": "govuk-input--width-10", **kwargs.pop("attrs", {})}
    return forms.CharField(
        label=label,
        max_length=10,
        required=bool(required_message),
        error_messages={**messages, "max_length": POSTCODE_FORMAT},
        widget=forms.TextInput(attrs=attrs),
        **kwargs,
    )


def additionality_field(**kwargs: Any) -> forms.CharField:
    """Why work for a commercial organisation is additional to what it pays for (SPEC §5)."""
    return says(
        text_field(
            "How the work is additional (commercial organisations only)", max_length=MAX_TEXT, textarea=True, **kwargs
        ),
        max_length=f"How the work is additional must be {MAX_TEXT:,} characters or fewer",
    )


def choices_or_drop(form: forms.BaseForm, name: str, choices: Any) -> None:
    """Give a choice field its choices, or take it off a form whose page does not ask it."""
    if choices is None:
        del form.fields[name]
    else:
        set_choices(form, name, choices)


def normalise_postcode(value: str) -> str:
    """'ne14st' -> 'NE1 4ST'; raises ValidationError when it is not the shape of a UK postcode."""
    compact = "".join(value.split()).upper()
    if not POSTCODE_RE.match(compact):
        raise ValidationError(POSTCODE_FORMAT)
    return f"{compact[:-3]} {compact[-3:]}"


def optional_postcode(value: str) -> str:
    """A postcode in its usual form, or empty where none was given."""
    value = value.strip()
    return normalise_postcode(value) if value else ""


def clean_phone(value: str) -> str:
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
