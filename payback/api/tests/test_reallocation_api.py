"""POST /people/{crn}/reallocation: a case given to another practitioner, with the reason."""

from collections.abc import Callable

import pytest

from payback.api.tests.client import ApiClient
from payback.cases.models import CaseAllocation
from payback.staff.models import Pdu, User
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.testing.builders import new_case

pytestmark = pytest.mark.django_db


def test_a_senior_reallocates_a_case_once_for_a_key(
    api_as: Callable[[User | None], ApiClient], practitioner: User, make_user: Callable[..., User], pdu_a: Pdu
) -> None:
    spo = make_user("sue", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    make_user("col", pdu=pdu_a)
    crn = new_case(practitioner).person.crn
    client = api_as(spo)
    body = {"to_practitioner": "col", "reason": "Balancing caseloads", "idempotency_key": "r-1"}
    response = client.post(f"/people/{crn}/reallocation", body)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert {k: answer[k] for k in ("crn", "from_practitioner", "to_practitioner", "reason", "created_by")} == {
        "crn": crn,
        "from_practitioner": "Pat Tester",
        "to_practitioner": "Col Tester",
        "reason": "Balancing caseloads",
        "created_by": "Sue Tester",
    }
    assert client.post(f"/people/{crn}/reallocation", body).status_code == 201
    assert CaseAllocation.objects.count() == 1
    reused = client.post(f"/people/{crn}/reallocation", {**body, "reason": "Other"})
    assert reused.status_code == 409
    assert reused.json()["errors"][0]["field"] == "idempotency_key"


def test_bad_input_is_refused_naming_the_field(
    api_as: Callable[[User | None], ApiClient],
    practitioner: User,
    make_user: Callable[..., User],
    pdu_a: Pdu,
    pdu_b: Pdu,
) -> None:
    spo = make_user("sue", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    make_user("lou", pdu=pdu_b)
    crn = new_case(practitioner).person.crn
    client = api_as(spo)
    for body, field in [
        ({"to_practitioner": "pat", "reason": "Again", "idempotency_key": "a"}, "to_practitioner"),
        ({"to_practitioner": "lou", "reason": "Elsewhere", "idempotency_key": "b"}, "to_practitioner"),
        ({"to_practitioner": "sue", "reason": "A senior", "idempotency_key": "c"}, "to_practitioner"),
        ({"to_practitioner": "pat", "reason": "No key"}, "idempotency_key"),
    ]:
        response = client.post(f"/people/{crn}/reallocation", body)
        assert response.status_code == 400, (body, response.content)
        assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not CaseAllocation.objects.exists()


def test_a_practitioner_may_not_and_another_area_finds_nothing(
    api_as: Callable[[User | None], ApiClient], practitioner: User, make_user: Callable[..., User], pdu_b: Pdu
) -> None:
    crn = new_case(practitioner).person.crn
    body = {"to_practitioner": "pat", "reason": "Mine", "idempotency_key": "x"}
    assert api_as(practitioner).post(f"/people/{crn}/reallocation", body).status_code == 403
    london = make_user("lsp", role=SENIOR_PROBATION_OFFICER, pdu=pdu_b)
    assert api_as(london).post(f"/people/{crn}/reallocation", body).status_code == 404
