"""Projects and beneficiaries through the API: what is saved, what is refused (naming the field,
saving nothing), who may do it and what stays out of scope."""

from collections.abc import Callable
from datetime import date, time
from typing import Any

import pytest

from payback.projects import services
from payback.projects.models import Beneficiary, Project
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import PLACEMENT_COORDINATOR
from payback.testing.builders import BENEFICIARY, approve_assessment

from .client import ApiClient
from .projects_data import fields, nothing_saved

pytestmark = pytest.mark.django_db

Api = Callable[[User | None], ApiClient]


# ---------------------------------------------------------------------------------------------
# Beneficiaries


def test_recording_a_beneficiary(api_as: Api, coordinator: User) -> None:
    response = api_as(coordinator).post("/beneficiaries", BENEFICIARY)

    assert response.status_code == 201, response.content
    body = response.json()
    saved = Beneficiary.objects.get(pk=body["id"])
    assert (saved.pdu, saved.postcode) == (coordinator.pdu, "DH1 3AA")
    assert body == {
        "id": saved.pk,
        "name": "St Mary's Church",
        "kind": "charity",
        "pdu": "NE01",
        "contact_name": "Rev. Ann Smith",
        "mou_signed_on": "2026-01-05",
        "project_count": 0,
        "additionality_justification": "",
        "address": "Church Lane, Durham",
        "postcode": "DH1 3AA",
        "contact_email": "ann@example.org",
        "contact_phone": "01632 960 001",
        "created_at": body["created_at"],
        "projects": [],
    }
    assert saved.feedback_token not in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"kind": "commercial"}, 400, "additionality_justification"),
        ({"postcode": "NOTAPOST"}, 400, "postcode"),
        ({"contact_email": "ann-at-example"}, 400, "contact_email"),
        ({"mou_signed_on": "2099-01-01"}, 400, "mou_signed_on"),
        ({"name": "   "}, 400, "name"),
        ({"pdu": 10**9}, 400, "pdu"),
        ({"kind": "pub"}, 422, "kind"),
        ({"contact_phone": "call me"}, 422, "contact_phone"),
        ({"feedback_token": "mine"}, 422, "feedback_token"),
    ],
)
def test_a_refused_beneficiary_names_the_field_and_saves_nothing(
    api_as: Api, coordinator: User, changes: dict[str, Any], status: int, field: str
) -> None:
    client = api_as(coordinator)
    with nothing_saved():
        response = client.post("/beneficiaries", {**BENEFICIARY, **changes})
    assert response.status_code == status, response.content
    assert fields(response) == [field]


def test_a_regional_coordinator_chooses_a_pdu_in_their_region(
    api_as: Api, make_user: Callable[..., User], pdu_a: Pdu, pdu_a2: Pdu, pdu_b: Pdu
) -> None:
    regional = api_as(make_user("rae", role=PLACEMENT_COORDINATOR, scope=Scope.REGION, region=pdu_a.region))
    with nothing_saved():
        without = regional.post("/beneficiaries", BENEFICIARY)
        elsewhere = regional.post("/beneficiaries", {**BENEFICIARY, "pdu": pdu_b.pk})
    assert (without.status_code, fields(without)) == (400, ["pdu"])
    assert (elsewhere.status_code, fields(elsewhere)) == (400, ["pdu"])
    response = regional.post("/beneficiaries", {**BENEFICIARY, "pdu": pdu_a2.pk})
    assert response.status_code == 201 and response.json()["pdu"] == pdu_a2.code


def test_beneficiaries_list_filters_and_history(
    api_as: Api, coordinator: User, beneficiary: Beneficiary, project: Project, pdu_a: Pdu, pdu_b: Pdu
) -> None:
    services.beneficiary_create(actor=coordinator, pdu=pdu_b, name="London Lido", kind="charity", contact_name="Li")
    church = services.beneficiary_create(
        actor=coordinator, pdu=pdu_a, name="Church", kind="charity", contact_name="Vicar"
    )
    client = api_as(coordinator)

    listed = client.get("/beneficiaries").json()
    assert listed["count"] == 2
    assert [(b["name"], b["project_count"]) for b in listed["items"]] == [("Church", 0), ("Durham School", 1)]
    assert [b["id"] for b in client.get("/beneficiaries", kind="charity").json()["items"]] == [church.pk]
    assert [b["id"] for b in client.get("/beneficiaries", q="head").json()["items"]] == [beneficiary.pk]

    detail = client.get(f"/beneficiaries/{beneficiary.pk}").json()
    assert [(p["id"], p["name"], p["status"]) for p in detail["projects"]] == [(project.pk, "School grounds", "draft")]
    assert "feedback_token" not in detail and beneficiary.feedback_token not in str(detail)


