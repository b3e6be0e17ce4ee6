"""A senior probation officer's home page: assessments to countersign, consultations to answer,
the area's overdue decisions, 1:1s and touch points due, most urgent first; London's not counted;
and the menu's counts with words for screen readers."""

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from payback.cases.services import sbar_raise
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.staff.services import team_create, team_member_add
from payback.testing.builders import assess, induct, make_staff, new_case

from .builders import fail_on, joined, person
from .conftest import client_for, item_of, text_of, work_order
from .test_practitioner import queries_for

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]


def team_since(senior: User, practitioner: User, day: date) -> None:
    """The senior leads a team the practitioner joined on `day`."""
    joined(practitioner, day)
    with time_machine.travel(datetime.combine(day, time(9), tzinfo=ZoneInfo("Europe/London")), tick=False):
        team = team_create(actor=senior, name=f"{senior.first_name}'s team", pdu=senior.pdu, lead=senior)
        team_member_add(actor=senior, team=team, practitioner=practitioner)


def assessed(practitioner: User, last_name: str, rosh: str, *, sentenced: date = date(2026, 9, 1)) -> Any:
    case = new_case(practitioner, sentence_date=sentenced, last_name=last_name)
    induct(practitioner, case)
    return assess(practitioner, case, rosh=rosh), case


def consult(practitioner: User, case: Any) -> Any:
    parts = {"situation": "Missed two sessions", "background": "Was doing well", "assessment": "Caring duties"}
    return sbar_raise(actor=practitioner, requirement=case, recommendation="Saturdays", **parts)


@pytest.fixture
def oversight(
    senior: User, practitioner: User, coordinator: User, supervisor: User, project: Project, pdu_b: Pdu
) -> dict[str, Any]:
    """Sophie leads Pat's team since January (a 1:1 long overdue); Pat submitted a high-risk
    assessment, raised a consultation, has a decision overdue since Monday and a medium-risk case
    due a touch point eight weeks after its sentence on 21 September (16 November). London has the same."""
    team_since(senior, practitioner, date(2025, 1, 6))
    high, _ = assessed(practitioner, "Hightower", "high")
    _, medium = assessed(practitioner, "Medina", "medium", sentenced=date(2026, 9, 21))
    consultation = consult(practitioner, person(practitioner, "Asker"))
    failure = fail_on(
        date(2026, 11, 9), person(practitioner, "Ashby"), project, planner=coordinator, supervisor=supervisor
    )
    london_senior = make_staff("lola", role=SENIOR_PROBATION_OFFICER, pdu=pdu_b)
    lou = make_staff("lou", pdu=pdu_b)
    team_since(london_senior, lou, date(2025, 1, 6))
    assessed(lou, "Londoner", "high")
    consult(lou, new_case(lou, last_name="Thames"))
    return {"high": high, "medium": medium, "consultation": consultation, "failure": failure}


def test_the_seniors_work_is_listed_most_urgent_first(
    senior: User, practitioner: User, oversight: dict[str, Any]
) -> None:
    page = text_of(client_for(senior).get("/"))
    # The 1:1 was due six weeks after 6 January 2025; the touch point on 16 November; the
    # decision's evidence on 16 November too (by name after); then the assessment and consultation
    # waiting since today.
    assert work_order(page) == ["one_to_ones", "overdue", "touch_points", "countersign", "consultations"]
    one_to_ones = item_of(page, "one_to_ones")
    assert f'href="/oversight/practitioners/{practitioner.pk}/supervision/"' in one_to_ones
    assert "Pat Tester" in one_to_ones and "Due 17 February 2025" in one_to_ones

    overdue = item_of(page, "overdue")
    assert 'href="/enforcement/overdue-decisions/"' in overdue and "1 decision" in overdue
    assert f'href="/enforcement/failures/A{oversight["failure"].pk}/"' in overdue

    touch = item_of(page, "touch_points")
    assert f'href="/oversight/cases/{oversight["medium"].pk}/touch-point/"' in touch
    assert "Alex Medina: medium risk" in touch and "Due 16 November 2026" in touch

    countersign = item_of(page, "countersign")
    assert 'href="/cases/countersign/"' in countersign and "1 assessment" in countersign
    assert f'href="/cases/countersign/{oversight["high"].pk}/"' in countersign and "Hightower" in countersign
    assert "Londoner" not in page

    consultations = item_of(page, "consultations")
    assert 'href="/cases/consultations/"' in consultations and "1 consultation" in consultations
    assert f'href="/cases/{oversight["consultation"].requirement_id}/consultations/answer/"' in consultations
    assert "Thames" not in page


def test_the_menu_counts_what_waits_for_the_senior(senior: User, oversight: dict[str, Any]) -> None:
    page = text_of(client_for(senior).get("/cases/"))
    for name, spoken in (
        ("To countersign", "1 to countersign"),
        ("Consultations", "1 to answer"),
        ("Overdue decisions", "1 overdue"),
    ):
        assert f'>{name}</a><span class="moj-notification-badge" data-testid="badge">' in page, name
        assert f'<span class="govuk-visually-hidden">({spoken})</span>' in page, name
    # The senior's own caseload has nothing to decide: no badge beside To decide.
    assert '>To decide</a><span class="moj-notification-badge"' not in page


def test_the_menu_keeps_its_counts_for_a_minute_and_the_home_page_counts_afresh(
    senior: User, practitioner: User, oversight: dict[str, Any]
) -> None:
    client = client_for(senior)
    assert "(1 to answer)" in text_of(client.get("/cases/"))
    consult(practitioner, person(practitioner, "Second"))
    assert "(1 to answer)" in text_of(client.get("/cases/"))  # kept
    assert "(2 to answer)" in text_of(client.get("/"))  # the home page counts again
    assert "(2 to answer)" in text_of(client.get("/cases/"))


def test_a_senior_with_nothing_waiting_is_told_so(senior: User) -> None:
    page = text_of(client_for(senior).get("/"))
    assert work_order(page) == [] and "Nothing needs you today." in page
    assert "Nothing to do for 5 other kinds of work" in page
    assert 'class="moj-notification-badge"' not in page


def test_the_seniors_page_reads_no_more_for_more_work(
    senior: User, practitioner: User, coordinator: User, supervisor: User, project: Project
) -> None:
    team_since(senior, practitioner, date(2025, 1, 6))

    def more(index: int, day: date) -> None:
        assessed(practitioner, f"High{index}", "high")
        assessed(practitioner, f"Medium{index}", "medium", sentenced=date(2026, 9, 21))
        consult(practitioner, person(practitioner, f"Asker{index}"))
        fail_on(day, person(practitioner, f"Failed{index}"), project, planner=coordinator, supervisor=supervisor)

    more(0, date(2026, 11, 9))
    one = queries_for(senior)
    for index, day in enumerate((date(2026, 11, 11), date(2026, 11, 4), date(2026, 11, 2), date(2026, 10, 28)), 1):
        more(index, day)
    assert queries_for(senior) == one
