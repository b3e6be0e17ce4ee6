"""One record of every kind a page or an API operation can name in its path, all in one PDU, made
through the real services (the builders of the delivery and projects tests), for the tests that
prove a record is not found from outside its area."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from payback.allocation.batches import allocation_batch_start
from payback.allocation.services import allocation_run_start
from payback.cases.assessment import services as assessment_services
from payback.cases.assessment.forms import pages_for
from payback.cases.models import Induction
from payback.cases.services import ledger_record_travel
from payback.delivery import services as delivery_services
from payback.enforcement import services as enforcement_services
from payback.enforcement.selectors import failure_source_get
from payback.partners.services import contact_invite
from payback.portal.services import absence_report_send
from payback.projects.models import ProjectAssessment
from payback.projects.services import audit_sample_draw
from payback.quality.services import audit_finding_record
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SENIOR_PROBATION_OFFICER, SUPERVISOR
from payback.staff.services import api_token_create, team_create, team_member_add
from payback.testing import builders as factories
from payback.testing.builders import nominate


def everyone(username: str, *, pdu: Pdu, scope: str = Scope.PDU) -> User:
    """A member of staff holding every role: whatever a page asks, only their area stops them."""
    user = factories.make_staff(username, pdu=pdu, scope=scope, region=pdu.region)
    if scope != Scope.PDU:
        user.pdu = None
        user.save(update_fields=["pdu"])
    user.groups.set(Group.objects.all())
    return user


@dataclass
class Area:
    """A PDU's records by kind ("requirement", "session", ...), and who works there."""

    pdu: Pdu
    insider: User  # every role, in this PDU: reaches every record below
    ids: dict[str, int | str] = field(default_factory=dict)
    assessment_page: str = ""  # the slug of the first page of the draft assessment


