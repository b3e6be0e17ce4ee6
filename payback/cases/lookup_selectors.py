"""Small reads: the risk flags by code, one induction within the user's area, and the person whose
session needs a member of staff may see."""

from collections.abc import Iterable

from django.db.models import QuerySet

from payback.core.selectors import found_or_404
from payback.staff.models import User
from payback.staff.roles import VIEW_CASES
from payback.staff.selectors import in_area

from .models import Induction, Person, RiskFlag


def risk_flags() -> QuerySet[RiskFlag]:
    return RiskFlag.objects.order_by("label")


def risk_flags_by_code(codes: Iterable[str]) -> tuple[list[RiskFlag], list[str]]:
    """The flags with these codes, and the codes that name no flag (in the order given)."""
    wanted = list(dict.fromkeys(codes))
    found = {flag.code: flag for flag in RiskFlag.objects.filter(code__in=wanted)}
    return [found[code] for code in wanted if code in found], [code for code in wanted if code not in found]


def induction_get(user: User, pk: int) -> Induction:
    """One induction whose case the user may see, or 404."""
    return found_or_404(
        in_area(Induction, user, "requirement__person__pdu").select_related(
            "requirement__person", "booked_by", "outcome_recorded_by"
        ),
        "induction",
        pk=pk,
    )


def session_needs_person_get(user: User, crn: str) -> Person:
    """The person whose session needs the user may see, or 404: anyone in their area for staff who see
    cases; for a supervisor, only someone booked (and not cancelled) on a session they supervise."""
    people = in_area(Person, user, "pdu").filter(crn=crn.strip().upper()).select_related("pdu")
    if not user.has_perm(VIEW_CASES):
        people = people.filter(appointments__session__supervisor=user, appointments__cancelled_at__isnull=True)
    return found_or_404(people.distinct(), "person")
