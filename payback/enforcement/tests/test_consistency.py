"""Enforcement is consistent: for any history of failures, decisions and dates, the same facts give
the same step, recorded with the rule that gave it, whoever the person is (sex, ethnicity, age or
region). Two people who differ in everything but the facts go through the same history side by
side, through the services, and must come out with the same steps."""

import itertools
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payback.cases.models import DiversityInformation, Induction, Requirement
from payback.enforcement import services
from payback.enforcement.models import Action
from payback.enforcement.selectors import failure_source_get
from payback.staff.models import Pdu, User
from payback.testing.builders import frozen_today, make_staff, new_case

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]

START = date(2026, 3, 2)
_names = itertools.count(1)

# Each failure: days after the one before, and whether it is decided unacceptable.
histories = st.lists(st.tuples(st.integers(min_value=1, max_value=200), st.booleans()), min_size=1, max_size=5)


def person_like(practitioner: User, *, sex: str, born: date, ethnicity: str) -> Requirement:
    requirement = new_case(
        practitioner,
        sentence_date=START,
        hours=200,
        sex=sex,
        date_of_birth=born,
        first_name="Sam",
        last_name="Lee",
    )
    DiversityInformation.objects.create(person=requirement.person, ethnicity=ethnicity)
    return requirement


def missed_induction(requirement: Requirement, on: date) -> str:
    induction = Induction.objects.create(
        requirement=requirement,
        starts_at=timezone.make_aware(datetime.combine(on, time(10))),
        location="Probation office",
        outcome="failed_to_attend",
        outcome_reason="Did not come",
    )
    return f"I{induction.pk}"


def steps_of(requirement: Requirement) -> list[tuple[str, str, str]]:
    return list(
        Action.objects.filter(requirement=requirement)
        .order_by("failure__occurred_on")
        .values_list("rule_step", "rule_code", "step")
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories)
def test_the_same_facts_give_the_same_step_whoever_the_person_is(
    history: list[tuple[int, bool]], pdu_a: Pdu, pdu_b: Pdu
) -> None:
    north = make_staff(f"pp-{next(_names)}", pdu=pdu_a)
    south = make_staff(f"pp-{next(_names)}", pdu=pdu_b)
    twins = [
        person_like(north, sex="male", born=date(1999, 1, 1), ethnicity="White British"),
        person_like(south, sex="female", born=date(1961, 7, 30), ethnicity="Black Caribbean"),
    ]
    day = START
    for gap, unacceptable in history:
        day += timedelta(days=gap)
        decided = day + timedelta(days=14)
        for practitioner, requirement in zip((north, south), twins, strict=True):
            ref = missed_induction(requirement, day)
            with frozen_today(decided):
                services.failure_decide(
                    actor=practitioner,
                    source=failure_source_get(practitioner, ref),
                    verdict="unacceptable" if unacceptable else "acceptable",
                    reason="Decided on the facts",
                )
    first, second = (steps_of(r) for r in twins)
    assert first == second
    assert len(first) == sum(1 for _, unacceptable in history if unacceptable)
    # Every step is recorded with the rule that gave it, and none departed from it.
    assert all(code and rule_step == step for rule_step, code, step in first)
