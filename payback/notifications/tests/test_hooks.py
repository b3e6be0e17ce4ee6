"""Who is told when something happens: a risk concern (an urgent one reaching the duty senior too),
an incident (the region's operations managers), a booking that now breaks a rule (the practitioner
and the PDU's placement coordinators), and a countersignature overdue (the author's team lead, or
the seniors of the PDU who may countersign), each once."""

from collections.abc import Callable
from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from payback.cases.assessment import services as assessment_services
from payback.delivery import services as delivery_services
from payback.delivery.models import Appointment
from payback.notifications import services
from payback.notifications.models import Category, Notification
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR
from payback.staff.services import team_create, team_member_add
from payback.testing.builders import EVERY_DAY, active_project, assess, book, new_case, placeable_person, plan_session

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-16")]
MONDAY = date(2026, 11, 16)
WEDNESDAY = date(2026, 11, 18)
LONDON = ZoneInfo("Europe/London")
MakeUser = Callable[..., User]


def told(category: str) -> dict[str, bool]:
    """Who was told, by username, and whether it was urgent."""
    found = Notification.objects.filter(category=category).select_related("recipient")
    return {n.recipient.username: n.urgent for n in found}


@pytest.fixture
def project(coordinator: User, manager: User, pdu_a: Pdu) -> Project:
    return active_project(coordinator, manager, pdu_a, name="Towpath clearance")


# ---------------------------------------------------------------------------------------------
# Risk concerns


def test_a_concern_about_self_harm_reaches_the_practitioner_and_the_duty_senior_urgently(
    supervisor: User, practitioner: User, senior: User, other_senior: User, pdu_a: Pdu
) -> None:
    services.duty_senior_set(actor=senior, pdu=pdu_a, on=MONDAY, user=other_senior)
    case = new_case(practitioner, first_name="Jordan", crn="A123456")
    concern = delivery_services.risk_concern_raise(
        actor=supervisor, person=case.person, category="wellbeing", details="Said he wanted to hurt himself"
    )
    assert told(Category.RISK_CONCERN) == {"pat": True, "simon": True}
    notification = Notification.objects.get(recipient=other_senior)
    assert notification.subject == "Risk concern (emotional wellbeing) about Jordan (A123456)"
    assert notification.link == f"/sessions/concerns/{concern.pk}/"
    assert "hurt" not in notification.body and "Smith" not in notification.body  # no more than needed


def test_without_a_duty_senior_every_senior_of_the_pdu_hears_of_harm_to_others(
    supervisor: User, practitioner: User, senior: User, other_senior: User, senior_next_door: User
) -> None:
    case = new_case(practitioner)
    delivery_services.risk_concern_raise(
        actor=supervisor, person=case.person, category="domestic_abuse", details="Threats to a partner"
    )
    assert told(Category.RISK_CONCERN) == {"pat": True, "sophie": True, "simon": True}


def test_any_other_concern_reaches_the_practitioner_alone(supervisor: User, practitioner: User, senior: User) -> None:
    case = new_case(practitioner)
    delivery_services.risk_concern_raise(
        actor=supervisor, person=case.person, category="drugs_alcohol", details="Smelt"
    )
    assert told(Category.RISK_CONCERN) == {"pat": False}


def test_a_concern_about_a_case_whose_practitioner_has_left_reaches_the_duty_senior(
    supervisor: User, practitioner: User, senior: User, pdu_a: Pdu
) -> None:
    case = new_case(practitioner)
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])
    delivery_services.risk_concern_raise(actor=supervisor, person=case.person, category="county_lines", details="Seen")
    assert told(Category.RISK_CONCERN) == {"sophie": False}


# ---------------------------------------------------------------------------------------------
# Incidents


