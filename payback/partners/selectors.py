"""What a beneficiary's contact may see: their own organisation's projects, its upcoming sessions,
its individual placements and the people on them (a first name and what the contact needs to know
on site, nothing more), the timesheets signed for them and the surveys waiting for an answer.
Every read is scoped to the contact's organisation: anything else is 404."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from payback.cases.assessment.selectors import session_needs
from payback.cases.models import Requirement
from payback.delivery.models import Appointment, IndividualPlacementTimesheet, Session, SessionStatus
from payback.projects.models import BeneficiarySurvey, Project, ProjectStatus, ProjectType

from . import rules
from .models import BeneficiaryContact

RECENT_DAYS = 28  # a placement shows the people booked from this many days ago


@dataclass(frozen=True)
class PersonOnPlacement:
    """A person on a placement, as its contact sees them: the first name and what to know on site."""

    requirement_id: int
    first_name: str
    needs: list[str] = field(default_factory=list)
    days: list[date] = field(default_factory=list)


@dataclass(frozen=True)
class Placement:
    project: Project
    people: list[PersonOnPlacement]


def projects_of(contact: BeneficiaryContact) -> QuerySet[Project]:
    return (
        Project.objects.filter(beneficiary_id=contact.beneficiary_id)
        .exclude(status=ProjectStatus.DRAFT)
        .order_by("name", "pk")
    )


def project_get(contact: BeneficiaryContact, pk: int) -> Project:
    project = projects_of(contact).filter(pk=pk).first()
    if project is None:
        raise Http404("No such project")
    return project


def placement_get(contact: BeneficiaryContact, pk: int) -> Project:
    project = projects_of(contact).filter(pk=pk, project_type=ProjectType.INDIVIDUAL).first()
    if project is None:
        raise Http404("No such placement")
    return project


def upcoming_sessions(contact: BeneficiaryContact, *, today: date, days: int = 28) -> QuerySet[Session]:
    return (
        Session.objects.filter(
            project__in=projects_of(contact),
            date__gte=today,
            date__lte=today + timedelta(days=days),
            status=SessionStatus.PLANNED,
        )
        .select_related("project")
        .annotate(booked=Count("appointments", filter=Q(appointments__cancelled_at__isnull=True)))
        .order_by("date", "start_time", "pk")
    )


def what_to_know(requirement: Requirement) -> list[str]:
    """What the contact needs to know on site: the adjustments the person needs, prayer times, an
    interpreter, and the flags shown to supervisors. Never the case number, surname, address, date
    of birth, offence or risk detail."""
    needs = session_needs(requirement.person)
    return rules.what_to_know(
        adjustments=needs.adjustments, prayer_times=needs.prayer_times, interpreter=needs.interpreter, flags=needs.flags
    )


def _bookings(project: Project, *, today: date) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(session__project=project, cancelled_at__isnull=True)
        .filter(date__gte=today - timedelta(days=RECENT_DAYS))
        .select_related("requirement__person")
        .order_by("date", "pk")
    )


def people_on(project: Project, *, today: date) -> list[PersonOnPlacement]:
    days: dict[int, list[date]] = {}
    requirements: dict[int, Requirement] = {}
    for booking in _bookings(project, today=today):
        days.setdefault(booking.requirement_id, []).append(booking.date)
        requirements[booking.requirement_id] = booking.requirement
    return [
        PersonOnPlacement(pk, requirement.person.first_name, what_to_know(requirement), days[pk])
        for pk, requirement in sorted(requirements.items(), key=lambda item: item[1].person.first_name)
    ]


def placements_of(contact: BeneficiaryContact, *, today: date) -> list[Placement]:
    placements = projects_of(contact).filter(project_type=ProjectType.INDIVIDUAL)
    return [Placement(project, people_on(project, today=today)) for project in placements]


def person_on_placement(project: Project, requirement_id: int, *, today: date) -> PersonOnPlacement:
    """A person booked on the placement (recently or to come); 404 for anyone else."""
    for person in people_on(project, today=today):
        if person.requirement_id == requirement_id:
            return person
    raise Http404("No such person on this placement")


def requirement_of(person: PersonOnPlacement) -> Requirement:
    return Requirement.objects.select_related("person").get(pk=person.requirement_id)


def timesheets_of(
    contact: BeneficiaryContact, project: Project | None = None
) -> QuerySet[IndividualPlacementTimesheet]:
    sheets = IndividualPlacementTimesheet.objects.filter(project__in=projects_of(contact))
    if project is not None:
        sheets = sheets.filter(project=project)
    return sheets.select_related("project", "requirement__person").order_by("-worked_on", "-started_at", "-pk")


def timesheet_get(contact: BeneficiaryContact, pk: int) -> IndividualPlacementTimesheet:
    sheet = timesheets_of(contact).filter(pk=pk).first()
    if sheet is None:
        raise Http404("No such timesheet")
    return sheet


def open_surveys(contact: BeneficiaryContact, *, today: date) -> QuerySet[BeneficiarySurvey]:
    return (
        BeneficiarySurvey.objects.filter(project__in=projects_of(contact), used_at__isnull=True, expires_on__gte=today)
        .select_related("project")
        .order_by("expires_on", "pk")
    )


def survey_get(contact: BeneficiaryContact, pk: int, *, today: date) -> BeneficiarySurvey:
    survey = open_surveys(contact, today=today).filter(pk=pk).first()
    if survey is None:
        raise Http404("No such survey")
    return survey


def contacts_of(beneficiary_id: int) -> QuerySet[BeneficiaryContact]:
    return BeneficiaryContact.objects.filter(beneficiary_id=beneficiary_id, removed_at__isnull=True)
