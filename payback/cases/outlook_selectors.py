"""What a case's hours look like from here: the earned reduction earned so far, the most that can
still be earned, and the work actually still needed if the person keeps complying (remaining
hours less what that work will earn). "At risk" and what may be booked go by the work still
needed, not the gross remaining."""

from dataclasses import dataclass
from datetime import date

from payback.core.policy import PolicyBook

from . import rules
from .models import LedgerKind, Requirement
from .selectors import requirement_balance


def work_of(requirement: Requirement) -> list[tuple[date, int]]:
    """Every credit of work, as (day, minutes), in date order."""
    return list(
        requirement.ledger.filter(kind=LedgerKind.WORK).values_list("occurred_on", "minutes").order_by("occurred_on")
    )


def earning_terms(requirement: Requirement, *, book: PolicyBook, on: date) -> rules.EarningTerms:
    """The earned reduction scheme as it applies to the requirement. Worked out afresh from every
    hour worked, on the scheme's terms as they stand: an entry dated before the scheme began must
    not take back what later hours earned."""
    return rules.EarningTerms(
        scheme=book.value("earned_reduction", on),
        scheme_start=book.first_date_with_value("earned_reduction"),
        earning_stopped_on=requirement.earning_stopped_on,
    )


@dataclass(frozen=True)
class Outlook:
    remaining: int
    earned: int
    most_still_earnable: int
    still_needed: int


def requirement_outlook(requirement: Requirement, *, book: PolicyBook, on: date) -> Outlook:
    balance = requirement_balance(requirement)
    terms = earning_terms(requirement, book=book, on=on)
    return Outlook(
        remaining=balance.remaining_minutes,
        earned=balance.earned_reduction_minutes,
        most_still_earnable=rules.most_still_earnable(balance=balance, terms=terms, on=on),
        still_needed=rules.work_still_needed(balance=balance, work=work_of(requirement), terms=terms, on=on),
    )
