"""Every page and every API operation that names a record in its path answers 404 to staff from
another area, however many roles they hold, so a new page cannot forget scoping.

The pages are read from the URL configuration and the operations from the API's OpenAPI document:
a new one is tested as soon as it exists. Each record named in a path is found in the maps below
by the part of the path just before it and the name it is given (`sessions/<int:pk>` is a
session); a name the maps do not know fails the test, naming what to add. A page deliberately
open to everyone is listed, with the reason, in NOT_SCOPED.

The records are made once for the module, in the North East (NE01), with a mirror in London
(LON01); each test runs inside that data's transaction and is rolled back. Each request is made
three times: by two members of staff in London who hold every role (one with a PDU's scope, one
with the region's), who must get 404, and by one in the North East with every role, who must not
(so the 404 is the area's doing, not a missing permission or a record of the wrong kind)."""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from ninja.responses import NinjaJSONEncoder

from conftest import ensure_reference_data
from payback.allocation.models import AllocationRun, RunStatus
from payback.api.api import api
from payback.api.tests.client import token_for
from payback.cases.models import Person
from payback.core.models import AuditEvent
from payback.staff.models import Pdu, Scope, User

from .scope_world import Area, build_area, everyone

TODAY = date(2026, 11, 18)
pytestmark = pytest.mark.today(TODAY.isoformat())

# The kind of record a page's path names: by the part of the path before it and its name there.
PAGE_RECORDS: dict[tuple[str, str], str] = {
    ("api-tokens", "pk"): "api_token",
    ("teams", "pk"): "team",
    ("cases", "pk"): "requirement",
    ("hours", "entry_pk"): "ledger_entry",
    ("assessment", "aid"): "assessment",
    ("countersign", "aid"): "assessment",
    ("induction", "iid"): "induction",
    ("people", "crn"): "crn",
    ("projects", "pk"): "project",
    ("assessments", "aid"): "project_assessment",
    ("approvals", "aid"): "project_assessment",
    ("nominations", "pk"): "nomination",
    ("beneficiaries", "pk"): "beneficiary",
    ("sessions", "pk"): "session",
    ("people", "aid"): "appointment",
    ("appointments", "aid"): "appointment",
    ("weekly", "pk"): "series",
    ("absences", "pk"): "absence",
    ("concerns", "pk"): "concern",
    ("incidents", "pk"): "incident",
    ("vehicles", "pk"): "vehicle",
    ("checks", "cid"): "vehicle_check",
    ("runs", "pk"): "run",
    ("weeks", "pk"): "batch",
    ("people", "person_id"): "person",
    ("failures", "ref"): "failure_ref",
    ("evidence", "pk"): "evidence",
    ("letters", "pk"): "letter",
    ("appointments", "appointment_pk"): "appointment",
    ("supervisors", "pk"): "staff_member",
    ("staff", "pk"): "staff_member",
    ("audit-samples", "pk"): "audit_sample",
    ("findings", "pk"): "audit_finding",
    ("practitioners", "pk"): "team_practitioner",
    ("<level:level>", "pk"): "pdu",
    ("<bottom:level>", "pk"): "pdu",
    ("<wide:level>", "pk"): "pdu",
    ("reports", "pk"): "absence_report",
    ("contacts", "contact"): "beneficiary_contact",
}

# Where a page needs its record in a particular state: by the page's name and the parameter.
PAGE_RECORD_STATES: dict[tuple[str, str], str] = {
    ("delivery:appointment-rebooked", "aid"): "appointment_to_rebook",
}

# The same for the API's paths.
API_RECORDS: dict[tuple[str, str], str] = {
    ("people", "crn"): "crn",
    ("requirements", "id"): "requirement",
    ("ledger-entries", "id"): "ledger_entry",
    ("inductions", "id"): "induction",
    ("assessments", "id"): "assessment",
    ("projects", "id"): "project",
    ("beneficiaries", "id"): "beneficiary",
    ("nominations", "id"): "nomination",
    ("sessions", "id"): "session",
    ("incidents", "id"): "incident",
    ("risk-concerns", "id"): "concern",
    ("runs", "run_id"): "run",
    ("failures", "ref"): "failure_ref",
    ("reviews", "point"): "review_point",
    ("areas", "level"): "area_level",
    ("{level}", "id"): "pdu",
    ("figures", "code"): "figure_code",
}

