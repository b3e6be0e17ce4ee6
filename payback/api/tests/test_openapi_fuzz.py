"""Property-based tests driven by the OpenAPI document (schemathesis): whatever a client sends,
within or outside the document, no endpoint fails with a 5xx and every response, error or not,
matches what the document declares."""

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from payback.cases.models import Requirement
from payback.cases.services import ledger_record_ete, ledger_record_travel
from payback.staff.models import Pdu, User

from .client import API, token_for

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass(frozen=True)
class Known:
    """Records that exist, so that generated requests reach real cases and not only 404s."""

    token: str
    crns: tuple[str, ...]
    requirement_ids: tuple[int, ...]
    entry_ids: tuple[int, ...]


APP = WSGIHandler()
# The document is loaded from the application itself, as a client would fetch it.
schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", APP)


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


@pytest.fixture
def known(same_connection: None, make_case: Callable[..., Requirement], practitioner: User, pdu_b: Pdu) -> Known:
    own = make_case(practitioner=practitioner)
    backlog = make_case(practitioner=practitioner, sentence_date=date(2025, 6, 2))
    elsewhere = make_case(pdu=pdu_b)
    travel = ledger_record_travel(
        actor=practitioner, requirement=own, minutes=120, occurred_on=date(2026, 3, 9), reason="Bus"
    )
    ete = ledger_record_ete(
        actor=practitioner, requirement=own, minutes=300, occurred_on=date(2026, 4, 1), reason="Course"
    )
    return Known(
        token=token_for(practitioner),
        crns=(own.person.crn, elsewhere.person.crn),
        requirement_ids=(own.pk, backlog.pk, elsewhere.pk),
        entry_ids=(travel.pk, ete.pk),
    )


def _pick(value: Any, choices: tuple[Any, ...]) -> Any:
    """Swap a generated path value for a real one about two times in three, deterministically."""
    digest = zlib.crc32(str(value).encode())
    if digest % 3 == 0:
        return value
    return choices[digest % len(choices)]


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_errors_and_every_response_matches_the_document(case: schemathesis.Case, known: Known) -> None:
    parameters = case.path_parameters or {}
    if "crn" in parameters:
        parameters["crn"] = _pick(parameters["crn"], known.crns)
    if "id" in parameters:
        is_entry = "/ledger-entries/" in case.path
        parameters["id"] = _pick(parameters["id"], known.entry_ids if is_entry else known.requirement_ids)
    case.call_and_validate(headers={"Authorization": f"Bearer {known.token}"}, checks=CHECKS)
