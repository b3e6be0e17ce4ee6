"""The words the person reads, in pages and messages: short sentences and everyday words (a
reading age of about 9), dates and times as GOV.UK writes them. No Django here."""

from dataclasses import dataclass
from datetime import date, time

from payback.core.formatting import format_minutes

from .rules import Earning

SERVICE = "Community Payback"


def clock(value: time) -> str:
    """'9am', '8:30am', 'midday', '4:15pm'."""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def day(value: date) -> str:
    """'Thursday 19 November'."""
    return f"{value:%A} {value.day} {value:%B}"


def hours(minutes: int) -> str:
    """'12 hours 30 minutes'."""
    return format_minutes(minutes)


@dataclass(frozen=True)
class SessionFacts:
    """A booked session, as its messages name it."""

    date: date
    start: time
    end: time
    place: str
    address: str
    pick_up_point: str
    pick_up_time: time | None


def where(session: SessionFacts) -> str:
    return ", ".join(part for part in (session.place, session.address) if part)


def pick_up(session: SessionFacts) -> str:
    if not session.pick_up_point:
        return ""
    at = f" at {clock(session.pick_up_time)}" if session.pick_up_time else ""
    return f"We pick you up from {session.pick_up_point}{at}."


def code_message(code: str, minutes: int) -> tuple[str, str]:
    """The subject (for an email) and words of a sign-in code."""
    body = (
        f"Your {SERVICE} code is {code}. It works for {minutes} minutes. "
        "Do not give this code to anyone. We will never ask you for it."
    )
    return f"Your {SERVICE} code", body


def reminder_message(session: SessionFacts, *, individual: bool, link: str) -> str:
    lines = [
        f"{SERVICE}: you have a session tomorrow, {day(session.date)}, "
        f"from {clock(session.start)} to {clock(session.end)} at {where(session)}.",
    ]
    if session.pick_up_point:
        lines.append(pick_up(session))
    if individual:
        lines.append("Wear clean, tidy clothes. Bring food and a drink.")
    else:
        lines.append("Wear long trousers, a top that covers your shoulders and strong shoes. Bring food and a drink.")
    lines.append(f"If you cannot come, tell us now: {link}")
    return "\n".join(lines)


def stood_down_message(session: SessionFacts, *, link: str) -> str:
    return (
        f"{SERVICE}: your session on {day(session.date)} at {session.place} is cancelled. Do not go. "
        "This is not because of anything you did. We will book you a new session. "
        f"See your sessions: {link}"
    )


def cancelled_message(session: SessionFacts, *, link: str) -> str:
    return (
        f"{SERVICE}: your session on {day(session.date)} at {session.place} has been moved or cancelled. "
        f"Do not go on that day. See your sessions: {link}"
    )


def earning_explained(earning: Earning) -> list[str]:
    """The earned reduction scheme as it applies to the person, in a few short sentences."""
    if earning.stopped_on is not None:
        return [
            "You cannot earn any more time off. This is because on "
            f"{day(earning.stopped_on)} {earning.stopped_on.year} you missed a session or broke the rules "
            "without a good reason.",
            f"You keep the {hours(earning.earned_minutes)} you already earned.",
        ]
    if not earning.minutes_off_per_hour:
        return [f"You earned {hours(earning.earned_minutes)} off your hours."]
    said = [
        "You can earn time off your hours if you come to every session and follow the rules.",
        f"When you have worked {hours(earning.threshold_minutes)}, each hour you work after that "
        f"takes {hours(earning.minutes_off_per_hour)} off the hours you still have to do.",
        f"You can earn up to {hours(earning.most_minutes_off)} off in total.",
    ]
    if earning.still_to_reach:
        said.append(f"Work {hours(earning.still_to_reach)} more to start earning time off.")
    else:
        said.append(f"So far you have earned {hours(earning.earned_minutes)} off.")
    return said
