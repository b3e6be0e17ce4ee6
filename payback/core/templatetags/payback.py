from django import template

from payback.core.formatting import format_minutes

register = template.Library()


@register.filter
def minutes(value: int | None) -> str:
    if value is None:
        return ""
    return format_minutes(int(value))


@register.filter
def hours_short(value: int | None) -> str:
    """Compact hours for tables: 12h 30m."""
    if value is None:
        return ""
    hours, mins = divmod(int(value), 60)
    return f"{hours}h {mins:02d}m" if mins else f"{hours}h"
