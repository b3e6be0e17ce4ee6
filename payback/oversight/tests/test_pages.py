"""The oversight pages: who may open them, what they list, and forms that name the field."""

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from payback.cases.models import Requirement
from payback.oversight.models import ReflectivePractice, SupervisionMeeting, TouchPoint
from payback.staff.models import Team, User

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]
TODAY = date(2026, 11, 18)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def day(prefix: str, value: date) -> dict[str, str]:
    return {f"{prefix}_0": str(value.day), f"{prefix}_1": str(value.month), f"{prefix}_2": str(value.year)}


def test_only_a_senior_probation_officer_may_open_oversight(practitioner: User, senior: User) -> None:
    assert client_for(practitioner).get("/oversight/").status_code == 403
    assert 'href="/oversight/"' not in client_for(practitioner).get("/").content.decode()
    response = client_for(senior).get("/oversight/")
    assert response.status_code == 200
    assert 'href="/oversight/"' in response.content.decode()


def test_the_page_lists_the_team_and_the_cases_due_a_touch_point(
    senior: User, practitioner: User, case: Requirement, other_practitioner: User
) -> None:
    page = text_of(client_for(senior).get("/oversight/"))
    assert "Pat Tester" in page and "Priya" not in page
    # Joined 6 January 2025 with no 1:1: due six weeks later, overdue.
    assert "17 February 2025" in page and "Overdue" in page
    assert "1 observation, 3 case reviews" in page
    # High risk, sentenced 2 November: a touch point is due 30 November.
    assert "Alex Hightower" in page and "30 November 2026" in page
    assert f"/oversight/cases/{case.pk}/touch-point/" in page
    assert f"/oversight/practitioners/{practitioner.pk}/supervision/" in page


def test_recording_a_one_to_one_names_the_missing_field_then_saves(
    senior: User, practitioner: User, team: Team
) -> None:
    client = client_for(senior)
    url = f"/oversight/practitioners/{practitioner.pk}/supervision/"
    response = client.post(url, {**day("held_on", TODAY), "wellbeing_notes": "Well", "development_notes": ""})
    assert response.status_code == 200
    assert "Enter notes on the practitioner&#x27;s development" in text_of(response)
    response = client.post(url, {**day("held_on", TODAY), "wellbeing_notes": "Well", "development_notes": "Training"})
    assert response.status_code == 302 and response["Location"] == "/oversight/"
    assert SupervisionMeeting.objects.get().development_notes == "Training"


def test_recording_a_case_review_offers_the_practitioners_cases(
    senior: User, practitioner: User, case: Requirement
) -> None:
    client = client_for(senior)
    url = f"/oversight/practitioners/{practitioner.pk}/reflective-practice/"
    assert "Alex Smith" not in text_of(client.get(url)) and "Hightower" in text_of(client.get(url))
    response = client.post(url, {**day("held_on", TODAY), "kind": "case_review", "notes": "Risk plan"})
    assert "Select the case reviewed" in text_of(response)
    response = client.post(
        url, {**day("held_on", TODAY), "kind": "case_review", "requirement": case.pk, "notes": "Risk plan"}
    )
    assert response.status_code == 302
    assert ReflectivePractice.objects.get().requirement == case


def test_a_touch_point_is_recorded_from_the_case(senior: User, case: Requirement) -> None:
    client = client_for(senior)
    url = f"/oversight/cases/{case.pk}/touch-point/"
    page = text_of(client.get(url))
    assert "risk of serious harm: high" in page
    response = client.post(url, {**day("held_on", TODAY), "note": "Plan agreed"})
    assert response.status_code == 302
    assert TouchPoint.objects.get().note == "Plan agreed"


def test_another_seniors_practitioner_or_case_is_not_found(
    senior: User, other_senior: User, practitioner: User, case: Requirement
) -> None:
    client = client_for(other_senior)
    assert client.get(f"/oversight/practitioners/{practitioner.pk}/supervision/").status_code == 404
    assert client.get(f"/oversight/practitioners/{practitioner.pk}/reflective-practice/").status_code == 404
    assert client.get(f"/oversight/cases/{case.pk}/touch-point/").status_code == 404
    response = client.post(f"/oversight/cases/{case.pk}/touch-point/", {**day("held_on", TODAY), "note": "Mine"})
    assert response.status_code == 404 and not TouchPoint.objects.exists()


def test_an_operations_manager_sees_every_team_of_their_area_but_records_nothing(
    manager: User, practitioner: User, case: Requirement, other_practitioner: User
) -> None:
    client = client_for(manager)
    page = text_of(client.get("/oversight/"))
    assert "Pat Tester" in page and "Priya Tester" in page and "Alex Hightower" in page
    assert "/supervision/" not in page and "/touch-point/" not in page
    assert client.get(f"/oversight/practitioners/{practitioner.pk}/supervision/").status_code == 403
    assert client.get(f"/oversight/cases/{case.pk}/touch-point/").status_code == 403


def test_the_case_page_offers_a_touch_point_only_to_the_senior_who_leads_the_practitioners_team(
    senior: User, other_senior: User, practitioner: User, case: Requirement
) -> None:
    link = f'href="/oversight/cases/{case.pk}/touch-point/"'
    assert link in client_for(senior).get(f"/cases/{case.pk}/").content.decode()
    assert link not in client_for(other_senior).get(f"/cases/{case.pk}/").content.decode()
    assert link not in client_for(practitioner).get(f"/cases/{case.pk}/").content.decode()
