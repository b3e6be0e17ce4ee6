"""Pure rules for beneficiaries, projects and nominations (SPEC §5). No database here."""

import hashlib
import random
from collections.abc import Iterable, Sequence
from datetime import date

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
