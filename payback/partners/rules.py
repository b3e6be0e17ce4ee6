"""Pure rules of the service for beneficiaries' contacts: the shape of an email address, what a
report must say, and what a contact is told about a person on their placement. No Django here."""

import re
from collections.abc import Iterable

# One @, something either side, a dot in the domain, and no spaces: the shape, not whether it exists.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MOST_DETAILS = 4000
KINDS = ("concern", "incident")


def normalise_email(text: str) -> str:
    """An email address as typed, trimmed and in small letters: ' Alex@Shop.Example ' is 'alex@shop.example'."""
    return str(text).strip().lower()


def email_problem(email: str, *, whose: str = "your") -> str | None:
    """What is wrong with the shape of a (normalised) email address, or None."""
    if not email:
        return f"Enter {whose} email address"
    if len(email) > 254 or not _EMAIL.match(email):
        return f"Enter {whose} email address in the right format, like name@example.org"
    return None


def report_problems(*, kind: str, details: str, has_person: bool, has_time: bool) -> dict[str, str]:
    """What is wrong with a report, by field: a concern names a person, an incident says when."""
    problems: dict[str, str] = {}
    if kind not in KINDS:
        problems["kind"] = "Select whether this is a concern about a person or an incident"
    if not details.strip():
        problems["details"] = "Tell us what happened"
    elif len(details) > MOST_DETAILS:
        problems["details"] = "Keep what happened to 4,000 characters or fewer"
    if kind == "concern" and not has_person:
        problems["person"] = "Select who the concern is about"
    if kind == "incident" and not has_time:
        problems["occurred_at"] = "Enter when it happened"
    return problems


def what_to_know(*, adjustments: Iterable[str], prayer_times: str, interpreter: str, flags: Iterable[str]) -> list[str]:
    """What a contact is told about a person on their placement, beside a first name: the adjustments
    they need, prayer times, an interpreter and the flags shown to supervisors, in that order."""
    known = [text.strip() for text in adjustments if text.strip()]
    if prayer_times.strip():
        known.append(f"Prayer times: {prayer_times.strip()}")
    if interpreter:
        known.append(interpreter)
    known.extend(flags)
    return known
