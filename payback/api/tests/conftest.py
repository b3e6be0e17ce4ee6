"""Fixtures for the API tests: a client with a user's bearer token, a case and a ledger entry, and
the staff, beneficiary and project of the projects API."""

from collections.abc import Callable
from datetime import date

import pytest

from payback.cases.models import LedgerEntry, Requirement
from payback.cases.services import ledger_record_travel
from payback.projects import services as project_services
from payback.projects.models import Beneficiary, Project
from payback.staff.models import Pdu, User
from payback.staff.roles import PLACEMENT_COORDINATOR

from .client import ApiClient, token_for


@pytest.fixture
def api_as(db: object) -> Callable[[User | None], ApiClient]:
    def make(user: User | None) -> ApiClient:
        return ApiClient(token_for(user) if user is not None else None)

    return make


@pytest.fixture
def case(make_case: Callable[..., Requirement], practitioner: User) -> Requirement:
    return make_case(practitioner=practitioner)


@pytest.fixture
def travel(case: Requirement, practitioner: User) -> LedgerEntry:
    return ledger_record_travel(
        actor=practitioner, requirement=case, minutes=60, occurred_on=date(2026, 3, 9), reason="Bus to the project"
    )


@pytest.fixture
def london_coordinator(make_user: Callable[..., User], pdu_b: Pdu) -> User:
    return make_user("lola", role=PLACEMENT_COORDINATOR, pdu=pdu_b)


@pytest.fixture
def beneficiary(coordinator: User, pdu_a: Pdu) -> Beneficiary:
    return project_services.beneficiary_create(
        actor=coordinator, pdu=pdu_a, name="Durham School", kind="public_body", contact_name="Head teacher"
    )


@pytest.fixture
def project(coordinator: User, beneficiary: Beneficiary, pdu_a: Pdu) -> Project:
    return project_services.project_create(
        actor=coordinator, beneficiary=beneficiary, pdu=pdu_a, name="School grounds", address="Durham School"
    )