def build_area(pdu: Pdu, name: str, *, today: date) -> Area:
    """A case with a ledger entry, an induction and a draft assessment; an active project with its
    approved assessment and beneficiary; a nomination; a session next Monday with the case booked
    on it and one on Wednesday stood down (the case to rebook); a weekly series, a supervisor's
    absence, a risk concern and an incident; a vehicle out on a check; an allocation run for next
    week, and the region's plans for the week after; an API token; a team with the case's practitioner in it."""
    coordinator = factories.make_staff(f"{name}-coordinator", role=PLACEMENT_COORDINATOR, pdu=pdu)
    manager = factories.make_staff(f"{name}-manager", role=OPERATIONS_MANAGER, pdu=pdu)
    practitioner = factories.make_staff(f"{name}-practitioner", pdu=pdu)
    supervisor = factories.make_staff(f"{name}-supervisor", role=SUPERVISOR, pdu=pdu, gender="male")
    insider = everyone(f"{name}-everyone", pdu=pdu)
    area = Area(pdu=pdu, insider=insider)
    monday = today + timedelta(days=7 - today.weekday())

    requirement = factories.placeable_person(
        practitioner, sentence_date=today - timedelta(days=60), last_name=f"{name.title()}field"
    )
    person = requirement.person
    entry = ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=60, occurred_on=today - timedelta(days=30), reason="Bus"
    )
    draft = assessment_services.assessment_start(actor=practitioner, person=person)
    area.assessment_page = pages_for(draft)[0].slug

    project = factories.active_project(coordinator, manager, pdu, name=f"{name.title()} towpath")
    session = factories.plan_session(coordinator, project, monday, supervisor=supervisor)
    (appointment,) = factories.book(coordinator, session, requirement)
    stood_down = factories.plan_session(coordinator, project, monday + timedelta(days=2), supervisor=supervisor)
    (to_rebook,) = factories.book(coordinator, stood_down, requirement)
    delivery_services.session_stand_down(actor=coordinator, session=stood_down, reason="weather")
    series, _, _ = delivery_services.session_series_create(
        actor=coordinator,
        project=project,
        weekday=1,
        start_time=time(9),
        end_time=time(16),
        capacity=6,
        starts_on=monday,
        weeks_ahead=2,
    )
    absence, _ = delivery_services.supervisor_absence_record(
        actor=manager,
        supervisor=supervisor,
        starts_on=monday + timedelta(weeks=4),
        ends_on=monday + timedelta(weeks=4),
        reason="Training",
    )
    concern = delivery_services.risk_concern_raise(
        actor=supervisor, person=person, category="wellbeing", details="Seemed low", session=session
    )
    incident = delivery_services.incident_report(
        actor=supervisor,
        project=project,
        session=session,
        occurred_at=timezone.make_aware(datetime.combine(today - timedelta(days=1), time(11))),
        location="Towpath",
        what_happened="A slip on wet leaves",
    )
    factories.authorise_driver(manager, supervisor, today=today)
    van = factories.vehicle(pdu)
    check = delivery_services.vehicle_check_out(
        actor=supervisor, vehicle=van, roadworthy=True, defects="", mileage_out=van.mileage
    )
    run = allocation_run_start(actor=coordinator, pdu=pdu, week_start=monday, time_limit=1)
    regional = everyone(f"{name}-regional", pdu=pdu, scope=Scope.REGION)
    batch = allocation_batch_start(actor=regional, week_start=monday + timedelta(weeks=1), time_limit=1)
    missed = Induction.objects.create(
        requirement=requirement,
        starts_at=timezone.make_aware(datetime.combine(today - timedelta(days=50), time(10))),
        location="Probation office",
        outcome="failed_to_attend",
        outcome_reason="Did not come",
    )
    evidence = enforcement_services.evidence_record(
        actor=practitioner,
        source=failure_source_get(practitioner, f"I{missed.pk}"),
        description="Hospital letter",
        received_on=today,
        upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.7 hospital letter", content_type="application/pdf"),
    )
    letter = enforcement_services.appointment_letter_issue(actor=practitioner, appointment=appointment)
    report = absence_report_send(
        person=person,
        appointment=appointment,
        reason="medical",
        details="Flu",
        upload=SimpleUploadedFile("note.pdf", b"%PDF-1.7 sick note", content_type="application/pdf"),
        idempotency_key=f"{name}-cannot-come",
    )
    api_token, _ = api_token_create(actor=insider, user=insider, name="Laptop")
    sample = audit_sample_draw(actor=manager, region=pdu.region, year=today.year, size=1)
    finding = audit_finding_record(
        actor=manager,
        sample=sample,
        project=project,
        checked="risk_assessment",
        compliant=False,
        findings="Hazards not reviewed",
        action="Review the hazards",
        action_due=today + timedelta(days=14),
    )
    senior = factories.make_staff(f"{name}-senior", role=SENIOR_PROBATION_OFFICER, pdu=pdu)
    team = team_create(actor=senior, name=f"{name.title()} team", pdu=pdu, lead=senior)
    team_member_add(actor=senior, team=team, practitioner=practitioner)

    area.ids = {
        "requirement": requirement.pk,
        "person": person.pk,
        "crn": person.crn,
        "ledger_entry": entry.pk,
        "induction": requirement.inductions.exclude(pk=missed.pk).get().pk,
        "assessment": draft.pk,
        "project": project.pk,
        "project_assessment": ProjectAssessment.objects.filter(project=project).latest("pk").pk,
        "beneficiary": project.beneficiary_id,
        "beneficiary_contact": contact_invite(
            actor=coordinator, beneficiary=project.beneficiary, name="Ali Reed", email=f"ali@{name}.example", link="/"
        ).pk,
        "nomination": nominate(pdu, work_description=f"Clear the {name} churchyard").pk,
        "session": session.pk,
        "appointment": appointment.pk,
        "appointment_to_rebook": to_rebook.pk,
        "series": series.pk,
        "absence": absence.pk,
        "concern": concern.pk,
        "incident": incident.pk,
        "vehicle": van.pk,
        "vehicle_check": check.pk,
        "run": run.pk,
        "batch": batch.pk,
        "api_token": api_token.pk,
        "team": team.pk,
        "failure_ref": f"I{missed.pk}",
        "evidence": evidence.pk,
        "letter": letter.pk,
        "absence_report": report.pk,
        "staff_member": supervisor.pk,
        "team_practitioner": practitioner.pk,
        "audit_sample": sample.pk,
        "audit_finding": finding.pk,
        "review_point": 6,
        "pdu": pdu.pk,
        "area_level": "pdu",
        "figure_code": "live_cases",
    }
    return area
