"""GET /requirements and /requirements/{id}: the caseload with its filters, and one case's
balance, key dates and flags."""

from collections.abc import Callable
from datetime import date

import pytest

from payback.cases.models import CaseStatus, Requirement
from payback.cases.services import ledger_record_ete, requirement_change_status
from payback.staff.models import Pdu, User

from .client import ApiClient, Response

pytestmark = pytest.mark.django_db


def ids(response: Response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.today("2026-11-25")
def test_requirement_detail_has_balance_key_dates_and_flags(
    api_as: Callable[[User | None], ApiClient], case: Requirement, travel: object, practitioner: User
) -> None:
    ledger_record_ete(
        actor=practitioner, requirement=case, minutes=120, occurred_on=date(2026, 4, 1), reason="College course"
    )

    response = api_as(practitioner).get(f"/requirements/{case.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == case.pk
    assert body["status"] == "awaiting_induction"
    assert body["person"]["crn"] == case.person.crn
    assert body["order"] == {
        "order_type": "community_order",
        "sentence_date": "2026-03-02",
        "court": "Newcastle Magistrates' Court",
        "operational_period_end": None,
    }
    assert body["balance"] == {
        "ordered_minutes": 6000,
        "variation_minutes": 0,
        "total_ordered_minutes": 6000,
        "credited": {"work": 0, "travel": 60, "ete": 120, "earned_reduction": 0},
        "credited_minutes": 180,
        "remaining_minutes": 5820,
        "percent_complete": 3,
    }
    assert body["key_dates"] == {
        "induction_due": case.induction_due.isoformat(),
        "assessment_due": case.assessment_due.isoformat(),
        "review_dates": ["2026-09-02", "2026-12-02"],
        "window_end": "2027-03-02",
        "extended_until": None,
        "completion_date": "2027-03-02",
    }
    # 97 hours left and 97 days to go at 6 hours a week: at risk; induction long overdue.
    assert body["flags"] == {"backlog": False, "at_risk": True, "induction": "overdue", "assessment": "overdue"}


@pytest.mark.today("2026-11-25")
def test_caseload_lists_open_cases_in_scope_with_balance(
    api_as: Callable[[User | None], ApiClient],
    make_case: Callable[..., Requirement],
    practitioner: User,
    pdu_b: Pdu,
) -> None:
    mine = make_case(hours=40)
    make_case(pdu=pdu_b)
    closed = make_case()
    requirement_change_status(actor=None, requirement=closed, to_status=CaseStatus.REVOKED, reason="Revoked by court")

    response = api_as(practitioner).get("/requirements")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"] == [
        {
            "id": mine.pk,
            "crn": mine.person.crn,
            "person_name": "Alex Smith",
            "pdu": "NE01",
            "status": "awaiting_induction",
            "ordered_minutes": 2400,
            "remaining_minutes": 2400,
            "completion_date": "2027-03-02",
            "flags": {"backlog": False, "at_risk": False, "induction": "overdue", "assessment": "overdue"},
        }
    ]
    assert ids(api_as(practitioner).get("/requirements", status="revoked")) == [closed.pk]


@pytest.mark.today("2026-11-25")
def test_caseload_filters_by_pdu_and_flag(
    api_as: Callable[[User | None], ApiClient],
    make_case: Callable[..., Requirement],
    practitioner: User,
    pdu_a: Pdu,
    pdu_a2: Pdu,
    make_user: Callable[..., User],
) -> None:
    backlog = make_case(sentence_date=date(2025, 6, 2))  # window ended 2 June 2026 with every hour owed
    recent = make_case(sentence_date=date(2026, 11, 23), hours=40)
    other_pdu = make_case(pdu=pdu_a2, sentence_date=date(2026, 11, 23), hours=40)
    regional = make_user("rae", scope="region", region=pdu_a.region)
    client = api_as(regional)

    assert set(ids(client.get("/requirements"))) == {backlog.pk, recent.pk, other_pdu.pk}
    assert set(ids(client.get("/requirements", pdu=pdu_a2.pk))) == {other_pdu.pk}
    assert ids(client.get("/requirements", flag="backlog")) == [backlog.pk]
    assert set(ids(client.get("/requirements", flag="due_soon"))) == {recent.pk, other_pdu.pk}
    assert ids(client.get("/requirements", flag="overdue")) == [backlog.pk]
    backlog_item = client.get("/requirements", flag="backlog").json()["items"][0]
    assert backlog_item["flags"]["backlog"] is True
    assert backlog_item["completion_date"] == "2026-06-02"


def test_caseload_is_paginated(
    api_as: Callable[[User | None], ApiClient], make_case: Callable[..., Requirement], practitioner: User
) -> None:
    made = [make_case() for _ in range(3)]
    client = api_as(practitioner)
    first, second = client.get("/requirements", page_size=2).json(), client.get("/requirements", page_size=2, page=2)
    assert first["count"] == 3
    assert sorted([item["id"] for item in first["items"]] + ids(second)) == sorted(r.pk for r in made)


def test_a_bad_filter_names_the_field(api_as: Callable[[User | None], ApiClient], practitioner: User) -> None:
    client = api_as(practitioner)
    for params, field in [({"status": "asleep"}, "status"), ({"flag": "late"}, "flag"), ({"pdu": "x"}, "pdu")]:
        response = client.get("/requirements", **params)
        assert response.status_code == 422, params
        assert [e["field"] for e in response.json()["errors"]] == [field]


def test_another_regions_requirement_is_404(
    api_as: Callable[[User | None], ApiClient], case: Requirement, other_region_practitioner: User
) -> None:
    client = api_as(other_region_practitioner)
    for path in (f"/requirements/{case.pk}", f"/requirements/{case.pk}/ledger"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found"}
    assert client.get("/requirements").json()["count"] == 0


def test_an_unknown_or_huge_id_is_404(api_as: Callable[[User | None], ApiClient], practitioner: User) -> None:
    client = api_as(practitioner)
    assert client.get("/requirements/999999").status_code == 404
    assert client.get(f"/requirements/{10**30}").status_code == 404
    assert client.get(f"/ledger-entries/{-(10**30)}").status_code == 404
    assert client.get("/requirements", pdu=10**30).json()["count"] == 0


def test_a_supervisor_may_not_read_requirements(
    api_as: Callable[[User | None], ApiClient], case: Requirement, supervisor: User
) -> None:
    client = api_as(supervisor)
    for path in ("/requirements", f"/requirements/{case.pk}", f"/requirements/{case.pk}/ledger"):
        assert client.get(path).status_code == 403, path