# The management information pages name a PDU by its level and id, and a figure by its code.
INSIGHT_PAGES = ("area", "area-export", "figure", "figure-export", "cases", "fairness", "fairness-export")

# Parts of a page's path that name no record, and the value the page is asked with.
PAGE_PARTS: dict[tuple[str, str], Callable[[Area], str]] = {
    ("cases:assessment-page", "page"): lambda area: area.assessment_page,
    ("enforcement:review", "point"): lambda area: "6",
    **{(f"insight:{page}", "level"): (lambda area: "pdu") for page in INSIGHT_PAGES},
    **{(f"insight:{page}", "code"): (lambda area: "live_cases") for page in ("figure", "figure-export", "cases")},
    **{
        (f"insight:{page}", "fmt"): (lambda area: "csv") for page in ("area-export", "figure-export", "fairness-export")
    },
}

# Records named in a request's body, taken from the caller's own area, so that only the record in
# the path is out of reach.
BODY_RECORDS: dict[tuple[str, str], str] = {
    ("bookAppointment", "requirement_id"): "requirement",
    ("editAllocationPlan", "person"): "person",
    ("editAllocationPlan", "session"): "session",
    ("sendAppointmentLetter", "appointment"): "appointment",
}

# Pages with a path parameter that are deliberately not scoped to an area, and why.
NOT_SCOPED: dict[str, str] = {
    "core:policy-detail": "policy rules are national: the same version applies in every area",
    "core:policy-add": "policy rules are national: the same version applies in every area",
    "nominate:question": "the public nomination form: the part names a question; the answers are the visitor's own",
    "feedback:survey": "a beneficiary's feedback survey: opened signed out by the one-time token emailed to them",
    "staff:password-reset-confirm": "the link in a password reset email: it names its account by a one-time token",
    "enforcement:letter-template-pdf": "a letter template is the same everywhere: a sample with made-up details",
    "insight:national-return": "the path names a month, not a record; the return is refused to all but national staff",
    "portal:cannot-come": "the person's own page (their own sign-in, not staff's): another person's session is 404",
    "portal:letter": "the person's own page (their own sign-in, not staff's): another person's letter is 404",
    **dict.fromkeys(
        ("partners:placement", "partners:timesheet-new", "partners:survey"),
        "a beneficiary contact's own page (their own sign-in, not staff's): another organisation's record is 404",
    ),
}

# API operations with a path parameter that are deliberately not scoped to an area, and why.
API_NOT_SCOPED: dict[str, str] = dict.fromkeys(
    ("getPartnerPlacement", "signPartnerTimesheet", "getPartnerTimesheet"),
    "a beneficiary contact's own API (their own token; staff tokens are 401): another organisation's records are 404",
)

PATH_PARAMETER = r"<(?:\w+:)?{0}>|\(\?P<{0}>|\{{{0}\}}"


def segment_before(path: str, name: str) -> str:
    """The literal part of the path just before the parameter: `sessions` in `sessions/<int:pk>/`."""
    found = re.search(PATH_PARAMETER.format(re.escape(name)), path)
    assert found, f"{name} is not in {path}"
    return path[: found.start()].replace("^", "").rstrip("/").rsplit("/", 1)[-1]


# ---------------------------------------------------------------------------------------------
# What there is to test


@dataclass(frozen=True)
class Page:
    name: str  # with its namespaces: "delivery:session"
    route: str
    parameters: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


