"""The supervisor's register submit through the API, measured against the smallest signed-in POST
(/ping) made by the same supervisor in the same run.

Everything it needs is built once in the benchmark database, through the services, and reused when
the database is (--skip-seed): an active project, a session today with its supervisor, and six people
who can be placed, booked on it. Each timed submit saves (does not close) the register with a new
idempotency key and the current version, so every one does the real work: six outcomes written, the
version moved on, an audit event and the stored answer for the key."""

import json
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.http.response import HttpResponseBase
from django.test import Client
from django.utils import timezone

from payback.cases.assessment import services as assessment_services
from payback.cases.models import Requirement
from payback.cases.services import case_create
from payback.core.workingdays import add_working_days
from payback.delivery import services as delivery_services
from payback.delivery.models import Appointment, Session, SessionStatus
from payback.projects import services as project_services
from payback.projects.models import Project, ProjectStatus
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, PROBATION_PRACTITIONER, SUPERVISOR

from .harness import BenchContext, Measurement, ping_post

USER = "supervisor"
PROJECT = "Benchmark towpath"
PEOPLE = 6
CRNS = [f"Z{990001 + n}" for n in range(PEOPLE)]
TARGET = 5.0  # register submit p95 as a multiple of the minimal POST's p95, timed alongside it

# One line per person, in booking order: the outcomes a supervisor records on a usual day.
OUTCOMES: list[dict[str, Any]] = [
    {"outcome": "attended_complied", "work_quality": "good", "behaviour": "good"},
    {"outcome": "attended_complied", "arrived_at": "09:30", "note": "Late bus: admitted, no credit for time missed"},
    {"outcome": "attended_complied", "left_at": "15:30", "penalty_minutes": 15},
    {"outcome": "sent_home_behaviour", "left_at": "12:00", "note": "Refused to stop using his phone"},
    {"outcome": "unacceptable_absence"},
    {"outcome": "acceptable_absence", "absence_reason": "medical"},
]


def _staff(username: str, role: str, pdu: Pdu) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            first_name=username.split("-")[-1].title(),
            last_name="Bench",
            scope=Scope.PDU,
            pdu=pdu,
            region=pdu.region,
        )
        user.groups.add(Group.objects.get(name=role))
    return user


def _project(coordinator: User, manager: User, pdu: Pdu) -> Project:
    existing = Project.objects.filter(name=PROJECT, pdu=pdu, status=ProjectStatus.ACTIVE).first()
    if existing is not None:
        return existing
    beneficiary = project_services.beneficiary_create(
        actor=coordinator,
        pdu=pdu,
        name=f"{PROJECT} Trust",
        kind="charity",
        contact_name="Sam Reed",
        mou_signed_on=timezone.localdate() - timedelta(days=60),
    )
    project = project_services.project_create(
        actor=coordinator,
        beneficiary=beneficiary,
        pdu=pdu,
        name=PROJECT,
        project_type="group",
        days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        start_time=time(9),
        end_time=time(16),
        capacity=PEOPLE,
    )
    draft = project_services.project_assessment_start(actor=coordinator, project=project)
    project_services.project_assessment_update(
        actor=coordinator,
        assessment=draft,
        values={
            "hazards": "Uneven ground, the water's edge",
            "controls": "No work within 2 m of the edge; gloves",
            "welfare_toilets": True,
            "welfare_drinking_water": True,
            "all_weather": True,
            "max_people": PEOPLE,
            "replaces_paid_work": False,
            "makes_profit": False,
            "involves_personal_care": False,
            "supervises_children_or_vulnerable_adults": False,
        },
    )
    project_services.project_assessment_recommend(actor=coordinator, assessment=draft, recommendation="Good value")
    project_services.project_assessment_decide(actor=manager, assessment=draft, approve=True)
    project_services.project_set_tasks(actor=coordinator, project=project, tasks=["Clear brambles", "Bag litter"])
    return project_services.project_change_status(
        actor=coordinator, project=project, to_status=ProjectStatus.ACTIVE, reason="Ready to start"
    )


