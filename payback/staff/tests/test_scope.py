"""What each user may see: their PDU, their region or the whole country. Anything outside their
scope is not found."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from payback.cases.models import LedgerEntry, Person, Requirement
from payback.cases.selectors import (
    ledger_entries_for,
    ledger_entry_get,
    people_for,
    person_get,
    requirement_get,
    requirements_for,
)
from payback.cases.services import ledger_credit_work
from payback.staff.models import Pdu, Scope, User
from payback.staff.selectors import pdus_for, regions_for, scope_q


@dataclass
class Case:
    requirement: Requirement
    entry: LedgerEntry

    @property
    def person(self) -> Person:
        return self.requirement.person


@pytest.fixture
def cases(make_case: Callable[..., Requirement], pdu_a: Pdu, pdu_a2: Pdu, pdu_b: Pdu) -> dict[str, Case]:
    """One case in each of two PDUs of the North East, and one in London."""
    made = {}
    for name, pdu in (("a", pdu_a), ("a2", pdu_a2), ("b", pdu_b)):
        requirement = make_case(pdu=pdu)
        entry = ledger_credit_work(
            actor=None, requirement=requirement, minutes=60, occurred_on=date(2026, 6, 1), source="session"
        )
        assert entry is not None
        made[name] = Case(requirement, entry)
    return made


def visible(user: User | AnonymousUser) -> set[int]:
    return set(Person.objects.filter(scope_q(user, pdu_field="pdu")).values_list("pk", flat=True))


def pks(cases: dict[str, Case], *names: str) -> set[int]:
    return {cases[name].person.pk for name in names}


@pytest.mark.django_db
def test_pdu_and_region_fixtures_are_where_the_tests_assume(pdu_a: Pdu, pdu_a2: Pdu, pdu_b: Pdu) -> None:
    assert pdu_a.region_id == pdu_a2.region_id
    assert pdu_a.pk != pdu_a2.pk
    assert pdu_b.region_id != pdu_a.region_id


@pytest.mark.django_db
def test_a_pdu_user_sees_only_their_pdu(make_user: Callable[..., User], pdu_a: Pdu, cases: dict[str, Case]) -> None:
    user = make_user("pia", pdu=pdu_a)
    assert visible(user) == pks(cases, "a")
    assert set(people_for(user).values_list("pk", flat=True)) == pks(cases, "a")
    assert set(requirements_for(user).values_list("pk", flat=True)) == {cases["a"].requirement.pk}
    assert set(ledger_entries_for(user).values_list("pk", flat=True)) == {cases["a"].entry.pk}
    assert set(pdus_for(user)) == {pdu_a}

    assert person_get(user, cases["a"].person.crn.lower()) == cases["a"].person
    assert requirement_get(user, cases["a"].requirement.pk) == cases["a"].requirement
    assert ledger_entry_get(user, cases["a"].entry.pk) == cases["a"].entry
    # Another PDU of the same region is out of scope.
    with pytest.raises(Http404):
        person_get(user, cases["a2"].person.crn)
    with pytest.raises(Http404):
        requirement_get(user, cases["a2"].requirement.pk)
    with pytest.raises(Http404):
        ledger_entry_get(user, cases["a2"].entry.pk)


@pytest.mark.django_db
def test_a_region_user_sees_their_region(make_user: Callable[..., User], pdu_a: Pdu, cases: dict[str, Case]) -> None:
    user = make_user("rory", scope=Scope.REGION, pdu=pdu_a)
    assert user.pdu is None and user.region == pdu_a.region
    assert visible(user) == pks(cases, "a", "a2")
    assert set(requirements_for(user).values_list("pk", flat=True)) == {
        cases["a"].requirement.pk,
        cases["a2"].requirement.pk,
    }
    assert set(ledger_entries_for(user).values_list("pk", flat=True)) == {cases["a"].entry.pk, cases["a2"].entry.pk}
    assert requirement_get(user, cases["a2"].requirement.pk) == cases["a2"].requirement
    assert set(regions_for(user)) == {pdu_a.region}
    assert all(pdu.region_id == pdu_a.region_id for pdu in pdus_for(user))
    with pytest.raises(Http404):
        requirement_get(user, cases["b"].requirement.pk)


@pytest.mark.django_db
def test_a_national_user_sees_everything(make_user: Callable[..., User], cases: dict[str, Case]) -> None:
    user = make_user("nia", scope=Scope.NATIONAL)
    assert visible(user) == pks(cases, "a", "a2", "b")
    for case in cases.values():
        assert person_get(user, case.person.crn) == case.person
        assert requirement_get(user, case.requirement.pk) == case.requirement
        assert ledger_entry_get(user, case.entry.pk) == case.entry


@pytest.mark.django_db
def test_a_user_of_another_region_finds_nothing(other_region_practitioner: User, cases: dict[str, Case]) -> None:
    user = other_region_practitioner
    assert visible(user) == pks(cases, "b")
    for name in ("a", "a2"):
        case = cases[name]
        with pytest.raises(Http404):
            person_get(user, case.person.crn)
        with pytest.raises(Http404):
            requirement_get(user, case.requirement.pk)
        with pytest.raises(Http404):
            ledger_entry_get(user, case.entry.pk)


@pytest.mark.django_db
def test_regional_staff_of_another_region_find_nothing(
    make_user: Callable[..., User], pdu_b: Pdu, cases: dict[str, Case]
) -> None:
    user = make_user("lena", scope=Scope.REGION, pdu=pdu_b)
    assert visible(user) == pks(cases, "b")
    with pytest.raises(Http404):
        requirement_get(user, cases["a"].requirement.pk)


@pytest.mark.django_db
def test_inactive_and_anonymous_users_see_nothing(
    make_user: Callable[..., User], pdu_a: Pdu, cases: dict[str, Case]
) -> None:
    user = make_user("ivan", scope=Scope.NATIONAL)
    user.is_active = False
    user.save()
    assert visible(user) == set()
    assert not requirements_for(user).exists()
    with pytest.raises(Http404):
        requirement_get(user, cases["a"].requirement.pk)
    assert visible(AnonymousUser()) == set()
