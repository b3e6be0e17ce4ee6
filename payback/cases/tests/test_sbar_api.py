"""SBAR consultations in the API: listed, raised and answered through the same services as the pages,
once for a key, each problem naming its field, and nobody outside the area finds the person."""

from collections.abc import Callable

import pytest

from payback.api.tests.client import ApiClient, token_for
from payback.cases.models import SbarAnswer, SbarConsultation
from payback.staff.models import Pdu, User
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.staff.services import team_create, team_member_add
from payback.testing.builders import new_case

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]

SBAR = {"situation": "Missed two sessions", "background": "Good until October", "assessment": "Caring duties"}
SBAR["recommendation"] = "Saturday sessions"


def api_as(user: User) -> ApiClient:
    return ApiClient(token_for(user))


@pytest.fixture
def sue(make_user: Callable[..., User], pdu_a: Pdu, practitioner: User) -> User:
    """Sue leads Pat's team."""
    senior = make_user("sue", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    team = team_create(actor=senior, name="Tyne A", pdu=pdu_a, lead=senior)
    team_member_add(actor=senior, team=team, practitioner=practitioner)
    return senior


def test_a_practitioner_raises_a_consultation_once_and_their_senior_answers_it_once(
    practitioner: User, sue: User
) -> None:
    requirement = new_case(practitioner, last_name="Consulted")
    crn = requirement.person.crn
    body = {**SBAR, "idempotency_key": "raise-1"}
    raised = api_as(practitioner).post(f"/people/{crn}/consultations", body)
    assert raised.status_code == 201, raised.content
    answer = raised.json()
    assert (answer["requirement"], answer["crn"], answer["addressed_to"], answer["answer"]) == (
        requirement.pk,
        crn,
        "Sue Tester",
        None,
    )
    assert api_as(practitioner).post(f"/people/{crn}/consultations", body).json()["id"] == answer["id"]
    assert SbarConsultation.objects.count() == 1
    reused = api_as(practitioner).post(f"/people/{crn}/consultations", {**body, "situation": "Other"})
    assert reused.status_code == 409 and reused.json()["errors"][0]["field"] == "idempotency_key"

    reply = {"consultation": answer["id"], "decision": "Agreed", "idempotency_key": "answer-1"}
    answered = api_as(sue).post(f"/people/{crn}/consultations/answer", reply)
    assert answered.status_code == 201, answered.content
    assert answered.json()["answer"]["decision"] == "Agreed"
    assert answered.json()["answer"]["answered_by"] == "Sue Tester"
    assert api_as(sue).post(f"/people/{crn}/consultations/answer", reply).status_code == 201
    again = api_as(sue).post(f"/people/{crn}/consultations/answer", {**reply, "idempotency_key": "answer-2"})
    assert again.status_code == 400
    assert again.json()["errors"][0]["field"] == "consultation"
    assert "already answered by Sue Tester on 18 November 2026" in again.json()["errors"][0]["message"]
    assert SbarAnswer.objects.count() == 1

    listed = api_as(practitioner).get(f"/people/{crn}/consultations")
    assert listed.status_code == 200
    assert [(c["id"], c["answer"]["decision"]) for c in listed.json()] == [(answer["id"], "Agreed")]


def test_bad_input_names_the_field(practitioner: User, sue: User, make_user: Callable[..., User], pdu_a: Pdu) -> None:
    crn = new_case(practitioner).person.crn
    client = api_as(practitioner)
    for body, field in [
        ({**SBAR, "assessment": " ", "idempotency_key": "a"}, "assessment"),
        ({**SBAR, "requirement": 999999, "idempotency_key": "b"}, "requirement"),
        (SBAR, "idempotency_key"),
    ]:
        response = client.post(f"/people/{crn}/consultations", body)
        assert response.status_code == 400, (body, response.content)
        assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not SbarConsultation.objects.exists()
    response = api_as(sue).post(f"/people/{crn}/consultations/answer", {"consultation": 1, "decision": "x"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "idempotency_key"
    reply = {"consultation": 999999, "decision": "x", "idempotency_key": "c"}
    response = api_as(sue).post(f"/people/{crn}/consultations/answer", reply)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "consultation"


def test_a_consultation_addressed_to_another_senior_is_refused(
    practitioner: User, sue: User, make_user: Callable[..., User], pdu_a: Pdu
) -> None:
    other = make_user("simon", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    crn = new_case(practitioner).person.crn
    raised = api_as(practitioner).post(f"/people/{crn}/consultations", {**SBAR, "idempotency_key": "k"}).json()
    reply = {"consultation": raised["id"], "decision": "Mine", "idempotency_key": "k2"}
    response = api_as(other).post(f"/people/{crn}/consultations/answer", reply)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "consultation"
    assert not SbarAnswer.objects.exists()


def test_outside_the_area_the_person_is_not_found_and_a_supervisor_may_not_raise(
    practitioner: User, sue: User, other_region_practitioner: User, supervisor: User
) -> None:
    crn = new_case(practitioner).person.crn
    client = api_as(other_region_practitioner)
    assert client.get(f"/people/{crn}/consultations").status_code == 404
    assert client.post(f"/people/{crn}/consultations", {**SBAR, "idempotency_key": "x"}).status_code == 404
    assert not SbarConsultation.objects.exists()
    refused = api_as(supervisor).post(f"/people/{crn}/consultations", {**SBAR, "idempotency_key": "y"})
    assert refused.status_code == 403
