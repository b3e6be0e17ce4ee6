"""Learning from incidents (SPEC §9): an investigation that finds a project's risk assessment must be
reviewed raises the project's review with the incident as its reason and keeps it; the learning of
closed incidents is read across the region and recorded as shared at team meetings, once a meeting.
Every test runs on Wednesday 18 November 2026, 10:00 in London."""

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from payback.delivery import learning, services
from payback.delivery.models import Incident, IncidentStatus, LearningShared
from payback.projects import services as project_services
from payback.projects.models import Project
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import HEAD_OF_UNPAID_WORK, OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import SOUND_PROJECT, actions_since, active_project, audit_mark, counts

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]

MakeUser = Callable[..., User]
TODAY = date(2026, 11, 18)
LONDON = ZoneInfo("Europe/London")
PERIOD = {"start": date(2025, 11, 19), "end": TODAY}


# ---------------------------------------------------------------------------------------------
# Helpers


def report(supervisor: User, project: Project, what: str = "A strimmer threw a stone at a passer-by") -> Incident:
    return services.incident_report(
        actor=supervisor,
        project=project,
        occurred_at=timezone.now() - timedelta(hours=2),
        location="By the lock gates",
        what_happened=what,
    )


def close(
    manager: User, incident: Incident, learned: str = "Check guards at the toolbox talk", **more: Any
) -> Incident:
    return services.incident_update(
        actor=manager,
        incident=incident,
        paperwork_complete=True,
        investigation="Spoke to everyone there",
        outcome="Strimmer guard replaced",
        learning=learned,
        close=True,
        **more,
    )


def refused(service: Callable[..., Any], /, **kwargs: Any) -> dict[str, list[str]]:
    """Call a service that must refuse; check that it saved nothing and return its errors."""
    before = (counts(), LearningShared.objects.count(), list(Project.objects.values_list("review_reason", flat=True)))
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    after = (counts(), LearningShared.objects.count(), list(Project.objects.values_list("review_reason", flat=True)))
    assert after == before
    return caught.value.message_dict


