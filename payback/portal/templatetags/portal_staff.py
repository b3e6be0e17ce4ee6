"""The case page's panel of what the person told us online (absences, new contact details), for
staff who can see the case."""

from typing import Any

from django import template

from payback.cases.models import Person

from .. import selectors

register = template.Library()


@register.inclusion_tag("portal/staff/_panel.html", takes_context=True)
def told_us_panel(context: Any, person: Person) -> dict[str, Any]:
    found = selectors.told_us(context["request"].user, person)
    return {"person": person, "waiting": found.waiting, "total": len(found.reports) + len(found.changes)}


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
