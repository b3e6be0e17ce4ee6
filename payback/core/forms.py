"""GOV.UK form helpers shared by every app: the date input, and applying a service's
ValidationError to a form so that each message lands on its field."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

FIRST_YEAR = 1900
LAST_YEAR = 2199


class GovukDateWidget(forms.MultiWidget):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [forms.TextInput(), forms.TextInput(), forms.TextInput()]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for sub, label, suffix in zip(
            context["widget"]["subwidgets"], ["Day", "Month", "Year"], ["day", "month", "year"], strict=True
        ):
            base_id = (attrs or {}).get("id", f"id_{name}")
            sub["attrs"]["id"] = f"{base_id}-{suffix}"
            sub["attrs"]["label"] = label
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [data.get(f"{name}_{i}", "").strip() for i in range(3)]


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, *, label: str, required: bool = True, **kwargs: Any) -> None:
        self.label_text = label
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, required=required, label=label, **kwargs)

    def clean(self, value: Any) -> date | None:
        day, month, year = (value or ["", "", ""]) + ["", "", ""][len(value or []) :]
        lower = self.label_text[0].lower() + self.label_text[1:]
        if not any([day, month, year]):
            if self.required:
                raise ValidationError(f"Enter the {lower}")
            return None
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValidationError(f"The {lower} must include a {' and '.join(missing)}")
        not_real = ValidationError(f"The {lower} must be a real date, like 27 3 2026")
        # Plain digits only (not "²" or other scripts' digits), and a year the service can work with.
        if not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in (day, month, year)):
            raise not_real
        if not FIRST_YEAR <= int(year) <= LAST_YEAR:
            raise not_real
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise not_real from None

    def compress(self, data_list: list[Any]) -> Any:  # pragma: no cover - clean() does the work
        return data_list


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put each message of a service's ValidationError on the form field it names."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
