"""Case pages: scope (404 outside the user's area), permissions, and forms that name each bad
field and save nothing half-done."""

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from payback.cases.models import LedgerEntry, Order, Person, Requirement
from payback.cases.services import ledger_record_travel
from payback.core.models import AuditEvent
from payback.staff.models import User

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def case_urls(requirement: Requirement, entry: LedgerEntry | None = None) -> list[str]:
    urls = [
        f"/cases/{requirement.pk}/",
        f"/cases/{requirement.pk}/hours/",
        f"/cases/{requirement.pk}/order/",
        f"/cases/{requirement.pk}/history/",
        f"/cases/{requirement.pk}/adjustments/new/",
        f"/cases/{requirement.pk}/status/",
    ]
    if entry is not None:
        urls.append(f"/cases/{requirement.pk}/hours/{entry.pk}/correct/")
    return urls


def test_every_case_page_answers_404_to_another_region(
    make_case: Callable[..., Requirement], practitioner: User, other_region_practitioner: User
) -> None:
    requirement = make_case(practitioner=practitioner)
    entry = ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=60, occurred_on=date(2026, 3, 9), reason="Bus"
    )
    own, other = client_for(practitioner), client_for(other_region_practitioner)
    for url in case_urls(requirement, entry):
        assert own.get(url).status_code == 200, url
        response = other.get(url)
        assert response.status_code == 404, url
        assert b"Page not found" in response.content
    # and a POST from another region changes nothing
    before = LedgerEntry.objects.count()
    response = other.post(f"/cases/{requirement.pk}/hours/{entry.pk}/correct/", {"reason": "Not mine"})
    assert response.status_code == 404
    assert LedgerEntry.objects.count() == before


def test_caseload_lists_only_cases_in_scope(
    make_case: Callable[..., Requirement], practitioner: User, other_region_practitioner: User, pdu_b: object
) -> None:
    make_case(last_name="Northern")
    make_case(last_name="Southern", pdu=pdu_b)
    # A practitioner sees their own cases by default: ask for everyone's in the area.
    north = client_for(practitioner).get("/cases/?mine=everyone").content.decode()
    south = client_for(other_region_practitioner).get("/cases/?mine=everyone").content.decode()
    assert "Northern" in north and "Southern" not in north
    assert "Southern" in south and "Northern" not in south


def test_ledger_entry_of_one_case_cannot_be_corrected_through_another(
    make_case: Callable[..., Requirement], practitioner: User
) -> None:
    first, second = make_case(), make_case()
    entry = ledger_record_travel(
        actor=practitioner, requirement=first, minutes=60, occurred_on=date(2026, 3, 9), reason="Bus"
    )
    response = client_for(practitioner).get(f"/cases/{second.pk}/hours/{entry.pk}/correct/")
    assert response.status_code == 404


def test_supervisor_cannot_open_the_caseload(supervisor: User, make_case: Callable[..., Requirement]) -> None:
    requirement = make_case()
    client = client_for(supervisor)
    assert client.get("/cases/").status_code == 403
    assert client.get(f"/cases/{requirement.pk}/").status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in() -> None:
    response = Client().get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_create_case_form_names_each_bad_field_and_saves_nothing(practitioner: User, pdu_a: object) -> None:
    people, orders = Person.objects.count(), Order.objects.count()
    response = client_for(practitioner).post(
        "/cases/new/",
        {
            "crn": "12345",
            "first_name": "",
            "last_name": "Jones",
            "date_of_birth_0": "31",
            "date_of_birth_1": "2",
            "date_of_birth_2": "1990",
            "sex": "female",
            "pdu": str(getattr(pdu_a, "pk")),  # noqa: B009
            "order_type": "community_order",
            "sentence_date_0": "2",
            "sentence_date_1": "3",
            "sentence_date_2": "2026",
            "court": "Newcastle Magistrates' Court",
            "hours": "301",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_first_name"' in page
    assert "The date of birth must be a real date" in page
    assert "Error: Create" not in page
    assert response.context["form"].errors.keys() >= {"first_name", "date_of_birth"}
    assert 'value="Jones"' in page  # what was typed is kept
    assert Person.objects.count() == people and Order.objects.count() == orders


def test_create_case_refuses_a_youth_rehabilitation_order(practitioner: User) -> None:
    response = client_for(practitioner).post("/cases/new/", {"order_type": "youth_rehabilitation_order"})
    assert "Youth Rehabilitation Orders are managed by youth justice services" in response.content.decode()
    assert Person.objects.count() == 0


def test_service_errors_land_on_their_field(practitioner: User, pdu_a: object) -> None:
    data = {
        "crn": "X765432",
        "first_name": "Sam",
        "last_name": "Jones",
        "date_of_birth_0": "1",
        "date_of_birth_1": "1",
        "date_of_birth_2": "1990",
        "sex": "male",
        "pdu": str(getattr(pdu_a, "pk")),  # noqa: B009
        "order_type": "community_order",
        "sentence_date_0": "2",
        "sentence_date_1": "3",
        "sentence_date_2": "2026",
        "court": "Newcastle Magistrates' Court",
        "hours": "301",
    }
    response = client_for(practitioner).post("/cases/new/", data)
    assert response.context["form"].errors["hours"] == ["Hours ordered must be between 40 and 300"]
    data["hours"] = "120"
    response = client_for(practitioner).post("/cases/new/", data)
    assert response.status_code == 302
    requirement = Requirement.objects.get(person__crn="X765432")
    assert response["Location"] == f"/cases/{requirement.pk}/"
    assert requirement.ordered_minutes == 120 * 60
    assert AuditEvent.objects.filter(subject=f"person:{requirement.person_id}", channel="web").exists()


def test_travel_adjustment_over_the_cap_is_refused_on_the_minutes_field(
    make_case: Callable[..., Requirement], practitioner: User
) -> None:
    requirement = make_case()
    response = client_for(practitioner).post(
        f"/cases/{requirement.pk}/adjustments/new/",
        {
            "kind": "travel",
            "minutes": "181",
            "occurred_on_0": "9",
            "occurred_on_1": "3",
            "occurred_on_2": "2026",
            "reason": "Two buses",
            "idempotency_key": "form-key-1",
        },
    )
    assert "at most 3 hours" in " ".join(response.context["form"].errors["minutes"])
    assert not LedgerEntry.objects.filter(requirement=requirement).exists()


def test_status_change_is_recorded(make_case: Callable[..., Requirement], practitioner: User) -> None:
    requirement = make_case()
    response = client_for(practitioner).post(
        f"/cases/{requirement.pk}/status/", {"to_status": "paused", "reason": "In hospital"}
    )
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert requirement.status == "paused"
    assert requirement.status_changes.last().reason == "In hospital"  # type: ignore[union-attr]
