"""Builders for the tests, in one place. Everything is made through the real services, so a project is
active because it passed activation and a person is placeable because they were inducted and
assessed. Only vehicles are created directly: the fleet has no service of its own."""

import itertools
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone

from payback.cases.assessment import services as assessment_services
from payback.cases.models import (
    Assessment,
    CaseStatusChange,
    Induction,
    LedgerEntry,
    NonAssociation,
    Requirement,
    RiskFlag,
)
from payback.cases.selectors import requirement_balance
from payback.cases.services import case_create, ledger_credit_work
from payback.core.models import AuditEvent
from payback.core.workingdays import add_working_days
from payback.delivery import services
from payback.delivery.models import (
    Appointment,
    DriverAuthorisation,
    IdempotentRequest,
    Incident,
    IndividualPlacementTimesheet,
    RiskConcern,
    Session,
    SessionSeries,
    SupervisorAbsence,
    ToolCount,
    Vehicle,
    VehicleCheck,
)
from payback.delivery.services import RegisterLine, RegisterResult
from payback.projects import services as project_services
from payback.projects.models import Nomination, Project, ProjectAssessment, ProjectStatus
from payback.staff.models import Pdu, Region, Scope, User
from payback.staff.roles import PROBATION_PRACTITIONER, ROLES, sync_roles

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - every test user's, never a real account
SENTENCED = date(2026, 3, 2)
_crns = itertools.count(1)
_registrations = itertools.count(1)

# A complete, sound project assessment: every principle answered "no".
SOUND_PROJECT: dict[str, Any] = {
    "hazards": "Uneven ground, brambles, the water's edge",
    "controls": "No work within 2 m of the edge; gloves and eye protection",
    "welfare_toilets": True,
    "welfare_shelter": True,
    "welfare_drinking_water": True,
    "all_weather": True,
    "duration_weeks": 26,
    "max_people": 12,
    "tools_provided": "Loppers, rakes, spades",
    "environmental_value": "Reopens the towpath",
    "replaces_paid_work": False,
    "makes_profit": False,
    "involves_personal_care": False,
    "supervises_children_or_vulnerable_adults": False,
}


# ---------------------------------------------------------------------------------------------
# The date the services see as today


class Clock:
    def __init__(self, today: date) -> None:
        self.today = today


@contextmanager
def frozen_today(day: date) -> Iterator[Clock]:
    """Make every service see `clock.today` as today (move it by assigning); the time of day is
    left alone."""
    clock = Clock(day)
    with mock.patch("django.utils.timezone.localdate", side_effect=lambda *args, **kwargs: clock.today):
        yield clock


# ---------------------------------------------------------------------------------------------
# Staff


def make_staff(
    username: str,
    *,
    role: str = PROBATION_PRACTITIONER,
    scope: str = Scope.PDU,
    pdu: Pdu | None = None,
    region: Region | None = None,
    gender: str = "not_stated",
) -> User:
    """A member of staff in a role and an area. The roles are synced after the staff app migrates,
    before later apps have their permissions: sync again when a permission is missing."""
    if Group.permissions.through.objects.count() != sum(len(r.permissions) for r in ROLES):
        sync_roles()
    if pdu is not None:
        region = pdu.region
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.title(),
        last_name="Tester",
        scope=scope,
        pdu=pdu if scope == Scope.PDU else None,
        region=region if scope != Scope.NATIONAL else None,
        gender=gender,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


# ---------------------------------------------------------------------------------------------
# Projects


def active_project(
    coordinator: User,
    manager: User,
    pdu: Pdu,
    *,
    name: str = "Towpath clearance",
    project_type: str = "group",
    capacity: int = 12,
    excluded_flags: Iterable[str] = (),
    women_only: bool = False,
) -> Project:
    """A project with an approved assessment, a signed memorandum, days, hours and tasks, activated."""
    beneficiary = project_services.beneficiary_create(
        actor=coordinator,
        pdu=pdu,
        name=f"{name} Trust",
        kind="charity",
        contact_name="Sam Reed",
        contact_email="sam@trust.example",
        mou_signed_on=date(2026, 1, 12),
    )
    project = project_services.project_create(
        actor=coordinator,
        beneficiary=beneficiary,
        pdu=pdu,
        name=name,
        project_type=project_type,
        days=["mon", "tue", "wed", "thu", "fri", "sat"],
        start_time=time(9),
        end_time=time(16),
        capacity=capacity,
    )
    draft = project_services.project_assessment_start(actor=coordinator, project=project)
    project_services.project_assessment_update(
        actor=coordinator,
        assessment=draft,
        values={**SOUND_PROJECT, "max_people": capacity, "women_only": women_only},
        excluded_flags=list(RiskFlag.objects.filter(code__in=list(excluded_flags))),
    )
    project_services.project_assessment_recommend(actor=coordinator, assessment=draft, recommendation="Good value")
    project_services.project_assessment_decide(actor=manager, assessment=draft, approve=True)
    project_services.project_set_tasks(actor=coordinator, project=project, tasks=["Clear brambles", "Bag litter"])
    project = project_services.project_change_status(
        actor=coordinator, project=project, to_status=ProjectStatus.ACTIVE, reason="Ready to start"
    )
    project.refresh_from_db()
    return project


