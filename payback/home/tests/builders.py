"""Builders for each kind of work on the home pages, made through the real services."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from payback.cases.assessment import services as assessment_services
from payback.cases.models import Requirement
from payback.delivery.models import Appointment, Session
from payback.projects.models import Project
from payback.staff.models import User
from payback.testing.builders import book, frozen_today, line, placeable_person, plan_session, submit


def fail_on(day: date, requirement: Requirement, project: Project, *, planner: User, supervisor: User) -> Appointment:
    """The person booked on a session on `day` (a Monday, Wednesday or Saturday, when they are free)
    and absent without a good reason: a possible failure for their practitioner to decide."""
    with frozen_today(day - timedelta(days=2)) as clock:
        session = plan_session(planner, project, day, supervisor=supervisor)
        [appointment] = book(planner, session, requirement)
        clock.today = day
        submit(supervisor, session, [line(appointment, "unacceptable_absence")])
    appointment.refresh_from_db()
    return appointment


def person(practitioner: User, last_name: str, *, sentenced: date = date(2026, 9, 1), **fields: Any) -> Requirement:
    return placeable_person(practitioner, sentence_date=sentenced, last_name=last_name, **fields)


def break_a_rule(practitioner: User, requirement: Requirement, session: Session, *, planner: User) -> Appointment:
    """Booked on a Wednesday session, then reassessed as free on Mondays only: the booking now breaks a rule."""
    [appointment] = book(planner, session, requirement)
    draft = assessment_services.assessment_start(actor=practitioner, person=requirement.person)
    assessment_services.assessment_update(
        actor=practitioner,
        assessment=draft,
        values={"availability": {"mon": ["morning", "afternoon"]}},
        risk_flags=None,
    )
    assessment_services.assessment_submit(actor=practitioner, assessment=draft)
    appointment.refresh_from_db()
    assert appointment.conflict
    return appointment


def joined(user: User, day: date) -> User:
    user.date_joined = timezone.make_aware(datetime.combine(day, time(9)))
    user.save(update_fields=["date_joined"])
    return user
