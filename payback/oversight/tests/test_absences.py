"""Absences: recorded by a senior for their team or themselves, each problem named by its field, and
a 1:1 moved off the days the practitioner or the senior is away."""

import re
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from payback.core.models import AuditEvent
from payback.core.selectors import policy_book
from payback.oversight import selectors
from payback.oversight.models import Absence
from payback.oversight.services import absence_record, supervision_record
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


def errors_of(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def record(actor: User, staff: User | None, first: date, last: date, kind: str = "annual_leave") -> Absence:
    return absence_record(actor=actor, staff=staff, first_day=first, last_day=last, kind=kind)


def next_one_to_one(senior: User, practitioner: User) -> date:
    rows = selectors.oversight_due(senior, today=TODAY, book=policy_book()).practitioners
    return next(row.supervision_due for row in rows if row.practitioner == practitioner)


def test_a_senior_records_a_team_members_leave_once_and_it_is_audited(
    senior: User, practitioner: User, team: Team
) -> None:
    absence = record(senior, practitioner, date(2026, 12, 21), date(2027, 1, 1))
    again = record(senior, practitioner, date(2026, 12, 21), date(2027, 1, 1))
    assert again.pk == absence.pk and Absence.objects.count() == 1
    assert absence.recorded_by == senior and absence.get_kind_display() == "Annual leave"
    event = AuditEvent.objects.get(action="oversight.absence_recorded")
    assert event.summary == "Annual leave for Pat Tester: 21 December 2026 to 1 January 2027"


def test_each_problem_names_its_field(senior: User, practitioner: User, team: Team) -> None:
    errors = errors_of(lambda: record(senior, None, date(2026, 12, 2), date(2026, 12, 1), kind="holiday"))
    assert errors == {
        "staff": ["Select yourself or a member of a team you lead"],
        "kind": ["Select the kind of absence"],
        "last_day": ["The last day must be the same as or after the first day"],
    }
    errors = errors_of(lambda: record(senior, practitioner, date(2026, 1, 1), date(2027, 1, 2)))
    assert errors == {"last_day": ["An absence can be at most 366 days: record a longer one in parts"]}
    assert not Absence.objects.exists()


def test_an_overlapping_absence_is_refused_naming_the_first_day(senior: User, practitioner: User, team: Team) -> None:
    record(senior, practitioner, date(2026, 12, 21), date(2026, 12, 24))
    errors = errors_of(lambda: record(senior, practitioner, date(2026, 12, 24), date(2026, 12, 30), kind="sickness"))
    assert errors == {"first_day": ["Pat Tester is already recorded as away: 21 December 2026 to 24 December 2026"]}


def test_a_senior_records_only_their_own_or_their_teams_absences(
    senior: User, practitioner: User, team: Team, other_practitioner: User, other_senior: User
) -> None:
    assert record(senior, senior, date(2026, 12, 2), date(2026, 12, 2), kind="training").staff == senior
    errors = errors_of(lambda: record(senior, other_practitioner, date(2026, 12, 2), date(2026, 12, 2)))
    assert errors == {"staff": ["Select yourself or a member of a team you lead"]}
    assert list(selectors.absences_for(other_senior)) == []


def test_a_one_to_one_moves_off_the_practitioners_leave_and_the_seniors_training(
    senior: User, practitioner: User, team: Team
) -> None:
    supervision_record(
        actor=senior, practitioner=practitioner, held_on=date(2026, 10, 21), wellbeing_notes="W", development_notes="D"
    )
    assert next_one_to_one(senior, practitioner) == date(2026, 12, 2)
    record(senior, senior, date(2026, 12, 2), date(2026, 12, 2), kind="training")
    assert next_one_to_one(senior, practitioner) == date(2026, 12, 1)
    record(senior, practitioner, date(2026, 11, 23), date(2026, 12, 1))
    assert next_one_to_one(senior, practitioner) == date(2026, 11, 20)


def test_the_absence_pages_record_and_list_an_absence(senior: User, practitioner: User, team: Team) -> None:
    client = client_for(senior)
    page = text_of(client.get("/oversight/absences/new/"))
    assert "Pat Tester" in page and "Sophie Tester" in page
    posted = {
        "staff": practitioner.pk,
        "kind": "sickness",
        **day("first_day", TODAY),
        **day("last_day", date(2026, 11, 17)),
    }
    response = client.post("/oversight/absences/new/", posted)
    assert response.status_code == 200
    assert "The last day must be the same as or after the first day" in text_of(response)
    response = client.post("/oversight/absences/new/", {**posted, **day("last_day", date(2026, 11, 20))})
    assert response.status_code == 302 and response["Location"] == "/oversight/absences/"
    page = text_of(client.get("/oversight/absences/"))
    assert "Pat Tester" in page and "Sickness" in page and "Away today" in page and "20 November 2026" in page


def test_another_teams_member_cannot_be_chosen_on_the_page(senior: User, team: Team, other_practitioner: User) -> None:
    client = client_for(senior)
    assert "Priya" not in text_of(client.get("/oversight/absences/new/"))
    posted = {"staff": other_practitioner.pk, "kind": "sickness", **day("first_day", TODAY), **day("last_day", TODAY)}
    response = client.post("/oversight/absences/new/", posted)
    assert "Select a member of the team from the list" in text_of(response)
    assert not Absence.objects.exists()


def test_an_operations_manager_sees_absences_but_records_none(
    manager: User, senior: User, practitioner: User, team: Team
) -> None:
    record(senior, practitioner, TODAY, TODAY, kind="sickness")
    client = client_for(manager)
    page = text_of(client.get("/oversight/absences/"))
    assert "Pat Tester" in page and "/oversight/absences/new/" not in page
    assert client.get("/oversight/absences/new/").status_code == 403
    assert client_for(practitioner).get("/oversight/absences/").status_code == 403
