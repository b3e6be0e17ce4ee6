"""The hours ledger: reading it, recording travel and ETE adjustments, correcting an entry.
Bad input names the field; nothing is half-saved."""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from payback.cases.models import LedgerEntry, Requirement
from payback.core.models import AuditEvent
from payback.staff.models import User
from payback.staff.roles import CASE_ADMINISTRATOR

from .client import ApiClient, Response

pytestmark = pytest.mark.django_db

TRAVEL = {"kind": "travel", "minutes": 90, "occurred_on": "2026-03-10", "reason": "Two buses each way"}


@contextmanager
def nothing_saved() -> Iterator[None]:
    entries, events = LedgerEntry.objects.count(), AuditEvent.objects.count()
    yield
    assert LedgerEntry.objects.count() == entries
    assert AuditEvent.objects.count() == events


def keyed(body: dict[str, Any]) -> dict[str, Any]:
    """The body with a new idempotency key, as a client sends each new request."""
    return {**body, "idempotency_key": uuid.uuid4().hex}


def fields(response: Response) -> list[str | None]:
    return [error["field"] for error in response.json()["errors"]]


def test_recording_a_travel_adjustment(
    api_as: Callable[[User | None], ApiClient], case: Requirement, practitioner: User
) -> None:
    response = api_as(practitioner).post(f"/requirements/{case.pk}/adjustments", keyed(TRAVEL))

    assert response.status_code == 201, response.content
    body = response.json()
    entry = LedgerEntry.objects.get(pk=body["id"])
    assert entry.kind == "travel" and entry.minutes == 90 and entry.created_by == practitioner
    assert body == {
        "id": entry.pk,
        "requirement": case.pk,
        "kind": "travel",
        "minutes": 90,
        "occurred_on": "2026-03-10",
        "reason": "Two buses each way",
        "source": "adjustment",
        "reverses": None,
        "reversed_by": None,
        "created_at": body["created_at"],
        "created_by": "Pat Tester",
        "requested_minutes": 90,
        "note": "",
    }
    assert body["created_at"].startswith(entry.created_at.date().isoformat())


def test_recording_ete(api_as: Callable[[User | None], ApiClient], case: Requirement, practitioner: User) -> None:
    body = {**TRAVEL, "kind": "ete", "minutes": 600, "reason": "Forklift licence course"}
    response = api_as(practitioner).post(f"/requirements/{case.pk}/adjustments", keyed(body))
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "ete"
    assert response.json()["source"] == "ete"


def test_too_many_travel_minutes_is_400_naming_minutes(
    api_as: Callable[[User | None], ApiClient], case: Requirement, practitioner: User
) -> None:
    client = api_as(practitioner)
    with nothing_saved():
        response = client.post(f"/requirements/{case.pk}/adjustments", keyed({**TRAVEL, "minutes": 181}))
    assert response.status_code == 400
    assert fields(response) == ["minutes"]
    assert "at most 3 hours" in response.json()["errors"][0]["message"]


