"""Two teams in the North East, each led by its own senior probation officer, joined by their
practitioners on 6 January 2025, the day their accounts were made."""

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from payback.cases.models import Assessment, AssessmentStatus, Requirement
from payback.staff.models import Pdu, Team, User
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.staff.services import team_create, team_member_add
from payback.testing import builders

STARTED = date(2025, 1, 6)
LONDON = ZoneInfo("Europe/London")


def joined(user: User, day: date) -> User:
    user.date_joined = timezone.make_aware(datetime.combine(day, time(9)))
    user.save(update_fields=["date_joined"])
    return user


def at_risk(requirement: Requirement, rosh: str) -> Requirement:
    """Give the person a current assessment with a risk of serious harm level."""
    Assessment.objects.create(
        person=requirement.person,
        version=1,
        status=AssessmentStatus.CURRENT,
        rosh_level=rosh,
        author=requirement.person.practitioner,
    )
    return requirement


def team_of(senior: User, *members: User, on: date = STARTED) -> Team:
    """A team the senior leads, the members joining it on the day given."""
    assert senior.pdu is not None
    with time_machine.travel(datetime.combine(on, time(9), tzinfo=LONDON), tick=False):
        team = team_create(actor=senior, name=f"{senior.first_name}'s team", pdu=senior.pdu, lead=senior)
        for member in members:
            team_member_add(actor=senior, team=team, practitioner=member)
    return team


@pytest.fixture
def senior(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("sophie", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


@pytest.fixture
def team(senior: User, practitioner: User) -> Team:
    joined(practitioner, STARTED)
    return team_of(senior, practitioner)


@pytest.fixture
def other_senior(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("simon", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


@pytest.fixture
def other_practitioner(make_user: Callable[..., User], pdu_a: Pdu, other_senior: User) -> User:
    """A practitioner of the same PDU in the other senior's team."""
    member = joined(make_user("priya", pdu=pdu_a), STARTED)
    team_of(other_senior, member)
    return member


@pytest.fixture
def case(practitioner: User, team: Team) -> Requirement:
    return at_risk(builders.new_case(practitioner, sentence_date=date(2026, 11, 2), last_name="Hightower"), "high")
