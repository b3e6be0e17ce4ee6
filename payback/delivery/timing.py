"""When things about a session may be recorded: nothing is recorded before it happens.

Pure rules on the UK clock (Europe/London): the before-work checks are recorded on the session's
day, register outcomes from the session's start time, and a stand-down credit counts from the
session's date. Each refusal says when the thing can be recorded."""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class LondonNow:
    """The date and time of day on the UK clock."""

    day: date
    at: time


def london_now() -> LondonNow:
    return LondonNow(day=timezone.localdate(timezone=LONDON), at=timezone.localtime(timezone=LONDON).time())


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def checks_refusal(*, session_date: date, today: date) -> str:
    """Why the before-work checks cannot be recorded now ('' if they can): only on the session's day."""
    if session_date == today:
        return ""
    if session_date > today:
        return f"The before-work checks can be recorded on {long_date(session_date)}, the day of the session"
    return f"The before-work checks could only be recorded on the day of the session, {long_date(session_date)}"


def register_opens(session_date: date, start_time: time) -> datetime:
    """The moment, UK time, from which the register can be completed."""
    return datetime.combine(session_date, start_time, tzinfo=LONDON)


def register_refusal(*, session_date: date, start_time: time, now: LondonNow) -> str:
    """Why register outcomes cannot be recorded now ('' if they can): only from the session's start."""
    if (now.day, now.at) >= (session_date, start_time):
        return ""
    return f"The register can be completed from {start_time:%H:%M} on {long_date(session_date)}"


def stand_down_credit_is_due(*, session_date: date, today: date) -> bool:
    """A stand-down credit counts from the session's date: standing down ahead only records it."""
    return session_date <= today
