"""Filters for the person's pages: dates, times and hours in the words they read."""

from datetime import date, datetime, time

from django import template
from django.utils import timezone

from payback.enforcement.models import Letter, LetterKind

from .. import wording

register = template.Library()

LETTER_TITLES = {
    LetterKind.WARNING: "Warning letter",
    LetterKind.BREACH: "Letter about going back to court",
    LetterKind.APPOINTMENT: "Letter about your appointment",
    LetterKind.COMPLETION: "Letter to say you have finished",
}


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def long_day(value: date | datetime | None) -> str:
    """'Thursday 19 November'."""
    if value is None:
        return ""
    return wording.day(_local(value).date() if isinstance(value, datetime) else value)


@register.filter
def clock(value: time | datetime | None) -> str:
    """'9am', '8:30am'."""
    if value is None:
        return ""
    return wording.clock(_local(value).time() if isinstance(value, datetime) else value)


@register.filter
def minutes(value: int | None) -> str:
    """'12 hours 30 minutes'."""
    return wording.hours(value or 0)


@register.filter
def letter_title(letter: Letter) -> str:
    return LETTER_TITLES.get(LetterKind(letter.kind), letter.get_kind_display())
