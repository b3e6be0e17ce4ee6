"""A probation practitioner's home page: their decisions, reviews, inductions and assessments,
risk concerns and bookings that now break a rule, most urgent first, each linking to where the
work is done; only their own caseload counted, nobody else's in the PDU nor London's."""

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from payback.delivery.services import risk_concern_raise
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.testing.builders import make_staff, new_case, plan_session

from .builders import break_a_rule, fail_on, person
from .conftest import client_for, item_of, text_of, work_order

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]


@pytest.fixture
def caseload(practitioner: User, coordinator: User, supervisor: User, project: Project, pdu_a: Pdu) -> dict[str, Any]:
    """Pat's cases: a failure whose evidence date passed on Monday and one whose date is next
    Monday, a concern from the supervisor, a case sentenced on 2 November not yet inducted, a
    6-month review that fell on 4 November, and a booking next Wednesday that now breaks a rule."""
    ashby, brook = person(practitioner, "Ashby"), person(practitioner, "Brook")
    overdue = fail_on(date(2026, 11, 9), ashby, project, planner=coordinator, supervisor=supervisor)
    later = fail_on(date(2026, 11, 16), brook, project, planner=coordinator, supervisor=supervisor)
    concern = risk_concern_raise(
        actor=supervisor, person=ashby.person, category="drugs_alcohol", details="Smelt of drink"
    )
    newman = new_case(practitioner, sentence_date=date(2026, 11, 2), last_name="Newman")
    reviewed = person(practitioner, "Rowe", sentenced=date(2026, 5, 4))
    wednesday = plan_session(coordinator, project, date(2026, 11, 25), supervisor=supervisor)
    booking = break_a_rule(practitioner, person(practitioner, "Cole"), wednesday, planner=coordinator)
    # Someone else's case in the PDU: not Pat's to decide.
    priya = make_staff("priya", pdu=pdu_a)
    fail_on(date(2026, 11, 11), person(priya, "Other"), project, planner=coordinator, supervisor=supervisor)
    return {
        "overdue": overdue,
        "later": later,
        "concern": concern,
        "newman": newman,
        "reviewed": reviewed,
        "booking": booking,
    }


def test_the_practitioners_work_is_listed_most_urgent_first(practitioner: User, caseload: dict[str, Any]) -> None:
    page = client_for(practitioner).get("/").content.decode()
    # Overdue first, earliest date first: the review (4 November), the induction (due within days
    # of 2 November), the decision (evidence due 16 November); then the concern waiting; then the
    # booking whose session is next week.
    assert work_order(page) == ["reviews", "starts", "decisions", "concerns", "bookings"]
    assert caseload["newman"].induction_due < date(2026, 11, 16)


def test_each_kind_of_work_counts_and_links_to_where_it_is_done(practitioner: User, caseload: dict[str, Any]) -> None:
    page = text_of(client_for(practitioner).get("/"))
    decisions = item_of(page, "decisions")
    assert 'href="/enforcement/to-decide/"' in decisions and "Decisions to make" in decisions
    assert "2 possible failures, 1 overdue" in decisions
    assert f'href="/enforcement/failures/A{caseload["overdue"].pk}/"' in decisions
    assert "Evidence due 16 November 2026" in decisions and "Evidence due 23 November 2026" in decisions
    assert "Other" not in decisions  # Priya's case

    reviews = item_of(page, "reviews")
    reviewed = caseload["reviewed"]
    assert "1 review" in reviews and f'href="/enforcement/cases/{reviewed.pk}/reviews/6/"' in reviews
    assert "Rowe: 6-month review" in reviews and "4 November 2026" in reviews

    starts = item_of(page, "starts")
    assert 'href="/cases/?mine=1&amp;flag=overdue"' in starts
    assert "1 case" in starts and "1 overdue" in starts  # overdue for its induction, due soon for its assessment
    assert starts.count(f'href="/cases/{caseload["newman"].pk}/"') == 1 and "Induction due" in starts

    concerns = item_of(page, "concerns")
    assert 'href="/sessions/concerns/"' in concerns and "Waiting" in concerns and "1 concern" in concerns
    assert f'href="/sessions/concerns/{caseload["concern"].pk}/"' in concerns
    assert "Ashby: drugs or alcohol" in concerns and "Raised 18 November 2026" in concerns

    bookings = item_of(page, "bookings")
    assert 'href="/sessions/bookings-to-fix/"' in bookings
    assert "Cole: Towpath clearance" in bookings and "Session on 25 November 2026" in bookings
    assert "Due 25 November" in bookings


def test_a_practitioner_with_nothing_to_do_is_told_so(practitioner: User, other_region_practitioner: User) -> None:
    page = text_of(client_for(practitioner).get("/"))
    assert "What needs you today" in page and "Wednesday 18 November 2026" in page
    assert "Nothing needs you today." in page and "You have no notifications." in page
    assert "Nothing to do for 5 other kinds of work" in page
    assert work_order(page) == []
    assert 'href="/enforcement/to-decide/">Decisions to make</a>: none' in page


def test_london_does_not_see_the_north_easts_work(other_region_practitioner: User, caseload: dict[str, Any]) -> None:
    page = text_of(client_for(other_region_practitioner).get("/"))
    assert work_order(page) == [] and "Ashby" not in page


def test_the_menu_counts_what_there_is_to_decide_in_words_for_screen_readers(
    practitioner: User, caseload: dict[str, Any]
) -> None:
    page = text_of(client_for(practitioner).get("/cases/"))
    assert (
        'href="/enforcement/to-decide/">To decide</a><span class="moj-notification-badge" data-testid="badge">'
        '<span aria-hidden="true">2</span><span class="govuk-visually-hidden">(2 to decide)</span></span>'
    ) in page
    assert '<span class="govuk-visually-hidden">(1 to acknowledge)</span>' in page
    # The concern and the booking that now breaks a rule were notifications too, not yet read.
    assert '>Notifications</a><span class="moj-notification-badge" data-testid="badge">' in page
    assert '<span class="govuk-visually-hidden">(2 unread)</span>' in page


def test_the_practitioners_notifications_come_first(practitioner: User, caseload: dict[str, Any]) -> None:
    page = text_of(client_for(practitioner).get("/"))
    panel = page.index('data-testid="home-notifications"')
    assert panel < page.index('data-testid="section-probation-practitioner"')
    assert "New" in page[panel:] and "risk concern" in page[panel:].lower()


def queries_for(user: User) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_home_page_reads_no_more_for_more_work(
    practitioner: User, coordinator: User, supervisor: User, project: Project
) -> None:
    def more(day: date, name: str) -> None:
        case = person(practitioner, name)
        fail_on(day, case, project, planner=coordinator, supervisor=supervisor)
        risk_concern_raise(actor=supervisor, person=case.person, category="drugs_alcohol", details="Seen")
        new_case(practitioner, sentence_date=date(2026, 11, 2), last_name=f"New {name}")

    more(date(2026, 11, 9), "One")
    one = queries_for(practitioner)
    for index, day in enumerate((date(2026, 11, 11), date(2026, 11, 16), date(2026, 11, 4), date(2026, 11, 2))):
        more(day, f"More{index}")
    assert queries_for(practitioner) == one
    assert one <= 40