def test_every_broken_rule_is_reported(
    api_as: Callable[[User | None], ApiClient], case: Requirement, practitioner: User
) -> None:
    body = {"kind": "ete", "minutes": 0, "occurred_on": "2026-01-01", "reason": "  "}
    client = api_as(practitioner)
    with nothing_saved():
        response = client.post(f"/requirements/{case.pk}/adjustments", keyed(body))
    assert response.status_code == 400
    assert sorted(fields(response)) == ["minutes", "occurred_on", "reason"]  # type: ignore[type-var]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": None}, "reason"),  # missing
        ({"minutes": "ninety"}, "minutes"),
        ({"minutes": 12.5}, "minutes"),
        ({"minutes": "90"}, "minutes"),  # a string is not a whole number
        ({"minutes": True}, "minutes"),
        ({"kind": "court_variation"}, "kind"),
        ({"occurred_on": "10/03/2026"}, "occurred_on"),
        ({"reason": "x" * 501}, "reason"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_input_that_does_not_match_the_schema_is_422_naming_the_field(
    api_as: Callable[[User | None], ApiClient],
    case: Requirement,
    practitioner: User,
    change: dict[str, Any],
    field: str,
) -> None:
    body = {**TRAVEL, **change}
    body = {key: value for key, value in body.items() if value is not None}
    client = api_as(practitioner)
    with nothing_saved():
        response = client.post(f"/requirements/{case.pk}/adjustments", keyed(body))
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert fields(response) == [field]
    assert response.json()["errors"][0]["message"]


def test_a_body_that_is_not_json_is_400_and_a_missing_body_is_422(
    api_as: Callable[[User | None], ApiClient], case: Requirement, practitioner: User
) -> None:
    client = api_as(practitioner)
    with nothing_saved():
        not_json = client.post(f"/requirements/{case.pk}/adjustments", raw="{minutes: 90")
        missing = client.post(f"/requirements/{case.pk}/adjustments")
    assert not_json.status_code == 400
    assert not_json.json() == {"errors": [{"field": None, "message": "Cannot parse request body"}]}
    assert missing.status_code == 422
    assert fields(missing) == ["body"]


def test_the_ledger_lists_entries_with_their_corrections(
    api_as: Callable[[User | None], ApiClient], case: Requirement, travel: LedgerEntry, practitioner: User
) -> None:
    client = api_as(practitioner)
    correction = client.post(f"/ledger-entries/{travel.pk}/corrections", keyed({"reason": "Entered twice"})).json()

    response = client.get(f"/requirements/{case.pk}/ledger")

    assert response.status_code == 200
    entries = response.json()
    assert [(e["id"], e["minutes"], e["reverses"], e["reversed_by"]) for e in entries] == [
        (travel.pk, 60, None, correction["id"]),
        (correction["id"], -60, travel.pk, None),
    ]


def test_one_ledger_entry(api_as: Callable[[User | None], ApiClient], travel: LedgerEntry, practitioner: User) -> None:
    response = api_as(practitioner).get(f"/ledger-entries/{travel.pk}")
    assert response.status_code == 200
    assert response.json()["reason"] == "Bus to the project"
    assert response.json()["reversed_by"] is None


def test_correcting_an_entry_posts_a_reversal(
    api_as: Callable[[User | None], ApiClient], case: Requirement, travel: LedgerEntry, practitioner: User
) -> None:
    client = api_as(practitioner)

    response = client.post(f"/ledger-entries/{travel.pk}/corrections", keyed({"reason": "Wrong person"}))

    assert response.status_code == 201, response.content
    reversal = response.json()
    assert reversal["minutes"] == -60
    assert reversal["kind"] == "travel"
    assert reversal["reverses"] == travel.pk
    assert reversal["source"] == "correction"
    assert client.get(f"/ledger-entries/{travel.pk}").json()["reversed_by"] == reversal["id"]
    assert client.get(f"/requirements/{case.pk}").json()["balance"]["remaining_minutes"] == 6000


def test_a_correction_needs_a_reason_and_an_entry_is_corrected_once(
    api_as: Callable[[User | None], ApiClient], travel: LedgerEntry, practitioner: User
) -> None:
    client = api_as(practitioner)
    url = f"/ledger-entries/{travel.pk}/corrections"
    with nothing_saved():
        missing = client.post(url, keyed({}))
        blank = client.post(url, keyed({"reason": " "}))
    assert (missing.status_code, fields(missing)) == (422, ["reason"])
    assert (blank.status_code, fields(blank)) == (400, ["reason"])

    assert client.post(url, keyed({"reason": "Entered twice"})).status_code == 201
    with nothing_saved():
        again = client.post(url, keyed({"reason": "Entered twice"}))
    assert again.status_code == 400
    assert fields(again) == ["entry"]
    assert again.json()["errors"][0]["message"] == "This entry has already been corrected"


def test_another_region_gets_404_for_entries_and_writes(
    api_as: Callable[[User | None], ApiClient],
    case: Requirement,
    travel: LedgerEntry,
    other_region_practitioner: User,
) -> None:
    client = api_as(other_region_practitioner)
    with nothing_saved():
        responses = [
            client.get(f"/ledger-entries/{travel.pk}"),
            client.post(f"/requirements/{case.pk}/adjustments", keyed(TRAVEL)),
            client.post(f"/ledger-entries/{travel.pk}/corrections", keyed({"reason": "Not mine"})),
        ]
    for response in responses:
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found"}


def test_permissions_for_writing(
    api_as: Callable[[User | None], ApiClient],
    case: Requirement,
    travel: LedgerEntry,
    supervisor: User,
    make_user: Callable[..., User],
    pdu_a: object,
) -> None:
    administrator = make_user("cai", role=CASE_ADMINISTRATOR, pdu=pdu_a)
    as_supervisor, as_administrator = api_as(supervisor), api_as(administrator)
    with nothing_saved():
        by_supervisor = as_supervisor.post(f"/requirements/{case.pk}/adjustments", keyed(TRAVEL))
        correction = as_administrator.post(f"/ledger-entries/{travel.pk}/corrections", keyed({"reason": "Oops"}))
    assert by_supervisor.status_code == 403
    assert by_supervisor.json() == {"detail": "You do not have permission to record adjustments"}
    assert correction.status_code == 403
    assert correction.json() == {"detail": "You do not have permission to correct the hours ledger"}
    # a case administrator may record adjustments
    assert as_administrator.post(f"/requirements/{case.pk}/adjustments", keyed(TRAVEL)).status_code == 201
