"""The figures as JSON under /api/v1/insight/, called with a bearer token: what each figure means, an
area's figures as worked out by hand, one figure for each area below, and the same rule on who sees
what as the pages (an area outside yours is 404; no figures at all for a supervisor).

Today is Wednesday 18 November 2026, so "this month" is 1 to 18 November. Pat (NE01) worked 300
minutes on 10 November on a 100-hour case and has a 100-hour case sentenced on 1 September 2025
with none worked (past its 12-month window: the backlog); Nia (NE02) worked 240 minutes on
5 November; Lou (London) 180 on 3 November. NE01's session of 16 November was stood down for the
weather."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from payback.api.tests.client import ApiClient, token_for
from payback.cases.services import ledger_credit_work
from payback.delivery.services import session_stand_down
from payback.insight import measures
from payback.insight.services import figures_refresh
from payback.staff.models import Pdu, Scope, User
from payback.staff.regions import REGIONS
from payback.staff.roles import HEAD_OF_UNPAID_WORK, OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import active_project, frozen_today, make_staff, new_case, plan_session

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]

REFUSED = {"detail": "You do not have permission to see management information"}
NOT_FOUND = {"detail": "Not found"}


@dataclass
class World:
    here: Pdu  # NE01
    next_door: Pdu  # NE02
    london: Pdu  # LON01
    pat: User
    nia: User
    lou: User


@pytest.fixture
def world(pdu_a: Pdu, pdu_a2: Pdu, pdu_b: Pdu) -> World:
    pat, nia, lou = make_staff("pat", pdu=pdu_a), make_staff("nia", pdu=pdu_a2), make_staff("lou", pdu=pdu_b)
    for practitioner, minutes, day in ((pat, 300, 10), (nia, 240, 5), (lou, 180, 3)):
        case = new_case(practitioner, sentence_date=date(2026, 10, 5))
        ledger_credit_work(
            actor=practitioner, requirement=case, minutes=minutes, occurred_on=date(2026, 11, day), source="session"
        )
    new_case(pat, sentence_date=date(2025, 9, 1))
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    project = active_project(coordinator, make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a), pdu_a)
    with frozen_today(date(2026, 11, 2)):
        session = plan_session(coordinator, project, date(2026, 11, 16), supervisor=None)
        session_stand_down(actor=coordinator, session=session, reason="weather")
    figures_refresh()
    return World(pdu_a, pdu_a2, pdu_b, pat, nia, lou)


def api(user: User) -> ApiClient:
    return ApiClient(token_for(user))


def regional_head(world: World) -> User:
    return make_staff("rhea", role=HEAD_OF_UNPAID_WORK, scope=Scope.REGION, region=world.here.region)


def values(body: dict[str, Any]) -> dict[str, Any]:
    return {figure["code"]: figure["value"] for figure in body["figures"]}


def test_the_definitions_list_every_figure_and_rate(world: World) -> None:
    response = api(world.pat).get("/insight/definitions")
    assert response.status_code == 200
    found = response.json()
    assert [d["code"] for d in found] == [m.code for m in measures.MEASURES] + [r.code for r in measures.RATES]
    by_code = {d["code"]: d for d in found}
    assert by_code["worked_minutes"] == {
        "code": "worked_minutes",
        "label": "Hours worked",
        "definition": measures.BY_CODE["worked_minutes"].definition,
        "section": "Hours",
        "kind": "flow",
        "unit": "hours",
    }
    assert (by_code["backlog_cases"]["kind"], by_code["backlog_cases"]["unit"]) == ("stock", "count")
    assert (by_code["attendance_rate"]["kind"], by_code["attendance_rate"]["unit"]) == ("rate", "%")
    assert all(d["label"] and d["definition"] for d in found)


def test_a_pdus_figures_are_the_ones_worked_out_by_hand(world: World) -> None:
    manager = User.objects.get(username="mo")
    response = api(manager).get(f"/insight/areas/pdu/{world.here.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["area"] == {"level": "pdu", "id": world.here.pk, "name": "County Durham and Darlington"}
    assert body["period"] == {"start": "2026-11-01", "end": "2026-11-18"}
    assert body["last_year"] == {"start": "2025-11-01", "end": "2025-11-18"}
    assert body["stocks_on"] == "2026-11-18"
    assert body["refreshed_at"] is not None
    found = values(body)
    # 300 minutes worked; (6000 - 300) + 6000 minutes outstanding; one case in the backlog, up to 3 months past
    # (its window ended on 1 September 2026); one session, stood down for the weather.
    assert (found["worked_minutes"], found["outstanding_minutes"], found["live_cases"]) == (5.0, 195.0, 2)
    assert (found["backlog_cases"], found["backlog_minutes"], found["backlog_0_3"]) == (1, 100.0, 1)
    assert (found["sessions_planned"], found["sessions_stood_down"], found["stood_down_weather"]) == (1, 1, 1)
    assert (found["sessions_run"], found["attendance_rate"]) == (0, None)  # nobody was due: no rate
    worked = next(f for f in body["figures"] if f["code"] == "worked_minutes")
    assert worked["last_year"] == 0.0
    assert body["areas_below"] == [{"level": "practitioner", "id": world.pat.pk, "name": "Pat Tester"}]


def test_a_regions_figures_and_one_figure_for_each_of_its_pdus(world: World) -> None:
    client = api(regional_head(world))
    region = world.here.region_id
    body = client.get(f"/insight/areas/region/{region}").json()
    assert (values(body)["worked_minutes"], values(body)["backlog_cases"]) == (9.0, 1)  # 300 + 240 minutes
    assert [a["name"] for a in body["areas_below"]] == REGIONS["NE"][1]

    response = client.get(f"/insight/areas/region/{region}/figures/worked_minutes")
    assert response.status_code == 200
    breakdown = response.json()
    assert breakdown["figure"]["code"] == "worked_minutes"
    assert [(row["area"]["name"], row["value"]) for row in breakdown["areas_below"]] == [
        (name, {"County Durham and Darlington": 5.0, "Gateshead and South Tyneside": 4.0}.get(name, 0.0))
        for name in REGIONS["NE"][1]
    ]


def test_a_practitioners_figures_are_their_own_caseloads_without_sessions(world: World) -> None:
    body = api(world.pat).get(f"/insight/areas/practitioner/{world.pat.pk}").json()
    found = values(body)
    assert (found["worked_minutes"], found["backlog_cases"], found["live_cases"]) == (5.0, 1, 2)
    assert not {code for code in found if code.startswith(("sessions_", "stood_down_"))}
    assert "incidents" not in found
    assert body["areas_below"] == []


def test_the_national_figures_add_up_every_region(world: World) -> None:
    head = make_staff("hana", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)
    body = api(head).get("/insight/areas/national/0", period="range", start="2026-11-04", end="2026-11-18").json()
    assert body["period"] == {"start": "2026-11-04", "end": "2026-11-18"}
    assert values(body)["worked_minutes"] == 9.0  # 300 + 240: Lou's 180 on 3 November is before the range
    assert len(body["areas_below"]) == 12


def test_mine_names_each_users_own_area(world: World) -> None:
    assert api(world.pat).get("/insight/mine").json() == {
        "level": "practitioner",
        "id": world.pat.pk,
        "name": "Pat Tester",
    }
    assert api(regional_head(world)).get("/insight/mine").json() == {
        "level": "region",
        "id": world.here.region_id,
        "name": "North East",
    }


def test_an_area_outside_the_users_own_is_404(world: World) -> None:
    client = api(regional_head(world))
    london = world.london
    for path in (
        "/insight/areas/national/0",
        f"/insight/areas/region/{london.region_id}",
        f"/insight/areas/pdu/{london.pk}",
        f"/insight/areas/practitioner/{world.lou.pk}",
        f"/insight/areas/pdu/{london.pk}/figures/worked_minutes",
        "/insight/areas/national/0/figures/worked_minutes",
    ):
        response = client.get(path)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), path
    practitioner = api(world.pat)
    for path in (
        f"/insight/areas/pdu/{world.here.pk}",
        f"/insight/areas/practitioner/{world.nia.pk}",
        f"/insight/areas/region/{world.here.region_id}/figures/backlog_cases",
    ):
        assert practitioner.get(path).status_code == 404, path


def test_an_unknown_figure_is_404(world: World) -> None:
    response = api(world.pat).get(f"/insight/areas/practitioner/{world.pat.pk}/figures/nonsense")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        (
            {"period": "range", "start": "2026-11-10", "end": "2026-11-05"},
            [{"field": "end", "message": "The last day must be on or after the first day"}],
        ),
        (
            {"period": "range", "start": "2026-11-01", "end": "2026-11-19"},
            [{"field": "end", "message": "The last day must be today or in the past"}],
        ),
        (
            {"period": "range"},
            [
                {"field": "start", "message": "Enter the first day of the period"},
                {"field": "end", "message": "Enter the last day of the period"},
            ],
        ),
    ],
)
def test_a_bad_period_is_400_naming_the_field(world: World, params: dict[str, str], errors: list[Any]) -> None:
    client = api(world.pat)
    for path in (
        f"/insight/areas/practitioner/{world.pat.pk}",
        f"/insight/areas/practitioner/{world.pat.pk}/figures/worked_minutes",
    ):
        response = client.get(path, **params)
        assert response.status_code == 400, path
        assert sorted(response.json()["errors"], key=str) == sorted(errors, key=str)


def test_a_period_that_is_not_one_of_the_choices_is_422_naming_the_field(world: World) -> None:
    response = api(world.pat).get(f"/insight/areas/practitioner/{world.pat.pk}", period="fortnight")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["period"]


def test_a_supervisor_is_refused_and_a_caller_without_a_token_unauthorised(world: World) -> None:
    supervisor = api(make_staff("sam", role=SUPERVISOR, pdu=world.here))
    for path in (
        "/insight/definitions",
        "/insight/mine",
        f"/insight/areas/pdu/{world.here.pk}",
        f"/insight/areas/pdu/{world.here.pk}/figures/worked_minutes",
    ):
        response = supervisor.get(path)
        assert (response.status_code, response.json()) == (403, REFUSED), path
        assert ApiClient(None).get(path).status_code == 401, path
