"""The head of unpaid work's home page: this month's headline figures for their area (1 to 18
November 2026) as cards beside the same days last year, each linked to its breakdown; London's
hours never in the North East's; a case administrator, with no work of their own here, is told so;
someone holding two roles sees a section for each."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Group

from payback.cases.models import Requirement
from payback.cases.services import ledger_credit_work
from payback.insight.services import figures_refresh
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import CASE_ADMINISTRATOR, HEAD_OF_UNPAID_WORK, SUPERVISOR
from payback.testing.builders import make_staff, new_case

from .conftest import client_for, text_of
from .test_practitioner import queries_for

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]


def worked(requirement: Requirement, minutes: int, day: date) -> None:
    actor = requirement.person.practitioner
    ledger_credit_work(actor=actor, requirement=requirement, minutes=minutes, occurred_on=day, source="session")


@pytest.fixture
def counted(pdu_a: Pdu, pdu_b: Pdu) -> None:
    """Ten hours worked in the North East this month, five in London; the figures counted."""
    worked(new_case(make_staff("pat", pdu=pdu_a), sentence_date=date(2026, 10, 5)), 600, date(2026, 11, 10))
    worked(new_case(make_staff("lou", pdu=pdu_b), sentence_date=date(2026, 10, 5)), 300, date(2026, 11, 3))
    figures_refresh()


def figure_cards(page: str) -> dict[str, str]:
    """Each card's figure and value."""
    cards = re.findall(
        r'data-testid="figure">.*?<a class="govuk-link" href="[^"]+">([^<]+)</a>'
        r'.*?data-testid="figure-value">(.*?)</p>',
        page,
    )
    return dict(cards)


def test_a_regional_head_sees_this_months_figures_for_their_region(counted: None, pdu_a: Pdu) -> None:
    head = make_staff("rhea", role=HEAD_OF_UNPAID_WORK, scope=Scope.REGION, region=pdu_a.region)
    page = text_of(client_for(head).get("/"))
    assert "North East, 1 November to 18 November 2026" in page
    cards = figure_cards(page)
    assert list(cards) == [
        "Hours worked",
        "Requirements completed",
        "Share completed in time",
        "Compliance rate",
        "Share of inductions on time",
        "Backlog",
    ]
    assert cards["Hours worked"] == "10.0" and cards["Requirements completed"] == "0"
    assert "not available" in cards["Share completed in time"]  # nothing completed: no rate
    here = f"/insight/region/{pdu_a.region_id}/"
    assert f'href="{here}figures/worked_minutes/"' in page
    assert 'href="/insight/">All the figures for North East</a>' in page


def test_the_national_head_sees_the_countrys_figures(counted: None, head_of_upw: User) -> None:
    page = text_of(client_for(head_of_upw).get("/"))
    assert "England and Wales, 1 November to 18 November 2026" in page
    assert figure_cards(page)["Hours worked"] == "15.0"
    assert "Same days last year:" in page


def test_the_heads_page_reads_no_more_for_more_work(counted: None, head_of_upw: User, pdu_a: Pdu) -> None:
    one = queries_for(head_of_upw)
    for day in (2, 4, 6, 9):
        worked(new_case(make_staff(f"p{day}", pdu=pdu_a), sentence_date=date(2026, 10, 5)), 60, date(2026, 11, day))
    figures_refresh()
    assert queries_for(head_of_upw) == one


def test_a_case_administrator_has_no_work_of_their_own_here(pdu_a: Pdu) -> None:
    admin = make_staff("ada", role=CASE_ADMINISTRATOR, pdu=pdu_a)
    page = text_of(client_for(admin).get("/"))
    assert "Case administrator" in page
    assert "Nothing waits for your role here: the menu has the pages you use." in page


def test_someone_in_two_roles_sees_a_section_for_each(practitioner: User) -> None:
    practitioner.groups.add(Group.objects.get(name=SUPERVISOR))
    page = text_of(client_for(practitioner).get("/"))
    assert page.index('data-testid="section-supervisor"') < page.index('data-testid="section-probation-practitioner"')
