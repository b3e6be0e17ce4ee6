"""GOV.UK form fields whose error messages name the field, written once for every app's forms:
"Enter the hours", "Minutes must be a whole number", "Reason must be 2,000 characters or fewer"."""

from typing import Any

from django import forms

YES_NO = [("yes", "Yes"), ("no", "No")]


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _name(label: str) -> str:
    """The field's name in a message: its label without '(optional)' or a question mark."""
    return label.removesuffix(" (optional)").rstrip("?")


def int_field(
    label: str,
    *,
    required: bool = True,
    min_value: int = 0,
    max_value: int = 32767,
    required_message: str = "",
    help_text: str = "",
    width: str = "govuk-input--width-5",
) -> forms.IntegerField:
    """A whole number within a range, typed in a numeric text input."""
    name = _name(label)
    between = f"{name} must be between {min_value:,} and {max_value:,}"
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        min_value=min_value,
        max_value=max_value,
        error_messages={
            "invalid": f"{name} must be a whole number",
            "required": required_message or f"Enter the {lower_first(name)}",
            "min_value": between,
            "max_value": between,
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": width}),
    )


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
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        error_messages={
            "required": required_message or f"Enter {lower_first(name)}",
            "max_length": f"{name} must be {max_length:,} characters or fewer",
        },
        **kwargs,
    )


def yes_no_field(label: str, *, required_message: str, **kwargs: Any) -> forms.ChoiceField:
    """Yes or No, as inline radios."""
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"inline": True}),
        error_messages={"required": required_message},
        **kwargs,
    )


def set_choices(form: forms.BaseForm, name: str, choices: Any) -> None:
    """Give a choice field its choices when the form is made (they depend on the user)."""
    field = form.fields[name]
    if isinstance(field, forms.ModelChoiceField):
        field.queryset = choices
    else:
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
