"""Induction, the UPW assessment, countersigning and placeability through the API: what is saved,
what is refused (naming the field, saving nothing), who may do it and what stays out of scope."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from payback.cases.assessment import services as aservices
from payback.cases.models import Assessment, Induction, LedgerEntry, Requirement
from payback.core.models import AuditEvent
from payback.staff.models import Pdu, User
from payback.staff.roles import CASE_ADMINISTRATOR, SENIOR_PROBATION_OFFICER

from .client import ApiClient, Response

pytestmark = pytest.mark.django_db

Api = Callable[[User | None], ApiClient]

ASSESSMENT: dict[str, Any] = {
    "availability": {"mon": ["morning", "afternoon"], "sat": ["morning"]},
    "commitments": [{"day": "tue", "parts": ["morning", "afternoon", "evening"], "reason": "employment"}],
    "health_limitations": "Asthma: no dusty work",
    "transport": "public_transport",
    "max_travel_minutes": 45,
    "skills": "Painting and decorating",
    "suitable_placement_types": ["group", "individual"],
    "rosh_level": "low",
    "risk_flags": ["arson"],
    "risk_assessed_on": "2026-03-10",
}
BOOKING = {"starts_at": "2026-03-05T10:00:00+00:00", "location": "Newcastle office"}


@pytest.fixture
def spo(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("sophie", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


@pytest.fixture
def other_spo(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("omar", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


def counts() -> list[int]:
    # Making a client's token is audited too: only the case's records count here.
    events = AuditEvent.objects.exclude(action__startswith="staff.")
    return [Assessment.objects.count(), Induction.objects.count(), LedgerEntry.objects.count(), events.count()]


@contextmanager
def nothing_saved() -> Iterator[None]:
    before = counts()
    yield
    assert counts() == before


def fields(response: Response) -> list[str | None]:
    return [error["field"] for error in response.json()["errors"]]


def submit(client: ApiClient, case: Requirement, **changes: Any) -> Response:
    return client.post(f"/people/{case.person.crn}/assessments", {**ASSESSMENT, **changes})


def induct(client: ApiClient, case: Requirement) -> dict[str, Any]:
    booked = client.post(f"/requirements/{case.pk}/inductions", BOOKING)
    assert booked.status_code == 201, booked.content
    response = client.post(
        f"/inductions/{booked.json()['id']}/outcome", {"outcome": "attended", "minutes_attended": 90}
    )
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


# ---------------------------------------------------------------------------------------------
# Induction


def test_booking_an_induction_and_recording_attendance(api_as: Api, case: Requirement, practitioner: User) -> None:
    client = api_as(practitioner)

    booked = client.post(f"/requirements/{case.pk}/inductions", BOOKING)

    assert booked.status_code == 201, booked.content
    body = booked.json()
    assert body["requirement"] == case.pk
    assert body["location"] == "Newcastle office"
    assert body["outcome"] is None and body["booked_by"] == "Pat Tester"
    assert datetime.fromisoformat(body["starts_at"]) == datetime.fromisoformat(BOOKING["starts_at"])
    assert [i["id"] for i in client.get(f"/requirements/{case.pk}/inductions").json()] == [body["id"]]

    outcome = client.post(f"/inductions/{body['id']}/outcome", {"outcome": "attended", "minutes_attended": 90})

    assert outcome.status_code == 200, outcome.content
    assert outcome.json()["outcome"] == "attended"
    assert outcome.json()["minutes_attended"] == 90
    assert outcome.json()["outcome_recorded_by"] == "Pat Tester"
    requirement = client.get(f"/requirements/{case.pk}").json()
    assert requirement["status"] == "awaiting_assessment"
    assert requirement["balance"]["credited"]["work"] == 90  # induction counts towards hours by policy


def test_a_time_without_an_offset_is_uk_time(api_as: Api, case: Requirement, practitioner: User) -> None:
    response = api_as(practitioner).post(
        f"/requirements/{case.pk}/inductions", {**BOOKING, "starts_at": "2026-06-01T10:00:00", "late_reason": "Unwell"}
    )
    assert response.status_code == 201, response.content
    starts = Induction.objects.get().starts_at
    assert timezone.localtime(starts).hour == 10 and starts.hour == 9  # British Summer Time


def test_bad_induction_input_names_the_field_and_saves_nothing(
    api_as: Api, case: Requirement, practitioner: User
) -> None:
    client = api_as(practitioner)
    url = f"/requirements/{case.pk}/inductions"
    with nothing_saved():
        late = client.post(url, {**BOOKING, "starts_at": "2026-03-20T10:00:00Z"})
        before_sentence = client.post(url, {**BOOKING, "starts_at": "2026-02-20T10:00:00Z"})
        blank_place = client.post(url, {**BOOKING, "location": "   "})
        not_a_time = client.post(url, {**BOOKING, "starts_at": "next Tuesday"})
        far_future = client.post(url, {**BOOKING, "starts_at": "9999-12-31T23:59:59+14:00"})
    assert (late.status_code, fields(late)) == (400, ["late_reason"])
    assert "due by 9 March 2026" in late.json()["errors"][0]["message"]
    assert (before_sentence.status_code, fields(before_sentence)) == (400, ["starts_at"])
    assert (blank_place.status_code, fields(blank_place)) == (400, ["location"])
    assert (not_a_time.status_code, fields(not_a_time)) == (422, ["starts_at"])
    assert (far_future.status_code, fields(far_future)) == (422, ["starts_at"])

    assert (
        client.post(url, {**BOOKING, "starts_at": "2026-03-20T10:00:00Z", "late_reason": "In hospital"}).status_code
        == 201
    )
    with nothing_saved():
        second = client.post(url, BOOKING)
    assert (second.status_code, fields(second)) == (400, ["starts_at"])


def test_bad_outcome_input_names_the_field_and_saves_nothing(
    api_as: Api, case: Requirement, practitioner: User
) -> None:
    client = api_as(practitioner)
    induction = client.post(f"/requirements/{case.pk}/inductions", BOOKING).json()
    url = f"/inductions/{induction['id']}/outcome"
    with nothing_saved():
        no_minutes = client.post(url, {"outcome": "attended"})
        too_long = client.post(url, {"outcome": "attended", "minutes_attended": 481})
        no_reason = client.post(url, {"outcome": "failed_to_attend"})
        unknown = client.post(url, {"outcome": "went"})
    assert (no_minutes.status_code, fields(no_minutes)) == (400, ["minutes_attended"])
    assert (too_long.status_code, fields(too_long)) == (400, ["minutes_attended"])
    assert (no_reason.status_code, fields(no_reason)) == (400, ["reason"])
    assert (unknown.status_code, fields(unknown)) == (422, ["outcome"])

    assert client.post(url, {"outcome": "rescheduled"}).status_code == 200
    with nothing_saved():
        again = client.post(url, {"outcome": "attended", "minutes_attended": 60})
    assert (again.status_code, fields(again)) == (400, ["outcome"])


def test_an_induction_yet_to_happen_has_no_outcome(api_as: Api, case: Requirement, practitioner: User) -> None:
    client = api_as(practitioner)
    tomorrow = timezone.localdate().toordinal() + 1
    starts_at = f"{date.fromordinal(tomorrow).isoformat()}T10:00:00"
    induction = client.post(
        f"/requirements/{case.pk}/inductions", {**BOOKING, "starts_at": starts_at, "late_reason": "x"}
    )
    with nothing_saved():
        response = client.post(f"/inductions/{induction.json()['id']}/outcome", {"outcome": "rescheduled"})
    assert (response.status_code, fields(response)) == (400, ["outcome"])
    assert response.json()["errors"][0]["message"] == "The induction has not happened yet"


# ---------------------------------------------------------------------------------------------
# The assessment


def test_submitting_a_low_risk_assessment_makes_it_current(api_as: Api, case: Requirement, practitioner: User) -> None:
    client = api_as(practitioner)

    response = submit(client, case)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["status"], body["crn"]) == (1, "current", case.person.crn)
    assert body["availability"] == {
        "mon": ["morning", "afternoon"],
        "tue": [],
        "wed": [],
        "thu": [],
        "fri": [],
        "sat": ["morning"],
        "sun": [],
    }
    assert body["commitments"] == [
        {"day": "tue", "parts": ["morning", "afternoon", "evening"], "reason": "employment", "detail": ""}
    ]
    assert body["risk_flags"] == [
        {
            "code": "arson",
            "label": "Arson",
            "description": "History of arson: no fires, fuels or ignition sources on site",
        }
    ]
    assert body["author"] == "Pat Tester" and body["countersigned_by"] is None
    assert body["needs_countersignature"] is False
    assert body["placement_preference"] is None
    assert client.get(f"/people/{case.person.crn}/assessment").json() == body
    assert client.get(f"/assessments/{body['id']}").json() == body


def test_a_new_version_supersedes_the_last_and_history_is_kept(
    api_as: Api, case: Requirement, practitioner: User
) -> None:
    client = api_as(practitioner)
    first = submit(client, case).json()

    second = submit(client, case, max_travel_minutes=30, risk_flags=[])

    assert second.status_code == 201, second.content
    assert (second.json()["version"], second.json()["max_travel_minutes"], second.json()["risk_flags"]) == (2, 30, [])
    versions = client.get(f"/people/{case.person.crn}/assessments").json()
    assert [(v["id"], v["version"], v["status"]) for v in versions] == [
        (second.json()["id"], 2, "current"),
        (first["id"], 1, "superseded"),
    ]
    assert versions[0]["author"] == "Pat Tester" and versions[0]["submitted_at"]


def test_high_risk_waits_for_another_spo_to_countersign(
    api_as: Api, case: Requirement, practitioner: User, spo: User, other_spo: User
) -> None:
    response = submit(api_as(spo), case, rosh_level="high")
    assert response.status_code == 201, response.content
    assessment = response.json()
    assert (assessment["status"], assessment["needs_countersignature"]) == ("awaiting_countersignature", True)
    assert api_as(practitioner).get(f"/people/{case.person.crn}/assessment").status_code == 404
    url = f"/assessments/{assessment['id']}/countersignature"

    with nothing_saved():
        by_author = api_as(spo).post(url, {"approve": True})
        by_practitioner = api_as(practitioner).post(url, {"approve": True})
        while_waiting = submit(api_as(practitioner), case)
    assert (by_author.status_code, fields(by_author)) == (400, ["assessment"])
    assert "another senior probation officer" in by_author.json()["errors"][0]["message"]
    assert by_practitioner.status_code == 403
    assert by_practitioner.json() == {"detail": "You do not have permission to countersign assessments"}
    assert (while_waiting.status_code, fields(while_waiting)) == (400, ["assessment"])

    approved = api_as(other_spo).post(url, {"approve": True, "comment": "Agreed"})

    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "current"
    assert approved.json()["countersigned_by"] == "Omar Tester" and approved.json()["countersigned_at"]
    assert api_as(practitioner).get(f"/people/{case.person.crn}/assessment").json()["id"] == assessment["id"]


def test_a_returned_version_is_completed_by_the_next_submission(
    api_as: Api, case: Requirement, practitioner: User, spo: User
) -> None:
    client = api_as(practitioner)
    assessment = submit(client, case, rosh_level="very_high").json()
    url = f"/assessments/{assessment['id']}/countersignature"
    with nothing_saved():
        no_comment = api_as(spo).post(url, {"approve": False})
    assert (no_comment.status_code, fields(no_comment)) == (400, ["comment"])

    returned = api_as(spo).post(url, {"approve": False, "comment": "Say which children's sites to avoid"})
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["review_comment"]) == (
        "returned",
        "Say which children's sites to avoid",
    )

    again = submit(client, case, rosh_level="very_high", risk_notes="No schools or play areas")
    assert again.status_code == 201, again.content
    assert (again.json()["id"], again.json()["status"]) == (assessment["id"], "awaiting_countersignature")


def test_a_draft_started_on_the_pages_is_completed_not_duplicated(
    api_as: Api, case: Requirement, practitioner: User
) -> None:
    draft = aservices.assessment_start(actor=practitioner, person=case.person)
    response = submit(api_as(practitioner), case)
    assert response.status_code == 201, response.content
    assert response.json()["id"] == draft.pk
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"availability": {}}, "availability"),
        ({"availability": {"mon": []}}, "availability"),
        ({"risk_flags": ["arson", "juggling"]}, "risk_flags"),
        ({"placement_preference": "women_only"}, "placement_preference"),  # not recorded as a woman
        ({"max_travel_minutes": 500}, "max_travel_minutes"),
        ({"suitable_placement_types": []}, "suitable_placement_types"),
        ({"group_work_unsuitable": True}, "group_work_unsuitable_reason"),
        ({"interpreter_required": True}, "interpreter_language"),
        ({"risk_assessed_on": "2099-01-01"}, "risk_assessed_on"),
    ],
)
def test_a_refused_assessment_names_the_field_and_leaves_nothing(
    api_as: Api, case: Requirement, practitioner: User, changes: dict[str, Any], field: str
) -> None:
    with nothing_saved():
        response = submit(api_as(practitioner), case, **changes)
    assert response.status_code == 400, response.content
    assert fields(response) == [field]
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"transport": None}, "transport"),
        ({"rosh_level": "extreme"}, "rosh_level"),
        ({"availability": {"monday": ["morning"]}}, "monday"),
        ({"max_travel_minutes": "45"}, "max_travel_minutes"),
        ({"interpreter_required": "yes"}, "interpreter_required"),
        ({"skills": "x" * 2001}, "skills"),
        ({"commitments": [{"day": "tue", "reason": "golf"}]}, "reason"),
        ({"author": "someone"}, "author"),
    ],
)
def test_an_assessment_that_does_not_match_the_schema_is_422(
    api_as: Api, case: Requirement, practitioner: User, changes: dict[str, Any], field: str
) -> None:
    body = {key: value for key, value in {**ASSESSMENT, **changes}.items() if value is not None}
    with nothing_saved():
        response = api_as(practitioner).post(f"/people/{case.person.crn}/assessments", body)
    assert response.status_code == 422, response.content
    assert fields(response) == [field]


def test_a_womans_preference_is_needed(api_as: Api, make_case: Callable[..., Requirement], practitioner: User) -> None:
    woman = make_case(practitioner=practitioner, first_name="Alice", sex="female")
    client = api_as(practitioner)
    with nothing_saved():
        missing = submit(client, woman)
    assert (missing.status_code, fields(missing)) == (400, ["placement_preference"])
    response = submit(client, woman, placement_preference="women_only")
    assert response.status_code == 201
    assert response.json()["placement_preference"] == "women_only"


def test_the_assessment_shows_non_associations_both_ways(
    api_as: Api, make_case: Callable[..., Requirement], case: Requirement, practitioner: User
) -> None:
    other = make_case(first_name="Bo", last_name="Jones")
    aservices.non_association_add(actor=practitioner, person=other.person, other=case.person, reason="Co-defendants")
    client = api_as(practitioner)
    submit(client, case)
    submit(client, other)
    mine = client.get(f"/people/{case.person.crn}/assessment").json()["non_associations"]
    theirs = client.get(f"/people/{other.person.crn}/assessment").json()["non_associations"]
    assert [(n["crn"], n["name"], n["reason"]) for n in mine] == [(other.person.crn, "Bo Jones", "Co-defendants")]
    assert [(n["crn"], n["name"]) for n in theirs] == [(case.person.crn, "Alex Smith")]


def test_the_risk_flags_are_listed_with_their_codes(api_as: Api, practitioner: User) -> None:
    flags = api_as(practitioner).get("/risk-flags").json()
    assert {f["code"]: f["label"] for f in flags}["not-near-children"] == "Not near children"
    assert [f["label"] for f in flags] == sorted(f["label"] for f in flags)


# ---------------------------------------------------------------------------------------------
# Placeability


@pytest.mark.today("2026-11-25")  # inside the case's 12-month window
def test_placeability_says_why_not_until_inducted_and_assessed(
    api_as: Api, case: Requirement, practitioner: User
) -> None:
    client = api_as(practitioner)
    url = f"/requirements/{case.pk}/placeability"
    assert client.get(url).json() == {
        "placeable": False,
        "reasons": ["Not inducted yet: record an attended induction", "No completed UPW assessment and risk picture"],
    }
    induct(client, case)
    submit(client, case)
    assert client.get(url).json() == {"placeable": True, "reasons": []}


# ---------------------------------------------------------------------------------------------
# Scope and permissions


def test_another_regions_records_are_404(
    api_as: Api, case: Requirement, practitioner: User, other_region_practitioner: User, spo: User
) -> None:
    client = api_as(practitioner)
    induction = client.post(f"/requirements/{case.pk}/inductions", BOOKING).json()
    assessment = submit(api_as(spo), case, rosh_level="high").json()
    outsider = api_as(other_region_practitioner)
    crn = case.person.crn
    with nothing_saved():
        responses = [
            outsider.get(f"/people/{crn}/assessment"),
            outsider.get(f"/people/{crn}/assessments"),
            outsider.post(f"/people/{crn}/assessments", ASSESSMENT),
            outsider.get(f"/assessments/{assessment['id']}"),
            outsider.get(f"/requirements/{case.pk}/placeability"),
            outsider.get(f"/requirements/{case.pk}/inductions"),
            outsider.post(f"/requirements/{case.pk}/inductions", BOOKING),
            outsider.post(f"/inductions/{induction['id']}/outcome", {"outcome": "rescheduled"}),
        ]
    for response in responses:
        assert response.status_code == 404, response.request
        assert response.json() == {"detail": "Not found"}


def test_another_regions_spo_cannot_countersign(
    api_as: Api, case: Requirement, spo: User, make_user: Callable[..., User], pdu_b: Pdu
) -> None:
    assessment = submit(api_as(spo), case, rosh_level="high").json()
    london_spo = make_user("lena", role=SENIOR_PROBATION_OFFICER, pdu=pdu_b)
    with nothing_saved():
        response = api_as(london_spo).post(f"/assessments/{assessment['id']}/countersignature", {"approve": True})
    assert response.status_code == 404


def test_permissions(
    api_as: Api,
    case: Requirement,
    practitioner: User,
    supervisor: User,
    make_user: Callable[..., User],
    pdu_a: Pdu,
) -> None:
    induction = api_as(practitioner).post(f"/requirements/{case.pk}/inductions", BOOKING).json()
    administrator = api_as(make_user("cai", role=CASE_ADMINISTRATOR, pdu=pdu_a))
    as_supervisor = api_as(supervisor)
    crn = case.person.crn
    with nothing_saved():
        assert as_supervisor.get(f"/people/{crn}/assessment").status_code == 403
        assert as_supervisor.get(f"/requirements/{case.pk}/placeability").status_code == 403
        assert as_supervisor.get("/risk-flags").status_code == 403
        refused = [
            administrator.post(f"/people/{crn}/assessments", ASSESSMENT),
            administrator.post(f"/requirements/{case.pk}/inductions", BOOKING),
            administrator.post(f"/inductions/{induction['id']}/outcome", {"outcome": "rescheduled"}),
        ]
    for response in refused:
        assert response.status_code == 403
        assert response.json() == {"detail": "You do not have permission to record inductions and assessments"}
    # a case administrator may read
    assert administrator.get(f"/requirements/{case.pk}/placeability").status_code == 200
