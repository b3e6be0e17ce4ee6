"""GET /people and /people/{crn}: scoped, filtered, paginated."""

from collections.abc import Callable

import pytest

from payback.cases.models import Requirement
from payback.staff.models import Pdu, User

from .client import ApiClient

pytestmark = pytest.mark.django_db


def test_people_lists_only_people_in_scope_by_name(
    api_as: Callable[[User | None], ApiClient],
    make_case: Callable[..., Requirement],
    practitioner: User,
    pdu_b: Pdu,
) -> None:
    zoe = make_case(first_name="Zoe", last_name="Adams", crn="A100001").person
    make_case(first_name="Bea", last_name="Young", crn="A100002")
    make_case(first_name="Lon", last_name="Don", crn="B100003", pdu=pdu_b)

    response = api_as(practitioner).get("/people")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [p["crn"] for p in body["items"]] == ["A100001", "A100002"]
    assert body["items"][0] == {
        "crn": "A100001",
        "first_name": "Zoe",
        "last_name": "Adams",
        "date_of_birth": "1990-05-17",
        "sex": "male",
        "pdu": {"id": zoe.pdu_id, "code": "NE01", "name": zoe.pdu.name, "region": zoe.pdu.region.name},
    }


def test_people_filters_by_crn_and_by_name(
    api_as: Callable[[User | None], ApiClient], make_case: Callable[..., Requirement], practitioner: User
) -> None:
    make_case(first_name="Zoe", last_name="Adams", crn="A100001")
    make_case(first_name="Bea", last_name="Young", crn="A100002")
    client = api_as(practitioner)

    assert [p["crn"] for p in client.get("/people", crn="a100002").json()["items"]] == ["A100002"]
    assert [p["crn"] for p in client.get("/people", name="you").json()["items"]] == ["A100002"]
    assert [p["crn"] for p in client.get("/people", name="zo ada").json()["items"]] == ["A100001"]
    assert client.get("/people", name="nobody").json() == {"count": 0, "page": 1, "page_size": 25, "items": []}


def test_people_is_paginated(
    api_as: Callable[[User | None], ApiClient], make_case: Callable[..., Requirement], practitioner: User
) -> None:
    for i, last_name in enumerate(["Able", "Baker", "Cole"]):
        make_case(last_name=last_name, crn=f"P20000{i}")
    client = api_as(practitioner)

    first = client.get("/people", page_size=2).json()
    second = client.get("/people", page_size=2, page=2).json()

    assert first["count"] == second["count"] == 3
    assert [p["last_name"] for p in first["items"]] == ["Able", "Baker"]
    assert [p["last_name"] for p in second["items"]] == ["Cole"]


def test_person_detail_has_contact_details_and_requirements(
    api_as: Callable[[User | None], ApiClient], make_case: Callable[..., Requirement], practitioner: User
) -> None:
    requirement = make_case(crn="A123456", practitioner=practitioner, phone="07700 900123", postcode="ne1 4st")

    response = api_as(practitioner).get("/people/a123456")

    assert response.status_code == 200
    body = response.json()
    assert body["crn"] == "A123456"
    assert body["phone"] == "07700 900123"
    assert body["postcode"] == "NE1 4ST"
    assert body["practitioner"] == "Pat Tester"
    assert body["requirements"] == [
        {"id": requirement.pk, "status": "awaiting_induction", "ordered_minutes": 6000, "sentence_date": "2026-03-02"}
    ]


def test_another_regions_person_is_404(
    api_as: Callable[[User | None], ApiClient],
    make_case: Callable[..., Requirement],
    practitioner: User,
    other_region_practitioner: User,
) -> None:
    make_case(crn="A123456")
    assert api_as(practitioner).get("/people/A123456").status_code == 200

    response = api_as(other_region_practitioner).get("/people/A123456")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}
    assert api_as(other_region_practitioner).get("/people").json()["count"] == 0


def test_a_supervisor_may_not_read_cases(
    api_as: Callable[[User | None], ApiClient], make_case: Callable[..., Requirement], supervisor: User
) -> None:
    make_case(crn="A123456")
    client = api_as(supervisor)
    for path in ("/people", "/people/A123456", "/people/Z999999"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.json() == {"detail": "You do not have permission to view cases"}


def test_a_badly_formed_crn_or_page_names_the_field(
    api_as: Callable[[User | None], ApiClient], practitioner: User
) -> None:
    client = api_as(practitioner)

    bad_crn = client.get("/people/12345")
    assert bad_crn.status_code == 422
    assert [e["field"] for e in bad_crn.json()["errors"]] == ["crn"]

    bad_page = client.get("/people", page="0")
    assert bad_page.status_code == 422
    assert [e["field"] for e in bad_page.json()["errors"]] == ["page"]
