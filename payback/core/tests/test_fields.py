"""The GOV.UK fields every form uses: each message names its field."""

from django import forms

from payback.core.fields import int_field, set_choices, text_field, yes_no_field


class ExampleForm(forms.Form):
    hours = int_field("Hours", min_value=40, max_value=300)
    minutes = int_field("Minutes (optional)", required=False)
    reason = text_field("Reason", max_length=10, required=True)
    note = text_field("What happened?", max_length=5, textarea=True)
    safe = yes_no_field("Is it safe?", required_message="Select yes if it is safe")
    kind = forms.ChoiceField(choices=[])


def errors(data: dict[str, str]) -> dict[str, list[str]]:
    form = ExampleForm(data)
    set_choices(form, "kind", [("a", "A")])
    form.is_valid()
    return dict(form.errors)


def test_each_message_names_its_field() -> None:
    found = errors({"hours": "x", "minutes": "-1", "reason": "", "note": "too long", "kind": "a"})
    assert found == {
        "hours": ["Hours must be a whole number"],
        "minutes": ["Minutes must be between 0 and 32,767"],
        "reason": ["Enter reason"],
        "note": ["What happened must be 5 characters or fewer"],
        "safe": ["Select yes if it is safe"],
    }
    assert errors({"hours": "301", "reason": "ok", "safe": "yes", "kind": "b"})["hours"] == [
        "Hours must be between 40 and 300"
    ]


def test_choices_set_when_the_form_is_made() -> None:
    assert errors({"hours": "40", "reason": "ok", "safe": "no", "kind": "a"}) == {}
    assert "kind" in errors({"hours": "40", "reason": "ok", "safe": "no", "kind": "z"})
