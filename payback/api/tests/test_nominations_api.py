"""The nominations register through the API: due dates, acknowledging, rejecting and accepting;
bad input names the field and saves nothing; scope and permissions."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from payback.projects.models import Beneficiary, Nomination, Project
from payback.staff.models import Pdu, User
from payback.testing.builders import BENEFICIARY, nominate

from .client import ApiClient
from .projects_data import fields, nothing_saved

pytestmark = pytest.mark.django_db

Api = Callable[[User | None], ApiClient]


# ---------------------------------------------------------------------------------------------
# Nominations


def test_the_register_lists_nominations_with_due_dates_and_filters(
    api_as: Api, coordinator: User, pdu_a: Pdu, pdu_b: Pdu
) -> None:
    fresh = nominate(pdu_a)
    late = nominate(pdu_a, work_description="Paint the bus shelter")
    Nomination.objects.filter(pk=late.pk).update(acknowledge_by=timezone.localdate() - timedelta(days=1))
    nominate(pdu_b, work_description="Clear the canal towpath")
    client = api_as(coordinator)

    listed = client.get("/nominations").json()
    assert listed["count"] == 2
    tags = {n["id"]: n["acknowledgement"] for n in listed["items"]}
    assert tags == {fresh.pk: "due", late.pk: "overdue"}
    assert [n["id"] for n in client.get("/nominations", overdue=True).json()["items"]] == [late.pk]
    assert client.get("/nominations", status="rejected").json()["count"] == 0

    detail = client.get(f"/nominations/{fresh.pk}").json()
    assert detail["reference"] == fresh.reference
    assert (detail["nominator_email"], detail["heard_about"], detail["status"]) == (
        "jo@example.org",
        "word_of_mouth",
        "new",
    )
    assert detail["project"] is None and detail["beneficiary"] is None


def test_acknowledging_sends_one_email(api_as: Api, coordinator: User, pdu_a: Pdu) -> None:
    nomination = nominate(pdu_a)
    client = api_as(coordinator)

    response = client.post(f"/nominations/{nomination.pk}/acknowledge")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["acknowledgement"], body["acknowledged_by"]) == ("acknowledged", None, "Cora Tester")
    assert [m.to for m in mail.outbox] == [["jo@example.org"]]
    with nothing_saved():
        again = client.post(f"/nominations/{nomination.pk}/acknowledge")
    assert (again.status_code, fields(again)) == (400, ["nomination"])


def test_rejecting_needs_a_reason_and_an_explanation(api_as: Api, coordinator: User, pdu_a: Pdu) -> None:
    nomination = nominate(pdu_a)
    client = api_as(coordinator)
    url = f"/nominations/{nomination.pk}/reject"
    with nothing_saved():
        no_detail = client.post(url, {"reason": "private"})
        bad_reason = client.post(url, {"reason": "dislike", "detail": "No"})
    assert (no_detail.status_code, fields(no_detail)) == (400, ["detail"])
    assert (bad_reason.status_code, fields(bad_reason)) == (422, ["reason"])

    response = client.post(url, {"reason": "private", "detail": "The garden is private"})

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["rejection_reason"]) == ("rejected", "private")
    with nothing_saved():
        twice = client.post(url, {"reason": "private", "detail": "Again"})
        accept = client.post(f"/nominations/{nomination.pk}/accept", {"project_name": "X", "beneficiary_id": 1})
    assert (twice.status_code, fields(twice)) == (400, ["nomination"])
    assert accept.status_code == 400


def test_accepting_with_an_existing_beneficiary(
    api_as: Api, coordinator: User, beneficiary: Beneficiary, pdu_a: Pdu
) -> None:
    nomination = nominate(pdu_a)

    response = api_as(coordinator).post(
        f"/nominations/{nomination.pk}/accept", {"beneficiary_id": beneficiary.pk, "project_name": "Churchyard paths"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get(nominations=nomination)
    assert body["status"] == "accepted"
    assert body["beneficiary"] == {"id": beneficiary.pk, "name": "Durham School"}
    assert body["project"] == {"id": project.pk, "name": "Churchyard paths"}
    assert (project.status, project.postcode) == ("draft", "DH1 3AA")


def test_accepting_with_a_new_beneficiary(api_as: Api, coordinator: User, pdu_a: Pdu) -> None:
    nomination = nominate(pdu_a)
    new = dict(BENEFICIARY)

    response = api_as(coordinator).post(
        f"/nominations/{nomination.pk}/accept", {"new_beneficiary": new, "project_name": "Churchyard paths"}
    )

    assert response.status_code == 201, response.content
    created = Beneficiary.objects.get(pk=response.json()["beneficiary"]["id"])
    assert (created.name, created.pdu, created.postcode) == ("St Mary's Church", pdu_a, "DH1 3AA")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"project_name": "Paths"}, 400, "beneficiary_id"),
        ({"project_name": "Paths", "beneficiary_id": 10**9}, 400, "beneficiary_id"),
        ({"project_name": "Paths", "beneficiary_id": 1, "new_beneficiary": BENEFICIARY}, 400, "beneficiary_id"),
        (
            {"project_name": "Paths", "new_beneficiary": {**BENEFICIARY, "kind": "commercial"}},
            400,
            "additionality_justification",
        ),
        ({"project_name": "", "new_beneficiary": BENEFICIARY}, 400, "project_name"),
        ({"project_name": "Paths", "new_beneficiary": {"name": "Church"}}, 422, "kind"),
    ],
)
def test_a_refused_acceptance_names_the_field_and_saves_nothing(
    api_as: Api, coordinator: User, pdu_a: Pdu, body: dict[str, Any], status: int, field: str
) -> None:
    nomination = nominate(pdu_a)
    client = api_as(coordinator)
    with nothing_saved():
        response = client.post(f"/nominations/{nomination.pk}/accept", body)
    assert response.status_code == status, response.content
    assert field in fields(response)
    nomination.refresh_from_db()
    assert nomination.status == "new"


# ---------------------------------------------------------------------------------------------
# Scope and permissions


def test_another_regions_nominations_are_404(
    api_as: Api, london_coordinator: User, beneficiary: Beneficiary, pdu_a: Pdu
) -> None:
    nomination = nominate(pdu_a)
    client = api_as(london_coordinator)
    with nothing_saved():
        responses = [
            client.get(f"/nominations/{nomination.pk}"),
            client.post(f"/nominations/{nomination.pk}/acknowledge"),
            client.post(f"/nominations/{nomination.pk}/reject", {"reason": "other", "detail": "Not mine"}),
            client.post(
                f"/nominations/{nomination.pk}/accept", {"project_name": "X", "beneficiary_id": beneficiary.pk}
            ),
        ]
    for response in responses:
        assert response.status_code == 404, response.request
        assert response.json() == {"detail": "Not found"}
    assert client.get("/nominations").json()["count"] == 0


def test_only_coordinators_and_managers_handle_nominations(
    api_as: Api, supervisor: User, manager: User, pdu_a: Pdu
) -> None:
    nomination = nominate(pdu_a)
    as_supervisor = api_as(supervisor)
    with nothing_saved():
        refused = [
            as_supervisor.get("/nominations"),
            as_supervisor.get(f"/nominations/{nomination.pk}"),
            as_supervisor.post(f"/nominations/{nomination.pk}/acknowledge"),
            as_supervisor.post(f"/nominations/{nomination.pk}/reject", {"reason": "other", "detail": "No"}),
        ]
    for response in refused:
        assert response.status_code == 403
        assert response.json() == {"detail": "You do not have permission to handle nominations"}
    assert api_as(manager).get(f"/nominations/{nomination.pk}").status_code == 200