def test_an_incident_reaches_the_regions_operations_managers_and_not_another_regions(
    make_user: MakeUser, supervisor: User, manager: User, project: Project, pdu_a2: Pdu, pdu_b: Pdu
) -> None:
    make_user("mia", role=OPERATIONS_MANAGER, pdu=pdu_a2)  # same region, another PDU
    make_user("lena", role=OPERATIONS_MANAGER, pdu=pdu_b)  # London
    incident = delivery_services.incident_report(
        actor=supervisor,
        project=project,
        occurred_at=timezone.now(),
        location="By lock 3",
        what_happened="Alex Adams cut a hand",
    )
    assert told(Category.INCIDENT) == {"mo": False, "mia": False}
    notification = Notification.objects.get(recipient=manager)
    assert notification.subject == "Incident reported at Towpath clearance"
    assert notification.link == f"/sessions/incidents/{incident.pk}/"
    assert "Adams" not in notification.body and "Paperwork due by 17 November 2026" in notification.body


# ---------------------------------------------------------------------------------------------
# Bookings that now break a rule


def test_a_booking_that_now_breaks_a_rule_reaches_the_practitioner_and_the_pdus_coordinators(
    make_user: MakeUser, coordinator: User, practitioner: User, supervisor: User, project: Project, pdu_b: Pdu
) -> None:
    make_user("lola", role=PLACEMENT_COORDINATOR, pdu=pdu_b)
    session = plan_session(coordinator, project, WEDNESDAY, supervisor=supervisor)
    first = placeable_person(practitioner, availability=EVERY_DAY)
    second = placeable_person(practitioner, availability=EVERY_DAY, first_name="Sam")
    book(coordinator, session, first, second)
    assert not Notification.objects.exists()
    assessment_services.non_association_add(actor=practitioner, person=first.person, other=second.person, reason="Feud")
    assert Appointment.objects.exclude(conflict="").count() == 2
    found = Notification.objects.filter(category=Category.BOOKING_CONFLICT).order_by("recipient__username", "subject")
    assert [(n.recipient.username, n.subject) for n in found] == [
        ("cora", f"A booking of Alex ({first.person.crn}) now breaks a placement rule"),
        ("cora", f"A booking of Sam ({second.person.crn}) now breaks a placement rule"),
        ("pat", f"A booking of Alex ({first.person.crn}) now breaks a placement rule"),
        ("pat", f"A booking of Sam ({second.person.crn}) now breaks a placement rule"),
    ]
    assert all(n.link == "/sessions/bookings-to-fix/" and "Feud" not in n.body for n in found)


# ---------------------------------------------------------------------------------------------
# Countersignatures overdue


def run_notify_overdue(day: date) -> str:
    out = StringIO()
    with time_machine.travel(datetime.combine(day, time(7), tzinfo=LONDON), tick=False):
        call_command("notify_overdue", stdout=out)
    return out.getvalue()


@pytest.mark.today("2026-11-18")
def test_an_overdue_countersignature_reaches_the_seniors_of_the_pdu_once(
    practitioner: User, senior: User, other_senior: User, senior_next_door: User
) -> None:
    case = new_case(practitioner, first_name="Jordan")
    waiting = assess(practitioner, case, rosh="high")  # submitted Wednesday 18th: due by Friday 20th
    assert "Countersignatures overdue on 20 November 2026: 0" in run_notify_overdue(date(2026, 11, 20))
    assert not Notification.objects.exists()
    assert "Seniors told now: 2" in run_notify_overdue(date(2026, 11, 23))
    assert "Seniors told now: 0" in run_notify_overdue(date(2026, 11, 24))
    assert told(Category.COUNTERSIGN_OVERDUE) == {"sophie": False, "simon": False}
    notification = Notification.objects.get(recipient=senior)
    assert notification.subject == f"Countersignature overdue: Jordan ({case.person.crn})"
    assert notification.link == f"/cases/countersign/{waiting.pk}/"
    assert "due by 20 November 2026" in notification.body


@pytest.mark.today("2026-11-18")
def test_an_overdue_countersignature_reaches_the_authors_team_lead_alone(
    practitioner: User, senior: User, other_senior: User
) -> None:
    team = team_create(actor=other_senior, name="North team", pdu=other_senior.pdu, lead=other_senior)
    team_member_add(actor=other_senior, team=team, practitioner=practitioner)
    assess(practitioner, new_case(practitioner), rosh="very_high")
    run_notify_overdue(date(2026, 11, 23))
    assert told(Category.COUNTERSIGN_OVERDUE) == {"simon": False}
