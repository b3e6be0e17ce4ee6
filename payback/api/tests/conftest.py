"""Fixtures for the API tests: a client with a user's bearer token, a case and a ledger entry."""

from collections.abc import Callable
from datetime import date

import pytest

from payback.cases.models import LedgerEntry, Requirement
from payback.cases.services import ledger_record_travel
from payback.staff.models import User

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
