"""What a page says about a postcode the directory cannot place:
`{% home_postcode_warning person.postcode as warning %}` and `{% site_postcode_warning project as warning %}`."""

from typing import Any

from django import template

from payback.places.services import unknown_postcode_warning

register = template.Library()


@register.simple_tag
def home_postcode_warning(postcode: str | None) -> str | None:
    """The warning for a person's home postcode, or None when it is known."""
    return unknown_postcode_warning(postcode, whose="Home")


@register.simple_tag
def site_postcode_warning(project: Any) -> str | None:
    """The warning for a project's site, or None when it has coordinates or a known postcode."""
    if project.latitude is not None and project.longitude is not None:
        return None
    return unknown_postcode_warning(project.postcode, whose="Site")
