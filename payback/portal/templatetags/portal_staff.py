"""The case page's panel of what the person told us online (absences, new contact details), for
staff who can see the case."""

from typing import Any

from django import template

from payback.cases.models import Person

from .. import selectors

register = template.Library()


@register.inclusion_tag("portal/staff/_panel.html")
def told_us_panel(person: Person) -> dict[str, Any]:
    waiting, total = selectors.told_us_counts(person)
    return {"person": person, "waiting": waiting, "total": total}


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