def walk(patterns: list[Any], prefix: str = "", namespaces: tuple[str, ...] = ()) -> Iterator[Page]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from walk(pattern.url_patterns, route, inner)
        else:
            names = tuple(a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))
            yield Page(":".join((*namespaces, pattern.name or f"<unnamed {route}>")), route, names)


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    parameters: tuple[str, ...]
    body: dict[str, Any] | None

    def __str__(self) -> str:
        return self.operation_id


DOCUMENT: dict[str, Any] = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
ALL_PAGES = [page for page in walk(get_resolver().url_patterns) if page.parameters]
API_PAGES = [page for page in ALL_PAGES if page.route.startswith("api/")]
PAGES = [page for page in ALL_PAGES if page not in API_PAGES and page.name not in NOT_SCOPED]


def _operations() -> Iterator[Operation]:
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            names = tuple(p["name"] for p in operation.get("parameters", []) if p["in"] == "path")
            if names and operation["operationId"] not in API_NOT_SCOPED:
                body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                yield Operation(operation["operationId"], method.upper(), path, names, body)


OPERATIONS = list(_operations())


# ---------------------------------------------------------------------------------------------
# The records, once for the module


@dataclass
class Caller:
    """A member of staff signed in to the pages, and their API token."""

    user: User
    token: str
    pages: Client

    @classmethod
    def of(cls, user: User) -> "Caller":
        pages = Client()
        pages.force_login(user)
        return cls(user, token_for(user), pages)


@dataclass
class World:
    north_east: Area
    london: Area
    insider: Caller  # every role, in the North East
    outsiders: list[Caller]  # every role, in London: one with a PDU's scope, one with the region's


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Build both areas in a transaction that every test of the module runs inside (each in its own
    savepoint), and roll it back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with time_machine.travel(datetime.combine(TODAY, time(10), tzinfo=ZoneInfo("Europe/London")), tick=False):
                built = _build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _build() -> World:
    ensure_reference_data()
    north_east = Pdu.objects.select_related("region").get(code="NE01")
    london = Pdu.objects.select_related("region").get(code="LON01")
    area = build_area(north_east, "ne", today=TODAY)
    return World(
        north_east=area,
        london=build_area(london, "london", today=TODAY),
        insider=Caller.of(area.insider),
        outsiders=[
            Caller.of(everyone("london-pdu", pdu=london)),
            Caller.of(everyone("london-region", pdu=london, scope=Scope.REGION)),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Pages


def page_record(page: Page, name: str) -> str:
    """The kind of record the page's parameter names; a parameter the maps do not know fails."""
    if (page.name, name) in PAGE_RECORD_STATES:
        return PAGE_RECORD_STATES[page.name, name]
    key = (segment_before(page.route, name), name)
    if key not in PAGE_RECORDS:
        pytest.fail(
            f"{page.name} ({page.route}) names a record by '{name}' after '{key[0]}/', and this test does "
            f"not know which: add {key!r} to PAGE_RECORDS with the kind of record (and build one in "
            f"scope_world.py if the kind is new), or add '{page.name}' to NOT_SCOPED with the reason it is "
            "open to every area"
        )
    return PAGE_RECORDS[key]


def page_url(page: Page, own: Area, *, foreign: tuple[str, Area] | None = None) -> str:
    """The page's address for the records of one area (or one of them, `foreign`, from another)."""
    kwargs: dict[str, Any] = {}
    for name in page.parameters:
        area = foreign[1] if foreign and foreign[0] == name else own
        if (page.name, name) in PAGE_PARTS:
            kwargs[name] = PAGE_PARTS[page.name, name](area)
        else:
            kwargs[name] = area.ids[page_record(page, name)]
    return reverse(page.name, kwargs=kwargs)


def as_signed_in(caller: Caller, method: str, url: str) -> int:
    """The status of the answer; being sent to sign in (or to give a code) would prove nothing."""
    response = caller.pages.generic(method, url)
    assert not response.get("Location", "").startswith(("/sign-in/", "/account/authenticator/")), response["Location"]
    STATUSES.append((caller.user.username, method, url, response.status_code))
    return response.status_code


STATUSES: list[tuple[str, str, str, int]] = []


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_a_page_for_a_record_in_another_area_is_not_found(page: Page, method: str, world: World, db: Any) -> None:
    url = page_url(page, world.north_east)
    answers = {caller.user.username: as_signed_in(caller, method, url) for caller in world.outsiders}
    inside = as_signed_in(world.insider, method, url)
    assert inside not in (403, 404), f"{method} {url}: staff of the record's own area got {inside}"
    allowed = {404, 405} if inside == 405 else {404}
    assert all(status in allowed for status in answers.values()), f"{method} {url} from London: {answers}"


def _mixed() -> Iterator[Any]:
    for page in PAGES:
        records = [name for name in page.parameters if (page.name, name) not in PAGE_PARTS]
        if len(records) > 1:
            for name in records:
                yield pytest.param(page, name, id=f"{page}[{name} from another area]")


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("page", "foreign"), list(_mixed()))
def test_a_page_pairing_ones_own_record_with_one_of_another_area_is_not_found(
    page: Page, foreign: str, method: str, world: World, db: Any
) -> None:
    """A London session with a North East appointment in the path is no way round the scoping."""
    mixed = page_url(page, world.london, foreign=(foreign, world.north_east))
    answers = {caller.user.username: as_signed_in(caller, method, mixed) for caller in world.outsiders}
    own = as_signed_in(world.outsiders[0], method, page_url(page, world.london))
    assert own not in (403, 404), f"{method} {page} with London's own records got {own}"
    allowed = {404, 405} if own == 405 else {404}
    assert all(status in allowed for status in answers.values()), f"{method} {mixed} from London: {answers}"


def test_every_api_path_with_a_parameter_is_in_the_document() -> None:
    """The API's operations are tested from its document: none may be left out of it."""
    documented = set(DOCUMENT["paths"])
    missing = [
        page.route for page in API_PAGES if "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", page.route) not in documented
    ]
    assert API_PAGES and not missing