# ---------------------------------------------------------------------------------------------
# Projects


def test_recording_a_draft_project(api_as: Api, coordinator: User, beneficiary: Beneficiary) -> None:
    body = {
        "beneficiary_id": beneficiary.pk,
        "name": "Riverside path",
        "project_type": "group",
        "address": "Riverside, Durham",
        "postcode": "dh1 3aa",
        "latitude": 54.7731234,
        "longitude": -1.5762,
        "days": ["sat", "mon"],
        "start_time": "09:30",
        "end_time": "15:30",
        "capacity": 8,
    }

    response = api_as(coordinator).post("/projects", body)

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft"
    assert created["beneficiary"] == {"id": beneficiary.pk, "name": "Durham School"}
    assert (created["pdu"], created["postcode"], created["capacity"]) == ("NE01", "DH1 3AA", 8)
    assert (created["latitude"], created["longitude"]) == (54.77312, -1.5762)
    assert created["days"] == ["mon", "sat"]
    assert (created["start_time"], created["end_time"]) == ("09:30:00", "15:30:00")
    assert created["tasks"] == [] and created["assessment"] is None


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"latitude": 54.77}, 400, "longitude"),
        ({"latitude": 40.0, "longitude": -1.5}, 400, "latitude"),  # not in England or Wales
        ({"start_time": "15:00", "end_time": "09:00"}, 400, "end_time"),
        ({"capacity": 31}, 400, "capacity"),
        ({"postcode": "12345"}, 400, "postcode"),
        ({"name": " "}, 400, "name"),
        ({"days": ["someday"]}, 422, "days"),
        ({"capacity": 2.5}, 422, "capacity"),
        ({"latitude": 91, "longitude": 0}, 422, "latitude"),
        ({"start_time": "09:00+01:00"}, 422, "start_time"),
        ({"status": "active"}, 422, "status"),
    ],
)
def test_a_refused_project_names_the_field_and_saves_nothing(
    api_as: Api, coordinator: User, beneficiary: Beneficiary, changes: dict[str, Any], status: int, field: str
) -> None:
    client = api_as(coordinator)
    with nothing_saved():
        response = client.post("/projects", {"beneficiary_id": beneficiary.pk, "name": "Path", **changes})
    assert response.status_code == status, response.content
    assert fields(response) == [field]


def test_a_beneficiary_outside_the_area_cannot_be_used(
    api_as: Api, london_coordinator: User, beneficiary: Beneficiary
) -> None:
    client = api_as(london_coordinator)
    with nothing_saved():
        response = client.post("/projects", {"beneficiary_id": beneficiary.pk, "name": "Path"})
    assert (response.status_code, fields(response)) == (400, ["beneficiary_id"])


def test_a_project_shows_its_tasks_and_approved_assessment(
    api_as: Api, coordinator: User, manager: User, project: Project
) -> None:
    services.project_set_tasks(actor=coordinator, project=project, tasks=["Clear litter", "Cut back hedges"])
    approved = approve_assessment(project, coordinator, manager)

    body = api_as(coordinator).get(f"/projects/{project.pk}").json()

    assert body["status"] == "assessed"
    assert body["capacity"] == 4  # limited by the assessment
    assert body["tasks"] == [
        {"position": 1, "description": "Clear litter"},
        {"position": 2, "description": "Cut back hedges"},
    ]
    assessment = body["assessment"]
    assert assessment["id"] == approved.pk
    assert assessment["excluded_risk_flags"] == ["arson", "not-near-children"]
    assert assessment["women_only"] is True
    assert (assessment["max_people"], assessment["approved_by"]) == (4, "Mo Tester")