# ---------------------------------------------------------------------------------------------
# People


def new_case(practitioner: User, *, sentence_date: date = SENTENCED, hours: int = 100, **overrides: Any) -> Requirement:
    fields: dict[str, Any] = {
        "actor": practitioner,
        "crn": f"D{next(_crns):06d}",
        "first_name": "Alex",
        "last_name": "Smith",
        "date_of_birth": date(1990, 5, 17),
        "sex": "male",
        "pdu": practitioner.pdu,
        "order_type": "community_order",
        "sentence_date": sentence_date,
        "court": "Newcastle Magistrates' Court",
        "hours": hours,
        "practitioner": practitioner,
    }
    fields.update(overrides)
    return case_create(**fields)


def induct(practitioner: User, requirement: Requirement, *, minutes: int = 60) -> Induction:
    """An induction on the first working day after sentence, attended (its minutes count as work)."""
    day = add_working_days(requirement.order.sentence_date, 1)
    induction = assessment_services.induction_book(
        actor=practitioner,
        requirement=requirement,
        starts_at=timezone.make_aware(datetime.combine(day, time(10))),
        location="Newcastle office",
    )
    return assessment_services.induction_record_outcome(
        actor=practitioner, induction=induction, outcome="attended", minutes_attended=minutes
    )


# Free every day, morning and afternoon: for tests about something other than availability.
EVERY_DAY = {day: ["morning", "afternoon"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def assess(
    practitioner: User,
    requirement: Requirement,
    *,
    rosh: str = "low",
    flags: Iterable[str] = (),
    availability: dict[str, list[str]] | None = None,
) -> Assessment:
    person = requirement.person
    draft = assessment_services.assessment_start(actor=practitioner, person=person)
    values: dict[str, Any] = {
        "availability": availability
        or {"mon": ["morning", "afternoon"], "wed": ["morning", "afternoon"], "sat": ["morning"]},
        "transport": "public_transport",
        "max_travel_minutes": 45,
        "suitable_placement_types": ["group", "individual"],
        "rosh_level": rosh,
        "risk_assessed_on": requirement.order.sentence_date,
    }
    if person.sex == "female":
        values["placement_preference"] = "women_only"
    assessment_services.assessment_update(
        actor=practitioner,
        assessment=draft,
        values=values,
        risk_flags=list(RiskFlag.objects.filter(code__in=list(flags))),
    )
    return assessment_services.assessment_submit(actor=practitioner, assessment=draft)


def placeable_person(
    practitioner: User,
    *,
    hours: int = 100,
    sentence_date: date = SENTENCED,
    flags: Iterable[str] = (),
    induction_minutes: int = 60,
    availability: dict[str, list[str]] | None = None,
    **overrides: Any,
) -> Requirement:
    """case_create → induction attended → low-risk assessment submitted: ready to be placed."""
    requirement = new_case(practitioner, sentence_date=sentence_date, hours=hours, **overrides)
    induct(practitioner, requirement, minutes=induction_minutes)
    assess(practitioner, requirement, flags=flags, availability=availability)
    requirement.refresh_from_db()
    return requirement


def leave_owing(practitioner: User, requirement: Requirement, minutes: int) -> None:
    """Credit earlier work so that exactly `minutes` are still owed."""
    remaining = requirement_balance(requirement).remaining_minutes
    ledger_credit_work(
        actor=practitioner,
        requirement=requirement,
        minutes=remaining - minutes,
        occurred_on=requirement.order.sentence_date + timedelta(days=7),
        source="earlier_work",
        reason="Earlier work",
    )
    assert requirement_balance(requirement).remaining_minutes == minutes


def remaining(requirement: Requirement) -> int:
    return requirement_balance(requirement).remaining_minutes


# ---------------------------------------------------------------------------------------------
# Supervisors, vehicles, sessions


def authorise_driver(manager: User, driver: User, *, today: date) -> DriverAuthorisation:
    return services.driver_authorise(
        actor=manager,
        driver=driver,
        licence_checked_on=today - timedelta(days=30),
        valid_until=today + timedelta(days=365),
    )


def vehicle(pdu: Pdu, *, seats: int = 9, mileage: int = 12000) -> Vehicle:
    return Vehicle.objects.create(
        registration=f"NX26 {next(_registrations):03d}", description="Crew van", seats=seats, pdu=pdu, mileage=mileage
    )


def plan_session(
    actor: User,
    project: Project,
    day: date,
    *,
    supervisor: User | None,
    capacity: int = 6,
    start: time = time(9),
    end: time = time(16),
    van: Vehicle | None = None,
) -> Session:
    return services.session_create(
        actor=actor,
        project=project,
        session_date=day,
        start_time=start,
        end_time=end,
        capacity=capacity,
        supervisor=supervisor,
        vehicle=van,
        pick_up_point="Haymarket bus station" if van else "",
        pick_up_time=time(8, 30) if van else None,
    )


def book(actor: User, session: Session, *requirements: Requirement) -> list[Appointment]:
    return [services.appointment_book(actor=actor, session=session, requirement=r) for r in requirements]


# ---------------------------------------------------------------------------------------------
# The register


def line(appointment: Appointment, outcome: str, **fields: Any) -> RegisterLine:
    return RegisterLine(appointment_id=appointment.pk, outcome=outcome, **fields)


def version_of(session: Session) -> int:
    return Session.objects.values_list("register_version", flat=True).get(pk=session.pk)


def submit(
    actor: User, session: Session, lines: list[RegisterLine], *, close: bool = True, key: str | None = None
) -> RegisterResult:
    """Submit the register from a copy read just now."""
    return services.register_submit(
        actor=actor,
        session=session,
        expected_version=version_of(session),
        idempotency_key=key or str(uuid.uuid4()),
        lines=lines,
        close=close,
    )


def credited(result: RegisterResult) -> dict[int, int]:
    return {row["appointment_id"]: row["credited_minutes"] for row in result.lines}


# ---------------------------------------------------------------------------------------------
# What a write left behind

COUNTED = (
    Appointment,
    AuditEvent,
    CaseStatusChange,
    DriverAuthorisation,
    IdempotentRequest,
    Incident,
    IndividualPlacementTimesheet,
    LedgerEntry,
    NonAssociation,
    RiskConcern,
    Session,
    SessionSeries,
    SupervisorAbsence,
    ToolCount,
    Vehicle,
    VehicleCheck,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def audit_mark() -> int:
    return AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0


def actions_since(mark: int) -> list[str]:
    return list(AuditEvent.objects.filter(pk__gt=mark).order_by("pk").values_list("action", flat=True))


# ---------------------------------------------------------------------------------------------
# Nominations and beneficiaries


BENEFICIARY: dict[str, Any] = {
    "name": "St Mary's Church",
    "kind": "charity",
    "address": "Church Lane, Durham",
    "postcode": "dh1 3aa",
    "contact_name": "Rev. Ann Smith",
    "contact_email": "ann@example.org",
    "contact_phone": "01632 960 001",
    "mou_signed_on": "2026-01-05",
}


def nominate(pdu: Pdu, **overrides: Any) -> Nomination:
    fields: dict[str, Any] = {
        "nominator_name": "Jo Bloggs",
        "nominator_email": "jo@example.org",
        "nominator_phone": "",
        "organisation": "",
        "on_behalf_of_group": False,
        "work_description": "Clear the churchyard paths",
        "location": "St Mary's churchyard",
        "postcode": "DH1 3AA",
        "who_benefits": "The parish",
        "heard_about": "word_of_mouth",
        "pdu": pdu,
    }
    fields.update(overrides)
    nomination, _ = project_services.nomination_submit(**fields)
    return nomination


def approve_assessment(project: Project, coordinator: User, manager: User) -> ProjectAssessment:
    assessment = project_services.project_assessment_start(actor=coordinator, project=project)
    project_services.project_assessment_update(
        actor=coordinator,
        assessment=assessment,
        values={
            "hazards": "Uneven ground",
            "controls": "Toolbox talk",
            "welfare_toilets": True,
            "welfare_drinking_water": True,
            "all_weather": True,
            "max_people": 4,
            "women_only": True,
            "replaces_paid_work": False,
            "makes_profit": False,
            "involves_personal_care": False,
            "supervises_children_or_vulnerable_adults": False,
        },
        excluded_flags=list(RiskFlag.objects.filter(code__in=["not-near-children", "arson"])),
    )
    project_services.project_assessment_recommend(actor=coordinator, assessment=assessment, recommendation="Good value")
    return project_services.project_assessment_decide(actor=manager, assessment=assessment, approve=True)
