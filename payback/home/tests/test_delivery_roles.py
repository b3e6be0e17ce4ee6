"""The home pages of those who run sessions and projects: a supervisor's sessions today and
registers not closed; a placement coordinator's nominations, people not placed and projects
needing review; an operations manager's incident paperwork, quality assurance and the week's
stand-downs. Each most urgent first, linked to where the work is done, London's never counted."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from payback.allocation import services as allocation_services
from payback.allocation.models import AllocationRun
from payback.allocation.selectors import review
from payback.allocation.tests.weeks import small_week
from payback.delivery.models import Session
from payback.delivery.services import incident_report, session_stand_down
from payback.projects.models import Nomination, Project
from payback.projects.services import project_flag_review
from payback.staff.models import Pdu, User
from payback.testing.builders import frozen_today, make_staff, nominate, plan_session

from .builders import joined
from .conftest import client_for, item_of, text_of, work_order
from .test_practitioner import queries_for

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]
LONDON = ZoneInfo("Europe/London")


def planned(planner: User, project: Project, day: date, supervisor: User) -> Session:
    with frozen_today(min(day, date(2026, 11, 18))):
        return plan_session(planner, project, day, supervisor=supervisor)


# ---------------------------------------------------------------------------------------------
# A supervisor


def test_a_supervisor_sees_registers_left_open_before_todays_sessions(
    supervisor: User, coordinator: User, project: Project, pdu_a: Pdu, london: dict[str, User], london_project: Project
) -> None:
    today = planned(coordinator, project, date(2026, 11, 18), supervisor)
    left_open = planned(coordinator, project, date(2026, 11, 16), supervisor)
    someone_else = make_staff("sid", role="Supervisor", pdu=pdu_a)
    planned(coordinator, project, date(2026, 11, 11), someone_else)
    planned(london["coordinator"], london_project, date(2026, 11, 16), london["supervisor"])

    page = text_of(client_for(supervisor).get("/"))
    assert work_order(page) == ["registers", "sessions_today"]
    registers = item_of(page, "registers")
    assert f'href="/sessions/{left_open.pk}/register/"' in registers and "1 register" in registers
    assert "Session on 16 November 2026" in registers and "1 overdue" in registers
    sessions = item_of(page, "sessions_today")
    assert 'href="/sessions/today/"' in sessions and "Due today" in sessions
    assert f'href="/sessions/{today.pk}/"' in sessions and "Towpath clearance, 09:00" in sessions

    london_page = text_of(client_for(london["supervisor"]).get("/"))
    assert work_order(london_page) == ["registers"] and "Thames foreshore" in london_page


def test_a_supervisor_with_no_sessions_is_told_so(supervisor: User) -> None:
    page = text_of(client_for(supervisor).get("/"))
    assert "Nothing needs you today." in page and "Nothing to do for 2 other kinds of work" in page


def test_the_supervisors_page_reads_no_more_for_more_sessions(
    supervisor: User, coordinator: User, project: Project
) -> None:
    planned(coordinator, project, date(2026, 11, 18), supervisor)
    planned(coordinator, project, date(2026, 11, 16), supervisor)
    one = queries_for(supervisor)
    for day in (date(2026, 11, 2), date(2026, 11, 4), date(2026, 11, 9), date(2026, 11, 11)):
        planned(coordinator, project, day, supervisor)
    assert queries_for(supervisor) == one


# ---------------------------------------------------------------------------------------------
# A placement coordinator


def nominated(pdu: Pdu, on: date, place: str) -> Nomination:
    with frozen_today(on):
        return nominate(pdu, location=place)


def test_a_coordinator_sees_nominations_to_acknowledge_and_projects_to_review(
    coordinator: User, project: Project, pdu_a: Pdu, pdu_b: Pdu, london: dict[str, User], london_project: Project
) -> None:
    late = nominated(pdu_a, date(2026, 11, 2), "Churchyard")
    fresh = nominated(pdu_a, date(2026, 11, 18), "Allotments")
    nominated(pdu_b, date(2026, 11, 2), "Thames path")
    project_flag_review(actor=coordinator, project=project, reason="A near miss with a strimmer")
    project_flag_review(actor=london["coordinator"], project=london_project, reason="A fall")

    page = text_of(client_for(coordinator).get("/"))
    assert work_order(page) == ["nominations", "project_reviews"]
    nominations = item_of(page, "nominations")
    assert 'href="/projects/nominations/?status=new&amp;overdue=yes"' in nominations
    assert "2 nominations, 1 overdue" in nominations
    assert f'href="/projects/nominations/{late.pk}/"' in nominations and late.reference in nominations
    assert f"Acknowledge by {late.acknowledge_by.day} {late.acknowledge_by:%B %Y}" in nominations
    assert fresh.reference in nominations and "Thames" not in page
    reviews = item_of(page, "project_reviews")
    assert 'href="/projects/?review_needed=yes"' in reviews and "1 project" in reviews
    assert f'href="/projects/{project.pk}/"' in reviews and "Thames foreshore" not in page
    # People not placed: no plan made yet for this week or the next.
    assert 'href="/allocation/">People not placed</a>: none' in page
    assert '<span class="govuk-visually-hidden">(2 new)</span>' in page


def test_a_coordinator_sees_who_the_weeks_plan_did_not_place(pdu_a: Pdu) -> None:
    week = small_week(pdu_a)
    run = allocation_services.allocation_run_start(
        actor=week.coordinator, pdu=week.pdu, week_start=week.monday, time_limit=5
    )
    run = AllocationRun.objects.get(pk=run.pk)
    left_out = [row for row in review(run).people if not row.sessions]
    assert left_out, "the plan places everyone: the page would have nothing to show"

    page = text_of(client_for(week.coordinator).get("/"))
    item = item_of(page, "not_placed")
    assert f'href="/allocation/runs/{run.pk}/"' in item
    noun = "person" if len(left_out) == 1 else "people"
    assert f"{len(left_out)} {noun}" in item and f"{left_out[0].name} ({left_out[0].crn})" in item
    assert f"Week of {week.monday.day} {week.monday:%B %Y}" in item


# ---------------------------------------------------------------------------------------------
# An operations manager


def reported(supervisor: User, project: Project, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        incident_report(
            actor=supervisor,
            project=project,
            occurred_at=at,
            location="Towpath",
            what_happened="A strimmer kicked back",
        )


def test_an_operations_manager_sees_quality_assurance_and_incidents_before_the_weeks_stand_downs(
    manager: User,
    coordinator: User,
    supervisor: User,
    project: Project,
    london: dict[str, User],
    london_project: Project,
) -> None:
    joined(supervisor, date(2026, 3, 2))  # an observation due on 2 September
    joined(coordinator, date(2026, 10, 1))  # new: reflective supervision due on 12 November
    joined(london["supervisor"], date(2026, 1, 5))
    reported(supervisor, project, datetime(2026, 11, 16, 10, tzinfo=LONDON))  # paperwork due 17 November
    reported(supervisor, project, datetime(2026, 11, 18, 9, tzinfo=LONDON))  # paperwork due tomorrow
    reported(london["supervisor"], london_project, datetime(2026, 11, 16, 10, tzinfo=LONDON))
    thursday = planned(coordinator, project, date(2026, 11, 19), supervisor)
    session_stand_down(actor=manager, session=thursday, reason="weather")
    london_session = planned(london["coordinator"], london_project, date(2026, 11, 19), london["supervisor"])
    session_stand_down(actor=london["manager"], session=london_session, reason="weather")

    page = text_of(client_for(manager).get("/"))
    assert work_order(page) == ["observations", "quality", "incidents", "stand_downs"]
    observations = item_of(page, "observations")
    assert f'href="/quality/supervisors/{supervisor.pk}/observation/"' in observations
    assert "1 supervisor" in observations and "Due 2 September 2026" in observations
    quality = item_of(page, "quality")
    assert f'href="/quality/staff/{coordinator.pk}/reflective-supervision/"' in quality
    assert "Due 12 November 2026" in quality
    incidents = item_of(page, "incidents")
    assert 'href="/sessions/incidents/"' in incidents and "2 incidents, 1 overdue" in incidents
    assert "Paperwork due 17 November 2026" in incidents and "Paperwork due 19 November 2026" in incidents
    stand_downs = item_of(page, "stand_downs")
    assert "1 session" in stand_downs and "For information" in stand_downs
    assert 'href="/sessions/stand-downs/?start_0=16&amp;start_1=11&amp;start_2=2026&amp;end_0=22' in stand_downs


def test_the_managers_page_reads_no_more_for_more_incidents(manager: User, supervisor: User, project: Project) -> None:
    reported(supervisor, project, datetime(2026, 11, 16, 10, tzinfo=LONDON))
    one = queries_for(manager)
    for day in (10, 11, 12, 13):
        reported(supervisor, project, datetime(2026, 11, day, 10, tzinfo=LONDON))
    assert queries_for(manager) == one


def test_only_the_most_urgent_few_are_listed_with_how_many_more(coordinator: User, pdu_a: Pdu) -> None:
    for day, place in ((3, "Park"), (4, "Beck"), (5, "Green"), (16, "Lane")):
        nominated(pdu_a, date(2026, 11, day), place)
    item = item_of(text_of(client_for(coordinator).get("/")), "nominations")
    assert "4 nominations" in item and item.count("/projects/nominations/") == 5  # the list, three, "1 more"
    assert '>1 more<span class="govuk-visually-hidden">: nominations to acknowledge</span></a>' in item