def test_a_new_page_or_operation_naming_a_record_the_maps_do_not_know_fails() -> None:
    """What a developer sees when a new page or operation names a record: which map to add it to."""
    page = Page("delivery:tool", "sessions/tools/<int:pk>/", ("pk",))
    with pytest.raises(
        pytest.fail.Exception, match=r"add \('tools', 'pk'\) to PAGE_RECORDS .* or add 'delivery:tool' to NOT_SCOPED"
    ):
        page_record(page, "pk")
    operation = Operation("getTool", "GET", "/api/v1/tools/{id}", ("id",), None)
    with pytest.raises(
        pytest.fail.Exception, match=r"add \('tools', 'id'\) to API_RECORDS .* 'getTool' to API_NOT_SCOPED"
    ):
        api_record(operation, "id")
    assert page_record(Page("delivery:tools", "sessions/<int:pk>/tools/", ("pk",)), "pk") == "session"


def test_the_maps_name_only_pages_and_operations_that_exist() -> None:
    """The walk finds every page and operation the maps were written for: none is stale."""
    page_keys = {(segment_before(page.route, name), name) for page in PAGES for name in page.parameters}
    assert set(PAGE_RECORDS) <= page_keys
    assert set(PAGE_RECORD_STATES) | set(PAGE_PARTS) <= {(p.name, n) for p in PAGES for n in p.parameters}
    assert set(NOT_SCOPED) <= {page.name for page in ALL_PAGES}
    api_keys = {(segment_before(op.path, name), name) for op in OPERATIONS for name in op.parameters}
    assert set(API_RECORDS) <= api_keys
    assert {op for op, _ in BODY_RECORDS} <= {str(op) for op in OPERATIONS}


# ---------------------------------------------------------------------------------------------
# API operations


