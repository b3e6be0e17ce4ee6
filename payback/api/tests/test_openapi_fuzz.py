"""Property-based tests driven by the OpenAPI document (schemathesis): whatever a client sends,
within or outside the document, no endpoint fails with a 5xx and every response, error or not,
matches what the document declares."""

import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from payback.api.api import api
from payback.cases.assessment import services as aservices
from payback.cases.models import Person, Requirement
from payback.cases.services import ledger_record_ete, ledger_record_travel
from payback.delivery import services as dservices
from payback.projects import services as pservices
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SENIOR_PROBATION_OFFICER
from payback.testing import builders as dfactories

from .client import API, token_for

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass(frozen=True)
class Known:
    """Records that exist, so that generated requests reach real cases and not only 404s."""

    token: str
    crns: tuple[str, ...]
    ids: dict[str, tuple[int, ...]]  # by the first part of the path: requirements, ledger-entries, ...


APP = WSGIHandler()
# The document is the one the application serves (to signed-in staff only, so it is read here
# without a request: collection has no database to sign anyone in).
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder)))
schema.app = APP


@pytest.fixture
def same_connection(db: Any) -> Iterator[None]:
    """Let the WSGI application share the test's database connection and transaction.

    Django closes the connection at the start and end of each request; inside a test that would
    end the test's transaction, so (as Django's own test client does) the closing is switched off."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _assess(actor: User, person: Person, *, rosh: str) -> int:
    draft = aservices.assessment_start(actor=actor, person=person)
    values: dict[str, Any] = {
        "availability": {"mon": ["morning"]},
        "transport": "own_vehicle",
        "max_travel_minutes": 30,
        "suitable_placement_types": ["group"],
        "rosh_level": rosh,
        "risk_assessed_on": date(2026, 3, 10),
    }
    aservices.assessment_update(actor=actor, assessment=draft, values=values)
    return aservices.assessment_submit(actor=actor, assessment=draft).pk


def _delivery(caller: User, manager: User, practitioner: User, pdu: Pdu) -> dict[str, tuple[int, ...]]:
    """An active project with a session tomorrow, one person booked on it, an incident and a risk concern."""
    project = dfactories.active_project(caller, manager, pdu, name="Riverside")
    session = dfactories.plan_session(caller, project, timezone.localdate() + timedelta(days=1), supervisor=caller)
    person = dfactories.placeable_person(
        practitioner, sentence_date=timezone.localdate() - timedelta(days=14), availability=dfactories.EVERY_DAY
    )
    dfactories.book(caller, session, person)
    incident = dservices.incident_report(
        actor=caller, project=project, occurred_at=timezone.now(), location="Riverside", what_happened="A slip"
    )
    concern = dservices.risk_concern_raise(
        actor=caller, person=person.person, category="wellbeing", details="Low", session=session
    )
    return {"sessions": (session.pk,), "incidents": (incident.pk,), "risk-concerns": (concern.pk,)}


@pytest.fixture
def known(
    same_connection: None,
    make_case: Callable[..., Requirement],
    make_user: Callable[..., User],
    practitioner: User,
    pdu_a: Pdu,
    pdu_b: Pdu,
) -> Known:
    own = make_case(practitioner=practitioner)
    backlog = make_case(practitioner=practitioner, sentence_date=date(2025, 6, 2))
    waiting = make_case(practitioner=practitioner)
    elsewhere = make_case(pdu=pdu_b)
    travel = ledger_record_travel(
        actor=practitioner, requirement=own, minutes=120, occurred_on=date(2026, 3, 9), reason="Bus"
    )
    ete = ledger_record_ete(
        actor=practitioner, requirement=own, minutes=300, occurred_on=date(2026, 4, 1), reason="Course"
    )
    booked = aservices.induction_book(
        actor=practitioner, requirement=own, starts_at=timezone.make_aware(datetime(2026, 3, 5, 10)), location="Office"
    )
    current = _assess(practitioner, own.person, rosh="low")
    high = _assess(practitioner, waiting.person, rosh="high")
    # Someone who may do everything the API offers, in the first PDU (and who wrote no assessment).
    caller = make_user("fuzz", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    caller.groups.add(*Group.objects.filter(name__in=[PLACEMENT_COORDINATOR, OPERATIONS_MANAGER]))
    beneficiary = pservices.beneficiary_create(
        actor=practitioner, pdu=pdu_a, name="Parish council", kind="council", contact_name="Clerk"
    )
    far = pservices.beneficiary_create(actor=practitioner, pdu=pdu_b, name="Lido", kind="charity", contact_name="Li")
    project = pservices.project_create(actor=practitioner, beneficiary=beneficiary, pdu=pdu_a, name="Village green")
    nominations = [
        pservices.nomination_submit(
            nominator_name="Jo",
            nominator_email="jo@example.org",
            nominator_phone="",
            organisation="",
            on_behalf_of_group=False,
            work_description=f"Clear path {n}",
            location="Church lane",
            postcode="DH1 3AA",
            who_benefits="Walkers",
            heard_about="other",
            pdu=pdu,
        )[0].pk
        for n, pdu in enumerate((pdu_a, pdu_a, pdu_b))
    ]
    return Known(
        token=token_for(caller),
        crns=(own.person.crn, waiting.person.crn, elsewhere.person.crn),
        ids={
            "requirements": (own.pk, backlog.pk, elsewhere.pk),
            "ledger-entries": (travel.pk, ete.pk),
            "inductions": (booked.pk,),
            "assessments": (current, high),
            "projects": (project.pk,),
            "beneficiaries": (beneficiary.pk, far.pk),
            "nominations": tuple(nominations),
            **_delivery(caller, make_user("fuzzmgr", role=OPERATIONS_MANAGER, pdu=pdu_a), practitioner, pdu_a),
        },
    )


def _pick(value: Any, choices: tuple[Any, ...]) -> Any:
    """Swap a generated path value for a real one about two times in three, deterministically."""
    digest = zlib.crc32(str(value).encode())
    if digest % 3 == 0:
        return value
    return choices[digest % len(choices)]


@schema.parametrize()
@settings(
    max_examples=10,  # with the coverage phase, about 2,500 requests across every operation
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_errors_and_every_response_matches_the_document(case: schemathesis.Case, known: Known) -> None:
    parameters = case.path_parameters or {}
    if "crn" in parameters:
        parameters["crn"] = _pick(parameters["crn"], known.crns)
    if "id" in parameters:
        collection = case.path.removeprefix(f"{API}/").split("/")[0]
        if collection in known.ids:
            parameters["id"] = _pick(parameters["id"], known.ids[collection])
    case.call_and_validate(headers={"Authorization": f"Bearer {known.token}"}, checks=CHECKS)
