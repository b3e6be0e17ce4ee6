"""GOV.UK form fields whose error messages name the field, written once for every app's forms:
"Enter the hours", "Minutes must be a whole number", "Reason must be 2,000 characters or fewer"."""

from typing import Any, TypeVar

from django import forms
from django.db.models import Model

YES_NO = [("yes", "Yes"), ("no", "No")]
NUMERIC_INPUT = {"inputmode": "numeric"}
_F = TypeVar("_F", bound=forms.Field)
_M = TypeVar("_M", bound=Model)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _name(label: str) -> str:
    """The field's name in a message: its label without '(optional)' or a question mark."""
    return label.removesuffix(" (optional)").rstrip("?")


def _govuk(field_class: type[_F], label: str, messages: dict[str, str], **kwargs: Any) -> _F:
    """A field with the messages given, and any `error_messages` the caller adds (a message left
    empty keeps Django's own)."""
    given = {**messages, **kwargs.pop("error_messages", {})}
    error_messages = {key: message for key, message in given.items() if message}
    return field_class(label=label, error_messages=error_messages, **kwargs)


def whole_number_field(
    label: str,
    *,
    required: bool = True,
    required_message: str = "",
    help_text: str = "",
    width: str = "govuk-input--width-5",
    **kwargs: Any,
) -> forms.IntegerField:
    """A whole number typed in a numeric text input. With no range of its own, the service says
    what is allowed."""
    name = _name(label)
    return _govuk(
        forms.IntegerField,
        label,
        {
            "invalid": f"{name} must be a whole number",
            "required": required_message or f"Enter the {lower_first(name)}",
        },
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={**NUMERIC_INPUT, "class": width}),
        **kwargs,
    )


def int_field(label: str, *, min_value: int = 0, max_value: int = 32767, **kwargs: Any) -> forms.IntegerField:
    """A whole number within a range, typed in a numeric text input."""
    between = f"{_name(label)} must be between {min_value:,} and {max_value:,}"
    messages = {"min_value": between, "max_value": between}
    return whole_number_field(label, min_value=min_value, max_value=max_value, error_messages=messages, **kwargs)


def text_field(
    label: str,
    *,
    max_length: int,
    required: bool = False,
    required_message: str = "",
    textarea: bool = False,
    help_text: str = "",
    width: str = "",
    **kwargs: Any,
) -> forms.CharField:
    """A line of text (or a text area) with a length limit the message names."""
    name = _name(label)
    widget: forms.Widget = forms.Textarea() if textarea else forms.TextInput(attrs={"class": width} if width else None)
    messages = {
        "required": required_message or f"Enter {lower_first(name)}",
        "max_length": f"{name} must be {max_length:,} characters or fewer",
    }
    kwargs.update(required=required, max_length=max_length, help_text=help_text, widget=widget)
    return _govuk(forms.CharField, label, messages, **kwargs)


def notes_field(label: str, *, required_message: str = "", help_text: str = "") -> forms.CharField:
    """Notes of a meeting, in a text area: required, of at most 4,000 characters."""
    return text_field(
        label, max_length=4000, textarea=True, required=True, required_message=required_message, help_text=help_text
    )


def reason_field(label: str, *, required_message: str, max_length: int = 500) -> forms.CharField:
    """Why something is done, in a text area: required, and saying so in the words given."""
    return _govuk(forms.CharField, label, {"required": required_message}, max_length=max_length, widget=forms.Textarea)


def yes_no_field(label: str, *, required_message: str, **kwargs: Any) -> forms.ChoiceField:
    """Yes or No, as inline radios."""
    return radio_field(label, YES_NO, required_message=required_message, inline=True, **kwargs)


def radio_field(
    label: str, choices: Any, *, required_message: str = "", inline: bool = False, **kwargs: Any
) -> forms.ChoiceField:
    """One answer from a short list, as radios; the message says what to select."""
    widget = forms.RadioSelect(attrs={"inline": True} if inline else None)
    return _govuk(forms.ChoiceField, label, {"required": required_message}, choices=choices, widget=widget, **kwargs)


def checkboxes_field(label: str, choices: Any, **kwargs: Any) -> forms.MultipleChoiceField:
    """Any number of answers from a short list, as checkboxes (none is allowed unless required)."""
    kwargs.setdefault("required", False)
    return forms.MultipleChoiceField(label=label, choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs)


def filter_choice(label: str, choices: Any, *, any_label: str = "Any") -> forms.ChoiceField:
    """A list page's filter: one of the choices, or any."""
    return forms.ChoiceField(label=label, required=False, choices=[("", any_label), *choices])


def search_field(label: str) -> forms.CharField:
    """A list page's search box."""
    return forms.CharField(label=label, required=False, max_length=100)


def record_choice(
    label: str,
    model: type[_M],
    *,
    noun: str = "",
    empty_label: str | None = "",
    required_message: str = "",
    invalid_message: str = "",
    **kwargs: Any,
) -> "forms.ModelChoiceField[_M]":
    """One record from a list the page gives when the form is made (see `set_choices`). Given the
    word for one ("beneficiary"), the list and its messages say it the usual way: "Select a
    beneficiary", "Select the beneficiary", "Select a beneficiary from the list"."""
    if noun:
        empty_label = f"Select a {noun}" if empty_label == "" else empty_label
        required_message = required_message or f"Select the {noun}"
        invalid_message = invalid_message or f"Select a {noun} from the list"  # noqa: S608 (a message, not SQL)
    messages = {"required": required_message, "invalid_choice": invalid_message}
    queryset = model._default_manager.none()
    return _govuk(forms.ModelChoiceField, label, messages, queryset=queryset, empty_label=empty_label, **kwargs)


def set_choices(form: forms.BaseForm, name: str, choices: Any) -> None:
    """Give a choice field its choices when the form is made (they depend on the user)."""
    field = form.fields[name]
    if isinstance(field, forms.ModelChoiceField):
        field.queryset = choices
    else:
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
