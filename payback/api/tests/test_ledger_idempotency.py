"""Every API request that moves minutes carries an idempotency key: a retry gets the first answer
and records nothing more, the same key with a different body is 409, and ten identical requests
sent at once make one entry."""

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from payback.api.api import api
from payback.cases.models import LedgerEntry, LedgerRequest, Requirement
from payback.core.models import AuditEvent
from payback.staff.models import User

from .client import API, ApiClient, token_for

pytestmark = pytest.mark.today("2026-11-25")

TRAVEL = {"kind": "travel", "minutes": 90, "occurred_on": "2026-03-10", "reason": "Two buses each way"}
ADJUSTMENTS = "/requirements/{}/adjustments"
THREAD_TIMEOUT = 30


def post_with_header(token: str, path: str, body: dict[str, Any], key: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return Client().post(f"{API}{path}", json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.django_db
def test_an_adjustment_without_a_key_is_refused_naming_it(
    api_as: Callable[[User | None], ApiClient], case: Requirement, practitioner: User
) -> None:
    response = api_as(practitioner).post(ADJUSTMENTS.format(case.pk), TRAVEL)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["idempotency_key"]
    assert not LedgerEntry.objects.filter(requirement=case).exists()


@pytest.mark.django_db
def test_a_retried_adjustment_gets_the_first_answer_and_records_once(case: Requirement, practitioner: User) -> None:
    token = token_for(practitioner)
    path = ADJUSTMENTS.format(case.pk)
    first = post_with_header(token, path, TRAVEL, "retry-1")
    events = AuditEvent.objects.count()
    again = post_with_header(token, path, TRAVEL, "retry-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert first.get("Idempotent-Replayed") is None
    assert LedgerEntry.objects.filter(requirement=case).count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_the_key_may_be_in_the_body_and_must_match_the_header(case: Requirement, practitioner: User) -> None:
    token = token_for(practitioner)
    path = ADJUSTMENTS.format(case.pk)
    in_body = post_with_header(token, path, {**TRAVEL, "idempotency_key": "body-1"}, None)
    assert in_body.status_code == 201
    assert post_with_header(token, path, TRAVEL, "body-1").json() == in_body.json()
    differ = post_with_header(token, path, {**TRAVEL, "idempotency_key": "a"}, "b")
    assert differ.status_code == 400
    assert [e["field"] for e in differ.json()["errors"]] == ["idempotency_key"]
    assert LedgerEntry.objects.filter(requirement=case).count() == 1


@pytest.mark.django_db
def test_the_same_key_with_a_different_body_is_409(case: Requirement, practitioner: User) -> None:
    token = token_for(practitioner)
    path = ADJUSTMENTS.format(case.pk)
    assert post_with_header(token, path, TRAVEL, "k-409").status_code == 201
    other = post_with_header(token, path, {**TRAVEL, "minutes": 60}, "k-409")
    assert other.status_code == 409
    assert [e["field"] for e in other.json()["errors"]] == ["idempotency_key"]
    assert LedgerEntry.objects.filter(requirement=case).count() == 1


@pytest.mark.django_db
def test_a_retried_correction_gets_the_same_reversal(
    case: Requirement, travel: LedgerEntry, practitioner: User
) -> None:
    token = token_for(practitioner)
    path = f"/ledger-entries/{travel.pk}/corrections"
    first = post_with_header(token, path, {"reason": "Entered twice"}, "fix-1")
    again = post_with_header(token, path, {"reason": "Entered twice"}, "fix-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert post_with_header(token, path, {"reason": "Other"}, "fix-1").status_code == 409
    missing = post_with_header(token, path, {"reason": "Entered twice"}, None)
    assert [e["field"] for e in missing.json()["errors"]] == ["idempotency_key"]
    assert LedgerEntry.objects.filter(reverses=travel).count() == 1


@pytest.mark.django_db
def test_a_capped_adjustment_says_so(case: Requirement, practitioner: User) -> None:
    token = token_for(practitioner)
    owed = 6000
    ledger_path = ADJUSTMENTS.format(case.pk)
    for day, key in ((9, "a"), (10, "b")):
        body = {**TRAVEL, "kind": "ete", "minutes": 900, "occurred_on": f"2026-03-{day:02d}", "reason": "Course"}
        assert post_with_header(token, ledger_path, body, key).status_code == 201
    owed -= 1800
    from payback.cases.services import ledger_credit_work

    ledger_credit_work(
        actor=practitioner, requirement=case, minutes=owed - 30, occurred_on=case.sentence_date, source="s"
    )
    response = post_with_header(token, ledger_path, TRAVEL, "c")
    assert response.status_code == 201
    body = response.json()
    assert (body["minutes"], body["requested_minutes"]) == (30, 90)
    assert body["note"] == "capped at the 30 minutes owed, of the 1 hour 30 minutes: that completes the order"


@pytest.mark.django_db
def test_the_openapi_document_names_the_idempotency_key_and_the_409(db: object) -> None:
    document = api.get_openapi_schema()
    for path in ("/api/v1/requirements/{id}/adjustments", "/api/v1/ledger-entries/{id}/corrections"):
        operation = document["paths"][path]["post"]
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [h["name"] for h in headers] == ["Idempotency-Key"]
        assert "idempotency key" in headers[0]["description"].lower()
        assert "409" in operation["responses"]
        assert "Idempotency-Key" in operation["description"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_identical_adjustments_sent_at_once_make_one_entry(
    make_case: Callable[..., Requirement], practitioner: User
) -> None:
    case = make_case(practitioner=practitioner)
    token = token_for(practitioner)
    path = ADJUSTMENTS.format(case.pk)
    start = threading.Barrier(10, timeout=THREAD_TIMEOUT)
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            start.wait()
            response = post_with_header(token, path, TRAVEL, "same-key-for-all")
            with lock:
                answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a request never finished: deadlock?"

    assert len(answers) == 10
    assert {status for status, _ in answers} == {201}
    assert len({json.dumps(body, sort_keys=True) for _, body in answers}) == 1
    assert LedgerEntry.objects.filter(requirement=case).count() == 1
    assert LedgerRequest.objects.filter(key="same-key-for-all").count() == 1
    case.refresh_from_db()
    assert case.credited_minutes == 90