def test_starting_pausing_and_review(
    api_as: Api, coordinator: User, manager: User, project: Project, beneficiary: Beneficiary
) -> None:
    client = api_as(coordinator)
    url = f"/projects/{project.pk}/status"
    with nothing_saved():
        too_soon = client.post(url, {"to_status": "active", "reason": "Ready"})
        no_reason = client.post(url, {"to_status": "closed", "reason": ""})
    assert (too_soon.status_code, fields(too_soon)) == (400, ["to_status"])
    assert (no_reason.status_code, fields(no_reason)) == (400, ["reason"])

    approve_assessment(project, coordinator, manager)
    services.project_set_tasks(actor=coordinator, project=project, tasks=["Clear litter"])
    services.project_update(actor=coordinator, project=project, days=["sat"], start_time=time(9), end_time=time(15))
    unsigned = client.post(url, {"to_status": "active", "reason": "Ready"})
    assert "memorandum of understanding" in unsigned.json()["errors"][0]["message"]
    services.beneficiary_update(actor=coordinator, beneficiary=beneficiary, mou_signed_on=date(2026, 1, 5))

    active = client.post(url, {"to_status": "active", "reason": "Ready"})
    assert active.status_code == 200, active.content
    assert active.json()["status"] == "active"

    flagged = client.post(f"/projects/{project.pk}/review-needed", {"reason": "Near miss with a strimmer"})
    assert flagged.status_code == 200
    assert (flagged.json()["review_needed"], flagged.json()["review_reason"]) == (True, "Near miss with a strimmer")
    assert client.post(url, {"to_status": "paused", "reason": "Review"}).json()["status"] == "paused"
    with nothing_saved():
        again = client.post(url, {"to_status": "active", "reason": "Back"})
        blank = client.post(f"/projects/{project.pk}/review-needed", {"reason": " "})
    assert "reviewed" in again.json()["errors"][0]["message"]
    assert (blank.status_code, fields(blank)) == (400, ["reason"])
    assert [p["id"] for p in client.get("/projects", review_needed=True).json()["items"]] == [project.pk]


def test_projects_list_filters_and_pages(
    api_as: Api, coordinator: User, beneficiary: Beneficiary, project: Project, pdu_a: Pdu, pdu_b: Pdu
) -> None:
    shop = services.project_create(
        actor=coordinator, beneficiary=beneficiary, pdu=pdu_a, name="Charity shop", project_type="individual"
    )
    services.project_create(actor=coordinator, beneficiary=beneficiary, pdu=pdu_b, name="London park")
    client = api_as(coordinator)

    listed = client.get("/projects").json()
    assert listed["count"] == 2
    assert [p["name"] for p in listed["items"]] == ["Charity shop", "School grounds"]
    assert [p["id"] for p in client.get("/projects", project_type="individual").json()["items"]] == [shop.pk]
    assert client.get("/projects", status="active").json()["count"] == 0
    assert client.get("/projects", review_needed=True).json()["count"] == 0
    second = client.get("/projects", page_size=1, page=2).json()
    assert (second["count"], [p["id"] for p in second["items"]]) == (2, [project.pk])
    assert fields(client.get("/projects", status="asleep")) == ["status"]


# ---------------------------------------------------------------------------------------------
# Scope and permissions


def test_another_regions_projects_and_beneficiaries_are_404(
    api_as: Api, london_coordinator: User, project: Project, beneficiary: Beneficiary
) -> None:
    client = api_as(london_coordinator)
    with nothing_saved():
        responses = [
            client.get(f"/projects/{project.pk}"),
            client.post(f"/projects/{project.pk}/status", {"to_status": "closed", "reason": "Not mine"}),
            client.post(f"/projects/{project.pk}/review-needed", {"reason": "Not mine"}),
            client.get(f"/beneficiaries/{beneficiary.pk}"),
        ]
    for response in responses:
        assert response.status_code == 404, response.request
        assert response.json() == {"detail": "Not found"}
    for path in ("/projects", "/beneficiaries"):
        assert client.get(path).json()["count"] == 0, path


def test_permissions(
    api_as: Api, practitioner: User, supervisor: User, project: Project, beneficiary: Beneficiary
) -> None:
    as_practitioner, as_supervisor = api_as(practitioner), api_as(supervisor)
    with nothing_saved():
        assert as_practitioner.get("/projects").json() == {"detail": "You do not have permission to view projects"}
        assert as_practitioner.get(f"/beneficiaries/{beneficiary.pk}").status_code == 403
        # a supervisor may read projects but not change them
        assert as_supervisor.get(f"/projects/{project.pk}").status_code == 200
        refused = [
            as_supervisor.post("/projects", {"beneficiary_id": beneficiary.pk, "name": "Path"}),
            as_supervisor.post(f"/projects/{project.pk}/status", {"to_status": "closed", "reason": "Done"}),
            as_supervisor.post(f"/projects/{project.pk}/review-needed", {"reason": "Near miss"}),
            as_supervisor.post("/beneficiaries", BENEFICIARY),
        ]
    for response in refused:
        assert response.status_code == 403
        assert response.json() == {"detail": "You do not have permission to change projects and beneficiaries"}
