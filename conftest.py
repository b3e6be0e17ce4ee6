"""Fixtures shared by every test: a fixed "today", staff in each role and scope, and a way to make a case."""

import importlib
import itertools
import os
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from payback.cases.models import Requirement
from payback.cases.services import case_create
from payback.staff.models import Pdu, Region, Scope, User
from payback.staff.roles import (
    HEAD_OF_UNPAID_WORK,
    OPERATIONS_MANAGER,
    PLACEMENT_COORDINATOR,
    SUPERVISOR,
    sync_roles,
)
from payback.testing.builders import make_staff

_crns = itertools.count(100000)

# Every test runs on a fixed "today", never the real clock. A test that depends on the day
# chooses its own with `@pytest.mark.today("2026-11-18")` (optionally `at="07:30"`); the rest
# run on PAYBACK_TEST_TODAY, which `make test-dates` sets to a Sunday, Christmas Day and
# 29 February to prove they do not care.
DEFAULT_TODAY = "2026-11-18"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def fixed_clock(request: pytest.FixtureRequest) -> Iterator[date]:
    """Travel to the test's "today" (10:00 London unless it says otherwise); the clock ticks on from there."""
    marker = request.node.get_closest_marker("today")
    day = date.fromisoformat(marker.args[0] if marker else os.environ.get("PAYBACK_TEST_TODAY", DEFAULT_TODAY))
    at = time.fromisoformat(marker.kwargs.get("at", "10:00")) if marker else time(10, 0)
    with time_machine.travel(datetime.combine(day, at, tzinfo=LONDON), tick=True):
        yield day


def ensure_reference_data() -> None:
    """Regions, PDUs, policy versions, risk flags, permissions and roles come from migrations.
    A transactional test flushes them; put them back if they are gone, with the same loaders."""
    from django.apps import apps

    if not Region.objects.exists():
        for module, loader in (
            ("payback.staff.migrations.0002_regions_and_pdus", "load"),
            ("payback.core.migrations._loaders", "load_missing_policy_rules"),
            ("payback.cases.migrations.0005_risk_flags", "load"),
        ):
            getattr(importlib.import_module(module), loader)(apps, None)
    if not Permission.objects.filter(codename="approve_projectassessment").exists():
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
    if not Group.objects.filter(name=OPERATIONS_MANAGER, permissions__codename="approve_projectassessment").exists():
        sync_roles()


@pytest.fixture
def pdu_a(db: Any) -> Pdu:
    ensure_reference_data()
    return Pdu.objects.select_related("region").get(code="NE01")


@pytest.fixture
def pdu_a2(db: Any) -> Pdu:
    ensure_reference_data()
    return Pdu.objects.select_related("region").get(code="NE02")


@pytest.fixture
def pdu_b(db: Any) -> Pdu:
    ensure_reference_data()
    return Pdu.objects.select_related("region").get(code="LON01")


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """Make a member of staff in a role and an area (see `payback.testing.builders.make_staff`)."""
    ensure_reference_data()
    return make_staff


@pytest.fixture
def practitioner(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("pat", pdu=pdu_a)


@pytest.fixture
def other_region_practitioner(make_user: Callable[..., User], pdu_b: Pdu) -> User:
    return make_user("lou", pdu=pdu_b)


@pytest.fixture
def supervisor(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("sam", role=SUPERVISOR, pdu=pdu_a)


@pytest.fixture
def coordinator(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)


@pytest.fixture
def manager(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    """An operations manager in the North East, with an email address for the notices they get."""
    user = make_user("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    user.email = "mo@probation.example"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def head_of_upw(make_user: Callable[..., User]) -> User:
    return make_user("hana", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)


@pytest.fixture
def make_case(db: Any, pdu_a: Pdu) -> Callable[..., Requirement]:
    """Record a case through the real service; override any field by keyword."""

    def make(**overrides: Any) -> Requirement:
        fields: dict[str, Any] = {
            "actor": None,
            "crn": f"X{next(_crns)}",
            "first_name": "Alex",
            "last_name": "Smith",
            "date_of_birth": date(1990, 5, 17),
            "sex": "male",
            "pdu": pdu_a,
            "order_type": "community_order",
            "sentence_date": date(2026, 3, 2),
            "court": "Newcastle Magistrates' Court",
            "hours": 100,
        }
        fields.update(overrides)
        return case_create(**fields)

    return make
