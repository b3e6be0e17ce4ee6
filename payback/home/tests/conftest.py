"""The North East's staff for the home pages (Wednesday 18 November 2026), the same roles in London
whose work must never be counted here, and reading the page (see `builders.py` for the work)."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.staff.roles import (
    OPERATIONS_MANAGER,
    PLACEMENT_COORDINATOR,
    PROBATION_PRACTITIONER,
    SENIOR_PROBATION_OFFICER,
    SUPERVISOR,
)
from payback.testing.builders import (
    active_project,
    make_staff,
)


@pytest.fixture(autouse=True)
def fresh_counts() -> Iterator[None]:
    """The menu's counts are kept for a minute: each test counts afresh."""
    cache.clear()
    yield
    cache.clear()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def work_order(page: str) -> list[str]:
    """The kinds of work listed on the page, in the order shown."""
    return re.findall(r'data-testid="work-([a-z_]+)"', page)


def item_of(page: str, key: str) -> str:
    """The text of one kind of work on the page."""
    found = re.search(rf'data-testid="work-{key}">(.*?)</div>', page)
    assert found is not None, f"no {key} on the page"
    return found.group(1)


@pytest.fixture
def senior(pdu_a: Pdu) -> User:
    return make_staff("sophie", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


@pytest.fixture
def project(coordinator: User, manager: User, pdu_a: Pdu) -> Project:
    return active_project(coordinator, manager, pdu_a, name="Towpath clearance")


@pytest.fixture
def london(pdu_b: Pdu) -> dict[str, User]:
    """The same roles in London: nothing of theirs is counted in the North East."""
    roles = {
        "practitioner": PROBATION_PRACTITIONER,
        "coordinator": PLACEMENT_COORDINATOR,
        "manager": OPERATIONS_MANAGER,
        "supervisor": SUPERVISOR,
    }
    return {key: make_staff(f"london-{key}", role=role, pdu=pdu_b) for key, role in roles.items()}


@pytest.fixture
def london_project(london: dict[str, User], pdu_b: Pdu) -> Project:
    return active_project(london["coordinator"], london["manager"], pdu_b, name="Thames foreshore")