def example(schema: dict[str, Any]) -> Any:
    """The smallest value the document accepts: required fields only."""
    if "$ref" in schema:
        return example(DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    for choice in ("anyOf", "oneOf", "allOf"):
        if choice in schema:
            return example(next(s for s in schema[choice] if s.get("type") != "null"))
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {name: example(schema["properties"][name]) for name in schema.get("required", [])}
    if kind == "array":
        return [example(schema["items"]) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    return {"date": TODAY.isoformat(), "date-time": f"{TODAY.isoformat()}T10:00:00Z"}.get(schema.get("format", ""), "x")


def api_record(operation: Operation, name: str) -> str:
    """The kind of record the operation's path parameter names; one the map does not know fails."""
    key = (segment_before(operation.path, name), name)
    if key not in API_RECORDS:
        pytest.fail(
            f"{operation} ({operation.method} {operation.path}) names a record by '{name}' after "
            f"'{key[0]}/', and this test does not know which: add {key!r} to API_RECORDS with the kind of "
            f"record (and build one in scope_world.py if the kind is new), or add '{operation}' to "
            "API_NOT_SCOPED with the reason it is open to every area"
        )
    return API_RECORDS[key]


def api_call(operation: Operation, token: str, path_area: Area, body_area: Area) -> tuple[int, str]:
    path = operation.path
    for name in operation.parameters:
        path = path.replace(f"{{{name}}}", str(path_area.ids[api_record(operation, name)]))
    body = example(operation.body) if operation.body else None
    if isinstance(body, dict):
        for (operation_id, field), kind in BODY_RECORDS.items():
            if operation_id == operation.operation_id:
                body[field] = body_area.ids[kind]
    response = Client().generic(
        operation.method,
        path,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.status_code, response.content.decode()[:300]


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_an_api_operation_on_a_record_in_another_area_is_not_found(operation: Operation, world: World, db: Any) -> None:
    answers = {
        caller.user.username: api_call(operation, caller.token, world.north_east, world.london)
        for caller in world.outsiders
    }
    inside = api_call(operation, world.insider.token, world.north_east, world.north_east)
    assert inside[0] not in (401, 403, 404, 422), f"{operation}: staff of the record's own area got {inside}"
    assert all(status == 404 for status, _ in answers.values()), f"{operation} from London: {answers}"


@pytest.mark.parametrize(
    "operation",
    [operation for operation in OPERATIONS if any(op == str(operation) for op, _ in BODY_RECORDS)],
    ids=str,
)
def test_an_api_operation_on_ones_own_record_naming_one_of_another_area_in_its_body_is_refused(
    operation: Operation, world: World, db: Any
) -> None:
    """Booking someone from the North East onto a London session, or moving them in a London plan,
    is refused like any record that does not exist, saying nothing of them."""
    person = Person.objects.get(pk=world.north_east.ids["person"])
    for caller in world.outsiders:
        status, content = api_call(operation, caller.token, world.london, world.north_east)
        assert status in (400, 404), f"{operation} from {caller.user}: {status} {content}"
        assert person.crn not in content and person.last_name not in content


def test_a_plan_is_not_changed_for_a_person_of_another_area(world: World, db: Any) -> None:
    """Taking a North East person off a session of a London plan, or pinning them there, is not
    found, and the plan and its history are left as they were."""
    run = AllocationRun.objects.get(pk=world.london.ids["run"])
    assert run.status == RunStatus.DONE
    before = (run.pins, run.removals, run.edits, AuditEvent.objects.filter(action__startswith="allocation.").count())
    session = world.london.ids["session"]
    stranger = world.north_east.ids["person"]
    for name, data in (
        ("allocation:remove", {"session": session}),
        ("allocation:pin", {"session": session, "pin": "1"}),
    ):
        response = world.outsiders[0].pages.post(reverse(name, args=[run.pk, stranger]), data)
        assert response.status_code == 404, (name, response.status_code, response.get("Location"))
    run.refresh_from_db()
    assert (
        run.pins,
        run.removals,
        run.edits,
        AuditEvent.objects.filter(action__startswith="allocation.").count(),
    ) == before
