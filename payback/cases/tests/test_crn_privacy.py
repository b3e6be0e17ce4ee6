"""Recording a new case never tells someone whether a CRN is recorded outside their area: they get the
answer a new CRN would get, and the attempt is audited on the person's history."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from payback.cases.models import Person, Requirement
from payback.core.models import AuditEvent
from payback.staff.models import Pdu, User

pytestmark = pytest.mark.django_db

NEUTRAL = (
    "A case cannot be recorded with this CRN. Check the CRN against nDelius; if it is right, "
    "ask your senior probation officer about the case"
)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(crn: str, pdu: Pdu, **changes: str) -> dict[str, Any]:
    return {
        "crn": crn,
        "first_name": "Sam",
        "last_name": "Jones",
        "date_of_birth_0": "1",
        "date_of_birth_1": "1",
        "date_of_birth_2": "1990",
        "sex": "male",
        "pdu": str(pdu.pk),
        "order_type": "community_order",
        "sentence_date_0": "2",
        "sentence_date_1": "3",
        "sentence_date_2": "2026",
        "court": "Southwark Crown Court",
        "hours": "120",
        **changes,
    }


def errors_of(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200
    return {field: list(messages) for field, messages in response.context["form"].errors.items()}


@pytest.fixture
def north_east_case(make_case: Callable[..., Requirement]) -> Requirement:
    return make_case(crn="N123456")


@pytest.mark.today("2026-11-18")
def test_a_crn_in_another_region_gets_the_answer_a_new_crn_gets(
    other_region_practitioner: User, pdu_b: Pdu, north_east_case: Requirement
) -> None:
    client = client_for(other_region_practitioner)
    # With another problem on the form: exactly what a CRN never recorded would get.
    future = {"sentence_date_2": "2027"}  # a sentence date in the future: only the service finds it
    held = errors_of(client.post("/cases/new/", form("N123456", pdu_b, **future)))
    new = errors_of(client.post("/cases/new/", form("Z999999", pdu_b, **future)))
    assert held == new == {"sentence_date": ["The date of sentence must be today or in the past"]}
    # With nothing else wrong: a neutral refusal that does not say the CRN is recorded.
    response = client.post("/cases/new/", form("n123456", pdu_b))
    assert errors_of(response) == {"crn": [NEUTRAL]}
    page = response.content.decode()
    assert "already recorded" not in page and "North East" not in page
    assert Person.objects.filter(crn="N123456").count() == 1
    assert Person.objects.count() == 1
    attempts = AuditEvent.objects.filter(action="case.crn_outside_area", subject=f"person:{north_east_case.person_id}")
    assert attempts.count() == 2
    assert {event.actor for event in attempts} == {other_region_practitioner}


def test_a_crn_already_recorded_in_the_users_area_is_named(
    practitioner: User, pdu_a: Pdu, north_east_case: Requirement
) -> None:
    response = client_for(practitioner).post("/cases/new/", form("N123456", pdu_a))
    assert errors_of(response) == {"crn": ["A person with CRN N123456 is already recorded: open their case instead"]}
    assert not AuditEvent.objects.filter(action="case.crn_outside_area").exists()


def test_a_new_crn_is_recorded_in_another_region(other_region_practitioner: User, pdu_b: Pdu) -> None:
    response = client_for(other_region_practitioner).post("/cases/new/", form("L654321", pdu_b))
    assert response.status_code == 302
    assert Person.objects.get(crn="L654321").pdu == pdu_b
