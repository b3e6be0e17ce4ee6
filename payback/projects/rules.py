"""Pure rules for beneficiaries, projects, nominations (SPEC §5) and beneficiary feedback (SPEC §9).
No database here."""

import hashlib
import random
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from payback.core.policy import PolicyBook
from payback.core.workingdays import add_working_days

PRINCIPLES = {
    "replaces_paid_work": "The work must not replace paid employment",
    "makes_profit": "The work must not make a profit for anyone",
    "involves_personal_care": "The work must not involve personal care",
    "supervises_children_or_vulnerable_adults": "The work must not involve supervising children or vulnerable adults",
}


def principle_breaches(answers: dict[str, bool | None]) -> dict[str, str]:
    """Each principle of Community Payback that the answers break, or leave unanswered."""
    problems: dict[str, str] = {}
    for field, rule in PRINCIPLES.items():
        value = answers.get(field)
        if value is None:
            problems[field] = f"Answer whether the work breaks this principle: {rule.lower()}"
        elif value:
            problems[field] = f"{rule}: a project that does cannot go ahead"
    return problems


def beneficiary_kind_errors(kind: str, additionality_justification: str) -> dict[str, str]:
    if kind == "commercial" and not additionality_justification.strip():
        return {
            "additionality_justification": (
                "A commercial organisation can benefit only where the work is additional to what it is paid "
                "to do: explain how this work is additional"
            )
        }
    return {}


def placement_conflicts(
    *, excluded_flag_codes: Iterable[str], women_only: bool, person_flag_codes: Iterable[str], person_is_woman: bool
) -> list[str]:
    """Why a person may not be placed on a project with these restrictions (empty if they may)."""
    reasons = []
    excluded = set(excluded_flag_codes)
    for code in sorted(excluded & set(person_flag_codes)):
        reasons.append(f"The project excludes people flagged '{code.replace('-', ' ')}'")
    if women_only and not person_is_woman:
        reasons.append("The project is for women only")
    return reasons


def acknowledgement_due(submitted_on: date, book: PolicyBook) -> date:
    days = book.value("nomination_acknowledgement_working_days", submitted_on)
    return add_working_days(submitted_on, days)


def nomination_fingerprint(*parts: str) -> str:
    """The same nomination typed again gives the same fingerprint, whatever the spacing or case."""
    normalised = "\u241f".join(" ".join(part.lower().split()) for part in parts)
    return hashlib.sha256(normalised.encode()).hexdigest()


def draw_sample(ids: Sequence[int], *, size: int, seed: int) -> list[int]:
    """A reproducible random sample: the same ids, size and seed always give the same draw."""
    population = sorted(ids)
    if size >= len(population):
        return population
    return sorted(random.Random(seed).sample(population, size))


def nomination_reference(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "NOM-" + "".join(rng.choice(alphabet) for _ in range(6))


# ---------------------------------------------------------------------------------------------
# Beneficiary feedback (SPEC §9: survey beneficiaries annually or at the end of the project)

SURVEY_PROJECT_END = "project_end"
SURVEY_YEARLY = "yearly"
SURVEY_ONGOING = "ongoing"
# A survey link works on the day it is sent and the 60 days after it: sent on 1 March, it can be
# answered up to and including 30 April (the 60th day after) and has expired on 1 May.
SURVEY_LINK_DAYS = 60
# A survey falls due on its point (the day the project closed, or an anniversary of its start) and
# stays due for the 90 days from it: asking about work long past, or catching up on a missed year,
# helps nobody.
SURVEY_DUE_DAYS = 90
# Why a survey link cannot be answered.
LINK_WRONG_PROJECT = "wrong_project"
LINK_USED = "used"
LINK_EXPIRED = "expired"


@dataclass(frozen=True)
class SurveyPoint:
    """A survey a project is due: at its end (`point` is the day it closed) or yearly (`point` is
    the anniversary of the day it started)."""

    kind: str
    point: date


def anniversary(start: date, years: int) -> date:
    """The day `years` after `start`. A start on 29 February has its anniversary on 28 February in a
    year without a 29th, so that the survey stays in the month the work started."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def latest_anniversary(started_on: date, today: date) -> date | None:
    """The most recent anniversary of the start on or before `today` (the first is a year after the
    start); None in the project's first year."""
    for years in range(today.year - started_on.year, 0, -1):
        day = anniversary(started_on, years)
        if day <= today:
            return day
    return None


def survey_points_due(
    *,
    status: str,
    started_on: date | None,
    closed_on: date | None,
    today: date,
    sent: Collection[tuple[str, date]],
) -> list[SurveyPoint]:
    """The survey a project is due `today`, if any: at its end once it has closed, or on each
    anniversary of its start while it is active. A project that never started is due none; a
    point already surveyed (`sent` holds each survey's kind and point) is not due again, and a
    point more than SURVEY_DUE_DAYS ago is no longer due."""
    if started_on is None:
        return []
    candidate: SurveyPoint | None = None
    if status == "closed" and closed_on is not None:
        if not any(kind == SURVEY_PROJECT_END for kind, _ in sent):
            candidate = SurveyPoint(SURVEY_PROJECT_END, closed_on)
    elif status == "active":
        day = latest_anniversary(started_on, today)
        if day is not None and (SURVEY_YEARLY, day) not in sent:
            candidate = SurveyPoint(SURVEY_YEARLY, day)
    if candidate is None or not 0 <= (today - candidate.point).days < SURVEY_DUE_DAYS:
        return []
    return [candidate]


def survey_expires_on(sent_on: date) -> date:
    """The last day a survey link sent on `sent_on` can be answered."""
    return sent_on + timedelta(days=SURVEY_LINK_DAYS)


def survey_link_problem(
    *, link_project_id: int, project_id: int, used: bool, expires_on: date, today: date
) -> str | None:
    """Why a survey link cannot answer for the project, or None when it can: it is for another
    project, it has been used, or its last day (`expires_on`, itself a day it works) has passed."""
    if link_project_id != project_id:
        return LINK_WRONG_PROJECT
    if used:
        return LINK_USED
    if today > expires_on:
        return LINK_EXPIRED
    return None


def survey_state(*, used: bool, expires_on: date, today: date) -> str:
    """ "answered", "expired" (its last day has passed unanswered) or "waiting" for an answer."""
    if used:
        return "answered"
    return LINK_EXPIRED if today > expires_on else "waiting"


def survey_token_hash(token: str) -> str:
    """What is kept of a survey link's token: its SHA-256 hash, so the database alone cannot answer."""
    return hashlib.sha256(token.encode()).hexdigest()
