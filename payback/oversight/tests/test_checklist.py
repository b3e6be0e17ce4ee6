"""The daily checklist: each part worked out from the records by the selectors that decide it, only
for the senior's own team, with a link to where each thing is done."""

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from payback.cases.models import Requirement
from payback.cases.services.sbar import sbar_raise
from payback.core.selectors import policy_book
from payback.delivery.models import Appointment, RiskConcern
from payback.enforcement.selectors import failure_source_get
from payback.enforcement.services import failure_decide
from payback.oversight.checklist import daily_checklist
from payback.oversight.services import absence_record
from payback.staff.models import Pdu, Team, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR
from payback.testing import builders

from .conftest import at_risk

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]
TODAY = date(2026, 11, 18)  # a Wednesday


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def missed(practitioner: User, supervisor: User, pdu: Pdu, requirement: Requirement, day: date) -> Appointment:
    """Book the person on a session on `day` and record them absent without a reason."""
    coordinator = builders.make_staff(f"cora{requirement.pk}", role=PLACEMENT_COORDINATOR, pdu=pdu)
    manager = builders.make_staff(f"mo{requirement.pk}", role=OPERATIONS_MANAGER, pdu=pdu)
    project = builders.active_project(coordinator, manager, pdu)
    with builders.frozen_today(date(2026, 11, 2)):
        session = builders.plan_session(coordinator, project, day, supervisor=supervisor)
        (appointment,) = builders.book(coordinator, session, requirement)
    with builders.frozen_today(day):
        builders.submit(supervisor, session, [builders.line(appointment, "unacceptable_absence")])
    return appointment


@pytest.fixture
def world(
    senior: User,
    practitioner: User,
    team: Team,
    other_senior: User,
    other_practitioner: User,
    supervisor: User,
    pdu_a: Pdu,
) -> dict[str, Any]:
    """Pat (Sophie's team) has a very high risk case overdue a touch point, a case with a decision
    overdue, one decided unacceptable and an assessment to countersign; Priya (Simon's team) has a
    very high risk case of her own."""
    very_high = at_risk(
        builders.new_case(practitioner, sentence_date=date(2026, 10, 26), last_name="Vance"), "very_high"
    )
    other = at_risk(
        builders.new_case(other_practitioner, sentence_date=date(2026, 10, 26), last_name="Elsewhere"), "very_high"
    )
    undecided = builders.placeable_person(practitioner, sentence_date=date(2026, 10, 19), last_name="Undecided")
    warned = builders.placeable_person(practitioner, sentence_date=date(2026, 10, 19), last_name="Warned")
    missed(practitioner, supervisor, pdu_a, undecided, date(2026, 11, 4))
    absent = missed(practitioner, supervisor, pdu_a, warned, date(2026, 11, 9))
    failure_decide(
        actor=practitioner,
        source=failure_source_get(practitioner, f"A{absent.pk}"),
        verdict="unacceptable",
        reason="No reason given",
    )
    countersign = builders.new_case(practitioner, sentence_date=date(2026, 11, 9), last_name="Countersign")
    assessment = builders.assess(practitioner, countersign, rosh="high")
    RiskConcern.objects.create(person=very_high.person, category="wellbeing", details="Low mood", raised_by=supervisor)
    RiskConcern.objects.create(person=other.person, category="wellbeing", details="Elsewhere", raised_by=supervisor)
    consultation = sbar_raise(
        actor=practitioner, requirement=very_high, situation="S", background="B", assessment="A", recommendation="R"
    )
    absence_record(actor=senior, staff=practitioner, first_day=TODAY, last_day=TODAY, kind="sickness")
    absence_record(
        actor=senior, staff=senior, first_day=date(2026, 11, 20), last_day=date(2026, 11, 20), kind="training"
    )
    absence_record(
        actor=other_senior,
        staff=other_practitioner,
        first_day=TODAY,
        last_day=TODAY,
        kind="sickness",
    )
    return {"very_high": very_high, "other": other, "assessment": assessment, "consultation": consultation}


def test_the_checklist_lists_each_part_for_the_seniors_team(senior: User, world: dict[str, Any]) -> None:
    checklist = daily_checklist(senior, today=TODAY, book=policy_book())
    assert [(w.practitioner.username, w.open_cases) for w in checklist.workloads] == [("pat", 4)]
    assert checklist.workloads[0].outstanding_minutes == 4 * 100 * 60 - 2 * 60  # two inductions credited
    assert [row.requirement for row in checklist.risk_points] == [world["very_high"]]
    assert [c.person.last_name for c in checklist.concerns] == ["Vance"]
    assert [a.staff.username for a in checklist.away_today] == ["pat"]
    assert [a.staff.username for a in checklist.away_this_week] == ["sophie"]
    assert [(row.requirement.person.last_name, row.reasons) for row in checklist.cases_of_concern] == [
        ("Warned", ("1 unacceptable failure",))
    ]
    assert [row.source.requirement.person.last_name for row in checklist.decisions_overdue] == ["Undecided"]
    assert [row.practitioner.username for row in checklist.supervision_overdue] == ["pat"]
    assert [row.requirement for row in checklist.touch_points_overdue] == [world["very_high"]]
    assert checklist.consultations == [world["consultation"]]
    assert checklist.countersignatures == [world["assessment"]]


def test_the_page_links_each_item_to_where_it_is_done_and_shows_no_other_team(
    senior: User, practitioner: User, world: dict[str, Any]
) -> None:
    assert 'href="/oversight/today/"' in text_of(client_for(senior).get("/oversight/"))
    page = text_of(client_for(senior).get("/oversight/today/"))
    very_high, consultation = world["very_high"], world["consultation"]
    assert "Today's checklist" in page and "Wednesday 18 November 2026" in page
    assert f'href="/oversight/cases/{very_high.pk}/touch-point/"' in page
    assert f'href="/oversight/practitioners/{practitioner.pk}/supervision/"' in page
    assert f'href="/cases/{very_high.pk}/consultations/answer/?consultation={consultation.pk}"' in page
    assert f'href="/cases/countersign/{world["assessment"].pk}/"' in page
    assert 'href="/enforcement/failures/A' in page and "Decision overdue" in page
    assert "Pat Tester: sickness" in page and "Sophie Tester: training, Friday 20 November" in page
    # Simon's team: Priya, her case and her absence are not on Sophie's checklist.
    assert "Priya" not in page and "Elsewhere" not in page


def test_another_senior_sees_only_their_own_team(other_senior: User, world: dict[str, Any]) -> None:
    checklist = daily_checklist(other_senior, today=TODAY, book=policy_book())
    assert [w.practitioner.username for w in checklist.workloads] == ["priya"]
    assert [row.requirement for row in checklist.risk_points] == [world["other"]]
    assert [a.staff.username for a in checklist.away_today] == ["priya"]
    assert checklist.concerns[0].person.last_name == "Elsewhere" and len(checklist.concerns) == 1
    assert not checklist.cases_of_concern and not checklist.decisions_overdue and not checklist.countersignatures


def test_an_operations_manager_sees_every_team_read_only(manager: User, world: dict[str, Any]) -> None:
    page = text_of(client_for(manager).get("/oversight/today/"))
    assert "Pat Tester" in page and "Priya Tester" in page
    assert "/touch-point/" not in page and "/supervision/" not in page and "SBAR consultations waiting" not in page
    assert f'href="/cases/{world["very_high"].pk}/"' in page


def test_a_practitioner_cannot_open_the_checklist(practitioner: User) -> None:
    assert client_for(practitioner).get("/oversight/today/").status_code == 403
