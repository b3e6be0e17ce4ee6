"""The beneficiary's feedback pages through the Django test client: the public survey opened
signed out by its link, its protections (CSRF, the rate limit, nothing shown but the project's and
the beneficiary's names), the used and expired link; and the staff side: the project's feedback
section with its "send now" button, and the surveys on the beneficiary's page."""

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from payback.projects import services
from payback.projects.feedback_views import RATE_LIMIT
from payback.projects.models import BeneficiarySurvey, Project
from payback.staff.models import Pdu, User
from payback.staff.roles import PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import active_project, frozen_today

TODAY = date(2026, 11, 18)
pytestmark = [pytest.mark.django_db, pytest.mark.today(TODAY.isoformat())]
SITE = "https://payback.example.gov.uk"
ANSWERS = {
    "overall_satisfaction": "4",
    "work_quality": "5",
    "would_have_again": "yes",
    "comments": "Tidy work, finished on time.",
    "answered_by": "Sam Reed",
}


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def project(coordinator: User, manager: User, pdu_a: Pdu) -> Project:
    return active_project(coordinator, manager, pdu_a)


@pytest.fixture
def link(project: Project, coordinator: User) -> str:
    services.survey_send_now(actor=coordinator, project=project, site=SITE)
    found = re.search(r"https://payback\.example\.gov\.uk(/feedback/[A-Za-z0-9_-]+/)", mail.outbox[-1].body)
    assert found
    return found.group(1)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answers_for(project: Project, **changes: str) -> dict[str, str]:
    return {**ANSWERS, "project": str(project.pk), **changes}


def test_a_beneficiary_answers_signed_out_and_the_link_is_then_gone(link: str, project: Project) -> None:
    public = Client()
    page = public.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Towpath clearance" in html and "Towpath clearance Trust" in html
    assert "sam@trust.example" not in html and "Sam Reed" not in html  # nothing about the contact or staff
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    for radio in ('value="5">', "Very satisfied", "Very dissatisfied", "Very good", "Very poor"):
        assert radio in html

    response = public.post(link, answers_for(project))
    assert response.status_code == 302 and response["Location"] == "/feedback/thank-you/"
    thanks = public.get("/feedback/thank-you/").content.decode()
    assert "Feedback sent" in thanks and "Towpath clearance" in thanks
    survey = BeneficiarySurvey.objects.get()
    assert (survey.overall_satisfaction, survey.work_quality, survey.would_have_again) == (4, 5, True)

    again = public.get(link)
    assert again.status_code == 410
    assert "This survey has already been answered" in again.content.decode()
    resent = public.post(link, answers_for(project, overall_satisfaction="1"))
    assert resent.status_code == 410
    survey.refresh_from_db()
    assert survey.overall_satisfaction == 4


def test_missing_or_wrong_answers_are_named_on_the_page(link: str, project: Project) -> None:
    response = Client().post(link, answers_for(project, overall_satisfaction="", work_quality="9", comments="x" * 2001))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("govuk-error-message") == 3
    assert 'href="#id_overall_satisfaction-0">Select how satisfied you are with the work overall' in html
    assert 'href="#id_work_quality-0">' in html
    assert "Comments must be 2,000 characters or fewer" in html
    assert "<title>Error: " in html
    assert BeneficiarySurvey.objects.get().used_at is None


def test_the_survey_page_is_protected_like_the_nomination_form(link: str, project: Project) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(link).status_code == 200
    assert strict.post(link, answers_for(project)).status_code == 403  # no CSRF token
    assert BeneficiarySurvey.objects.get().used_at is None

    public = Client()
    for _ in range(RATE_LIMIT):
        assert public.post(link, answers_for(project, overall_satisfaction="")).status_code == 200
    too_many = public.post(link, answers_for(project))
    assert too_many.status_code == 429
    assert "Too many answers have been sent" in too_many.content.decode()
    assert BeneficiarySurvey.objects.get().used_at is None


def test_an_unknown_expired_or_misdirected_link(link: str, project: Project, coordinator: User, manager: User) -> None:
    public = Client()
    assert public.get("/feedback/not-a-real-survey-token-at-all/").status_code == 404
    assert public.get("/feedback/short/").status_code == 404
    other = active_project(coordinator, manager, project.pdu, name="Churchyard tidy")
    wrong = public.post(link, answers_for(other))
    assert wrong.status_code == 410 and "This link is for a different project" in wrong.content.decode()
    with frozen_today(TODAY + timedelta(days=61)):
        expired = public.get(link)
    assert expired.status_code == 410
    assert "This link has expired" in expired.content.decode()
    assert "17 January 2027" in expired.content.decode()
    assert BeneficiarySurvey.objects.get().used_at is None


def test_the_project_page_lists_the_surveys_and_their_answers(link: str, project: Project, coordinator: User) -> None:
    Client().post(link, answers_for(project))
    html = client_for(coordinator).get(f"/projects/{project.pk}/").content.decode()
    section = html[html.index('id="feedback"') :]
    assert "Beneficiary feedback" in html
    assert "Ongoing feedback survey sent 18 November 2026" in section
    for shown in ("Answered", "Satisfied (4 out of 5)", "Very good (5 out of 5)", "Tidy work, finished on time."):
        assert shown in section
    assert "Send a feedback survey now" in section


def test_staff_send_a_survey_from_the_project_page(project: Project, coordinator: User, make_user: Callable) -> None:
    url = f"/projects/{project.pk}/feedback/send/"
    staff = client_for(coordinator)
    assert staff.get(url).status_code == 405
    response = staff.post(url)
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert [m.to for m in mail.outbox] == [["sam@trust.example"]]
    page = staff.get(f"/projects/{project.pk}/").content.decode()
    assert "Feedback survey sent to sam@trust.example: it can be answered until 17 January 2027" in page
    assert "Waiting for an answer" in page

    staff.post(url)
    refused = staff.get(f"/projects/{project.pk}/").content.decode()
    assert "The survey sent on 18 November 2026 is waiting for an answer" in refused
    assert len(mail.outbox) == 1

    supervisor = make_user("sid", role=SUPERVISOR, pdu=project.pdu)
    assert client_for(supervisor).post(url).status_code == 403
    assert "Send a feedback survey now" not in client_for(supervisor).get(f"/projects/{project.pk}/").content.decode()
    london = make_user("lena", role=PLACEMENT_COORDINATOR, pdu=Pdu.objects.get(code="LON01"))
    assert client_for(london).post(url).status_code == 404
    assert BeneficiarySurvey.objects.count() == 1


def test_the_beneficiary_page_shows_the_surveys_not_the_old_link(
    link: str, project: Project, coordinator: User
) -> None:
    Client().post(link, answers_for(project))
    html = client_for(coordinator).get(f"/projects/beneficiaries/{project.beneficiary_id}/").content.decode()
    assert project.beneficiary.feedback_token not in html
    table = html[html.index('data-testid="beneficiary-surveys"') :]
    assert f'href="/projects/{project.pk}/#feedback">Towpath clearance</a>' in table
    assert "Ongoing feedback" in table and "Answered" in table and "Satisfied" in table