def review(coordinator: User, manager: User, project: Project, *, approve: bool = True) -> Any:
    """A new assessment of the project, recommended now and (unless `approve` is False) approved."""
    draft = project_services.project_assessment_start(actor=coordinator, project=project)
    project_services.project_assessment_update(actor=coordinator, assessment=draft, values=SOUND_PROJECT)
    project_services.project_assessment_recommend(actor=coordinator, assessment=draft, recommendation="Reviewed")
    if approve:
        return project_services.project_assessment_decide(actor=manager, assessment=draft, approve=True)
    return draft


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    """The page's words, without its markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def project(coordinator: User, manager: User, pdu_a: Pdu) -> Project:
    return active_project(coordinator, manager, pdu_a)


@pytest.fixture
def london_project(make_user: MakeUser, pdu_b: Pdu) -> Project:
    coordinator = make_user("lena", role=PLACEMENT_COORDINATOR, pdu=pdu_b)
    manager = make_user("lars", role=OPERATIONS_MANAGER, pdu=pdu_b)
    return active_project(coordinator, manager, pdu_b, name="Park railings")


# ---------------------------------------------------------------------------------------------
# Closing an incident with a risk assessment review


def test_closing_with_a_review_raises_the_projects_review_with_the_incident_as_its_reason(
    supervisor: User, manager: User, coordinator: User, project: Project
) -> None:
    incident = report(supervisor, project)
    mark = audit_mark()
    closed = close(manager, incident, review_needed=True, review_finding="  Distance kept from the footpath ")
    project.refresh_from_db()
    assert closed.status == IncidentStatus.CLOSED
    assert project.review_needed
    assert project.review_reason == "Investigation of the incident on 18 November 2026: Distance kept from the footpath"
    assert project.review_raised_by == manager
    assert closed.review_raised_at == project.review_raised_at
    assert closed.review_finding == "Distance kept from the footpath"
    assert actions_since(mark) == ["project.review_needed", "incident.updated"]
    assert learning.review_done_at(closed) is None

    approved = review(coordinator, manager, project)
    project.refresh_from_db()
    assert not project.review_needed
    assert learning.review_done_at(closed) == approved.decided_at


def test_an_assessment_recommended_before_the_review_was_raised_does_not_answer_it(
    supervisor: User, manager: User, coordinator: User, project: Project
) -> None:
    incident = report(supervisor, project)
    waiting = review(coordinator, manager, project, approve=False)
    closed = close(manager, incident, review_needed=True, review_finding="Guards on every strimmer")
    project_services.project_assessment_decide(actor=manager, assessment=waiting, approve=True)
    project.refresh_from_db()
    assert project.review_needed  # the project's own rule agrees
    assert learning.review_done_at(closed) is None


def test_a_review_without_what_it_must_look_at_is_refused_with_the_other_problems(
    supervisor: User, manager: User, project: Project
) -> None:
    incident = report(supervisor, project)
    errors = refused(services.incident_update, actor=manager, incident=incident, review_needed=True, close=True)
    assert errors == {
        "review_finding": ["Say what the risk assessment review must look at"],
        "paperwork_complete": ["The paperwork must be complete before the incident is closed"],
        "outcome": ["Record the outcome of the investigation"],
        "learning": ["Record what has been learned, to share"],
    }
    incident.refresh_from_db()
    assert incident.review_raised_at is None and incident.status == IncidentStatus.REPORTED


def test_a_review_is_raised_once_for_an_incident(supervisor: User, manager: User, project: Project) -> None:
    incident = report(supervisor, project)
    saved = services.incident_update(
        actor=manager, incident=incident, review_needed=True, review_finding="Where the van parks"
    )
    assert saved.status == IncidentStatus.REPORTED and saved.review_raised_at is not None
    mark = audit_mark()
    closed = close(manager, incident, review_needed=True, review_finding="Something else")
    assert actions_since(mark) == ["incident.updated"]
    assert closed.review_raised_at == saved.review_raised_at
    assert closed.review_finding == "Where the van parks"


def test_closing_without_a_review_leaves_the_incident_without_one(
    supervisor: User, manager: User, project: Project
) -> None:
    closed = close(manager, report(supervisor, project))
    assert closed.review_raised_at is None and closed.review_finding == ""


# ---------------------------------------------------------------------------------------------
# Sharing the learning at team meetings


def test_learning_is_shared_once_for_each_team_meeting(supervisor: User, manager: User, project: Project) -> None:
    incident = close(manager, report(supervisor, project))
    mark = audit_mark()
    shared = services.learning_share(actor=manager, incident=incident, meeting_on=TODAY, notes=" Whole team there ")
    assert (shared.meeting_on, shared.notes, shared.shared_by) == (TODAY, "Whole team there", manager)
    assert actions_since(mark) == ["incident.learning_shared"]

    again = refused(services.learning_share, actor=manager, incident=incident, meeting_on=TODAY)
    assert again == {
        "meeting_on": ["This learning is already recorded as shared at the team meeting on 18 November 2026"]
    }


def test_sharing_is_refused_naming_the_field_at_fault(
    supervisor: User, manager: User, project: Project, make_user: MakeUser, pdu_a: Pdu
) -> None:
    open_incident = report(supervisor, project)
    assert refused(services.learning_share, actor=manager, incident=open_incident, meeting_on=TODAY) == {
        "incident": ["The learning can be shared once the incident is closed"]
    }
    incident = close(manager, report(supervisor, project))
    share = services.learning_share
    assert refused(share, actor=manager, incident=incident, meeting_on=None, notes="x" * 1001) == {
        "meeting_on": ["Enter the date of the team meeting"],
        "notes": ["Keep the notes to 1,000 characters or fewer"],
    }
    assert refused(share, actor=manager, incident=incident, meeting_on=date(2026, 11, 19)) == {
        "meeting_on": ["The team meeting must be today or in the past"]
    }
    assert refused(share, actor=manager, incident=incident, meeting_on=date(2026, 11, 17)) == {
        "meeting_on": ["The team meeting must be on or after 18 November 2026, when the incident was closed"]
    }


# ---------------------------------------------------------------------------------------------
# Reading the learning: the region's, for the period


def test_the_learning_is_read_across_the_region_and_only_there(
    supervisor: User, manager: User, project: Project, london_project: Project, make_user: MakeUser, pdu_a2: Pdu
) -> None:
    ours = close(manager, report(supervisor, project))
    report(supervisor, project, what="Still being investigated")
    london_supervisor = make_user("lou", role=SUPERVISOR, pdu=london_project.pdu)
    london_manager = make_user("lee", role=OPERATIONS_MANAGER, pdu=london_project.pdu)
    theirs = close(london_manager, report(london_supervisor, london_project))
    neighbour = make_user("nell", role=OPERATIONS_MANAGER, pdu=pdu_a2)  # another PDU, same region
    north_east = project.pdu.region

    assert learning.learning_region(neighbour, london_project.pdu.region_id) == north_east  # their own, always
    assert list(learning.learning_in(neighbour, north_east, **PERIOD)) == [ours]
    assert list(learning.learning_in(london_manager, north_east, **PERIOD)) == []
    assert learning.learning_get(neighbour, ours.pk) == ours
    with pytest.raises(Exception, match="No such incident"):
        learning.learning_get(neighbour, theirs.pk)

    head = make_user("hana", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)
    assert learning.learning_region(head, None) is None
    london = learning.learning_region(head, london_project.pdu.region_id)
    assert london is not None
    assert list(learning.learning_in(head, london, **PERIOD)) == [theirs]


def test_the_period_is_the_day_the_incident_was_closed(supervisor: User, manager: User, project: Project) -> None:
    with time_machine.travel(datetime(2026, 9, 30, 23, 30, tzinfo=LONDON), tick=False):
        september = close(manager, report(supervisor, project, what="Late in September"))
    with time_machine.travel(datetime(2026, 10, 1, 0, 30, tzinfo=LONDON), tick=False):
        october = close(manager, report(supervisor, project, what="Early in October"))
    region = project.pdu.region
    assert list(learning.learning_in(manager, region, start=date(2026, 10, 1), end=TODAY)) == [october]
    assert list(learning.learning_in(manager, region, start=date(2026, 9, 1), end=date(2026, 9, 30))) == [september]
    assert list(learning.learning_in(manager, region, **PERIOD)) == [october, september]


# ---------------------------------------------------------------------------------------------
# The pages


def test_the_learning_page_shows_the_learning_its_review_and_meetings(
    supervisor: User, manager: User, coordinator: User, project: Project
) -> None:
    incident = close(
        manager,
        report(supervisor, project),
        learned="Check every guard at the toolbox talk",
        review_needed=True,
        review_finding="Distance kept from the footpath",
    )
    page = text_of(client_for(manager).get("/sessions/learning/"))
    assert "1 closed incident in North East, closed from 19 November 2025 to 18 November 2026" in page
    assert "Check every guard at the toolbox talk" in page
    assert "A strimmer threw a stone at a passer-by" in page
    assert "Review not done yet asked for 18 November 2026" in page and "Distance kept from the footpath" in page
    assert "Not yet shared" in page
    assert f"/sessions/incidents/{incident.pk}/learning-shared/" in client_for(manager).get("/sessions/learning/").text

    review(coordinator, manager, project)
    services.learning_share(actor=manager, incident=incident, meeting_on=TODAY, notes="Whole team there")
    page = text_of(client_for(manager).get("/sessions/learning/"))
    assert "Reviewed 18 November 2026" in page
    assert "18 November 2026, recorded by Mo Tester" in page and "Whole team there" in page
    earlier = text_of(
        client_for(manager).get(
            "/sessions/learning/",
            {"start_0": "1", "start_1": "9", "start_2": "2026", "end_0": "30", "end_1": "9", "end_2": "2026"},
        )
    )
    assert "0 closed incidents in North East" in earlier and "No incidents were closed in North East" in earlier
    backwards = text_of(
        client_for(manager).get(
            "/sessions/learning/",
            {"start_0": "1", "start_1": "10", "start_2": "2026", "end_0": "30", "end_1": "9", "end_2": "2026"},
        )
    )
    assert "The end date must be on or after the start date" in backwards


def test_who_may_read_the_learning_and_who_may_record_it_shared(
    supervisor: User, manager: User, project: Project, practitioner: User, make_user: MakeUser, pdu_a: Pdu
) -> None:
    incident = close(manager, report(supervisor, project))
    share_page = f"/sessions/incidents/{incident.pk}/learning-shared/"
    regional_head = make_user("rhea", role=HEAD_OF_UNPAID_WORK, scope=Scope.REGION, region=pdu_a.region)
    reading = client_for(regional_head).get("/sessions/learning/")
    assert reading.status_code == 200 and "Check guards at the toolbox talk" in text_of(reading)
    assert "learning-shared" not in reading.text
    assert client_for(regional_head).get(share_page).status_code == 403
    assert client_for(practitioner).get("/sessions/learning/").status_code == 403
    assert client_for(supervisor).get("/sessions/learning/").status_code == 403

    national_head = make_user("hana", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)
    choosing = text_of(client_for(national_head).get("/sessions/learning/"))
    assert "Select a region to see its learning" in choosing and "Check guards" not in choosing
    chosen = text_of(client_for(national_head).get("/sessions/learning/", {"region": pdu_a.region_id}))
    assert "Check guards at the toolbox talk" in chosen


def test_an_operations_manager_records_the_learning_shared_at_a_meeting(
    supervisor: User, manager: User, project: Project
) -> None:
    incident = close(manager, report(supervisor, project))
    client = client_for(manager)
    url = f"/sessions/incidents/{incident.pk}/learning-shared/"
    assert "Check guards at the toolbox talk" in text_of(client.get(url))

    missing = text_of(client.post(url, {"notes": "Everyone"}))
    assert "Enter the date of the team meeting" in missing and not LearningShared.objects.exists()
    meeting = {"meeting_on_0": "18", "meeting_on_1": "11", "meeting_on_2": "2026", "notes": "Everyone"}
    done = client.post(url, meeting, follow=True)
    assert done.redirect_chain == [(f"/sessions/learning/?region={project.pdu.region_id}", 302)]
    assert "Learning recorded as shared at the team meeting on 18 November 2026" in text_of(done)
    again = text_of(client.post(url, meeting))
    assert "This learning is already recorded as shared at the team meeting on 18 November 2026" in again
    assert LearningShared.objects.count() == 1

    still_open = report(supervisor, project)
    waiting = client.get(f"/sessions/incidents/{still_open.pk}/learning-shared/")
    assert "The learning can be shared once the incident is closed" in text_of(waiting)
    assert client.post(f"/sessions/incidents/{still_open.pk}/learning-shared/", meeting).status_code == 200
    assert LearningShared.objects.count() == 1


def test_the_incident_page_closes_with_a_review_and_then_shows_it(
    supervisor: User, manager: User, project: Project
) -> None:
    incident = report(supervisor, project)
    client = client_for(manager)
    page = f"/sessions/incidents/{incident.pk}/"
    answers = {
        "paperwork_complete": "on",
        "investigation": "Guard missing",
        "outcome": "Strimmer repaired",
        "learning": "Check guards at the toolbox talk",
        "review_needed": "on",
        "action": "close",
    }
    refused_page = text_of(client.post(page, answers))
    assert "Say what the risk assessment review must look at" in refused_page
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.REPORTED

    closed = client.post(page, {**answers, "review_finding": "Distance kept from the footpath"})
    assert closed.status_code == 302
    incident.refresh_from_db()
    project.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED and incident.review_raised_at == project.review_raised_at
    shown = text_of(client.get(page))
    assert "Review not done yet asked for 18 November 2026" in shown
    assert "Record that the learning was shared at a team meeting" in shown
    assert "Learning from incidents" in text_of(client.get("/sessions/incidents/"))
