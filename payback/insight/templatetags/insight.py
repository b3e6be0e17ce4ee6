"""How a figure reads on a page: hours and counts with thousands separated, rates as percentages,
and a dash, explained to screen readers, where there is nothing to show."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

NOTHING = format_html('<span aria-hidden="true">–</span><span class="govuk-visually-hidden">not available</span>')


@register.simple_tag
def figure(value: float | int | None, unit: str = "") -> SafeString:
    if value is None:
        return NOTHING
    if unit == "%":
        return format_html("{}%", f"{value:,.1f}")
    if isinstance(value, float):
        return format_html("{}", f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}")
    return format_html("{}", f"{value:,}")


@register.simple_tag
def cell(row: dict[str, Any], key: str, unit: str = "") -> SafeString:
    return figure(row.get(key), unit)


@register.simple_tag
def share(value: float | None) -> SafeString:
    """A share from 0 to 1 as a percentage to one decimal place."""
    return figure(None if value is None else round(100 * value, 1), "%")


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