def _placeable(practitioner: User, crn: str, last_name: str) -> Requirement:
    """A case, inducted and assessed: someone who can be placed on work."""
    existing = Requirement.objects.filter(person__crn=crn).order_by("-pk").first()
    if existing is not None:
        return existing
    sentenced = timezone.localdate() - timedelta(days=21)
    requirement = case_create(
        actor=practitioner,
        crn=crn,
        first_name="Bench",
        last_name=last_name,
        date_of_birth=date(1990, 5, 17),
        sex="male",
        pdu=practitioner.pdu,
        order_type="community_order",
        sentence_date=sentenced,
        court="Newcastle Magistrates' Court",
        hours=200,
        practitioner=practitioner,
    )
    induction = assessment_services.induction_book(
        actor=practitioner,
        requirement=requirement,
        starts_at=timezone.make_aware(datetime.combine(add_working_days(sentenced, 1), time(10))),
        location="Newcastle office",
    )
    assessment_services.induction_record_outcome(
        actor=practitioner, induction=induction, outcome="attended", minutes_attended=60
    )
    draft = assessment_services.assessment_start(actor=practitioner, person=requirement.person)
    assessment_services.assessment_update(
        actor=practitioner,
        assessment=draft,
        values={
            "availability": {
                day: ["morning", "afternoon"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            },
            "transport": "public_transport",
            "max_travel_minutes": 45,
            "suitable_placement_types": ["group"],
            "rosh_level": "low",
            "risk_assessed_on": sentenced,
        },
    )
    assessment_services.assessment_submit(actor=practitioner, assessment=draft)
    requirement.refresh_from_db()
    return requirement


@transaction.atomic
def build() -> tuple[User, Session, list[Appointment]]:
    """The project, today's session and the six people booked on it (made the first time only)."""
    pdu = Pdu.objects.select_related("region").get(code="NE01")
    coordinator = _staff("bench-coordinator", PLACEMENT_COORDINATOR, pdu)
    manager = _staff("bench-manager", OPERATIONS_MANAGER, pdu)
    supervisor = _staff("bench-supervisor", SUPERVISOR, pdu)
    practitioner = _staff("bench-practitioner", PROBATION_PRACTITIONER, pdu)
    today = timezone.localdate()
    session = Session.objects.filter(supervisor=supervisor, date=today, status=SessionStatus.PLANNED).first()
    if session is None:
        project = _project(coordinator, manager, pdu)
        session = delivery_services.session_create(
            actor=coordinator,
            project=project,
            session_date=today,
            start_time=time(9),
            end_time=time(16),
            capacity=PEOPLE,
            supervisor=supervisor,
        )
    booked = list(Appointment.objects.filter(session=session, cancelled_at__isnull=True).order_by("pk"))
    for n, crn in enumerate(CRNS[len(booked) :], start=len(booked)):
        requirement = _placeable(practitioner, crn, last_name=f"Person{n + 1}")
        booked.append(delivery_services.appointment_book(actor=coordinator, session=session, requirement=requirement))
    return supervisor, session, booked


def bench_register_submit(ctx: BenchContext) -> list[Measurement]:
    supervisor, session, booked = build()
    client = Client(raise_request_exception=False)
    client.force_login(supervisor)
    ctx.clients[USER] = client
    path = f"/api/v1/sessions/{session.pk}/register"
    lines = [{"appointment_id": a.pk, **outcome} for a, outcome in zip(booked, OUTCOMES, strict=True)]
    current = {"version": Session.objects.values_list("register_version", flat=True).get(pk=session.pk)}

    def submit(client: Client, n: int) -> HttpResponseBase:
        body = {"idempotency_key": str(uuid.uuid4()), "expected_version": current["version"], "lines": lines}
        response = client.post(path, json.dumps(body), content_type="application/json")
        answer = response.json()
        current["version"] = answer.get("version", answer.get("current_version", current["version"]))
        return response

    results = [
        ctx.measure("ping", USER, "/ping", ["/ping"]),
        ctx.measure_requests("minimal POST", USER, "POST /ping", ping_post),
        ctx.measure_requests(
            "register submit", USER, "POST /api/v1/sessions/<id>/register", submit, yardstick=ping_post
        ),
    ]
    register = results[2]
    post_median, post_p95 = register.yardstick_median_ms, register.yardstick_p95_ms
    if post_median and post_p95:
        p95_ratio = register.p95_ms / post_p95
        ctx.notes.append(
            f"Register submit (6 outcomes saved): p95 {register.p95_ms:.2f} ms = {p95_ratio:.1f} × the minimal "
            f"POST's p95 timed alongside it ({post_p95:.2f} ms); median {register.median_ms / post_median:.1f} ×. "
            f"Target ≤ {TARGET:g}: {'met' if p95_ratio <= TARGET else 'not met'}."
        )
    return results
