"""Beneficiary feedback (SPEC §9): when a project is due a survey, how long a link works, and the
services that send surveys, record the answers and find the ones due, with the command that sends
them. Dates are worked out by hand: the tests run on Wednesday 18 November 2026."""

import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from payback.core.models import AuditEvent
from payback.projects import rules, services
from payback.projects.models import BeneficiarySurvey, Project
from payback.projects.rules import SurveyPoint
from payback.staff.models import Pdu, User
from payback.staff.roles import PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import active_project, frozen_today

TODAY = date(2026, 11, 18)
pytestmark = pytest.mark.today(TODAY.isoformat())
SITE = "https://payback.example.gov.uk"
GOOD = {
    "overall_satisfaction": 5,
    "work_quality": 4,
    "would_have_again": True,
    "comments": "The path is clear again and the group worked hard.",
    "answered_by": "Sam Reed",
}

MakeUser = Callable[..., User]


# ---------------------------------------------------------------------------------------------
# The rules


def due(status: str, started: date | None, today: date, closed: date | None = None, sent: Any = ()) -> list[Any]:
    return rules.survey_points_due(status=status, started_on=started, closed_on=closed, today=today, sent=set(sent))


def test_a_closed_project_is_due_its_end_survey_once() -> None:
    closed = date(2026, 11, 10)
    assert due("closed", date(2026, 1, 5), TODAY, closed) == [SurveyPoint("project_end", closed)]
    assert due("closed", date(2026, 1, 5), TODAY, closed, sent=[("project_end", closed)]) == []
    # closed before any work was done: nothing to ask about
    assert due("closed", None, TODAY, closed) == []


def test_an_active_project_is_due_a_survey_on_each_anniversary_of_its_start() -> None:
    assert due("active", date(2025, 11, 19), TODAY) == []  # its first year ends tomorrow
    assert due("active", date(2025, 11, 18), TODAY) == [SurveyPoint("yearly", date(2026, 11, 18))]
    # the second anniversary is due whether or not the first was surveyed
    first = ("yearly", date(2025, 11, 1))
    assert due("active", date(2024, 11, 1), TODAY, sent=[first]) == [SurveyPoint("yearly", date(2026, 11, 1))]
    # but not twice for the same anniversary
    assert due("active", date(2024, 11, 1), TODAY, sent=[("yearly", date(2026, 11, 1))]) == []
    # an ongoing-feedback survey sent on the anniversary does not count as the yearly one
    assert due("active", date(2024, 11, 1), TODAY, sent=[("ongoing", date(2026, 11, 1))]) != []


def test_only_an_active_project_is_surveyed_yearly() -> None:
    for status in ("draft", "assessed", "paused"):
        assert due(status, date(2025, 11, 18), TODAY) == [], status
    # a closed project with no recorded end has no end survey
    assert due("closed", date(2025, 11, 18), TODAY, closed=None) == []


def test_a_survey_stays_due_for_90_days_from_its_point() -> None:
    # 21 August 2026 is 89 days before 18 November; 20 August is 90
    assert due("active", date(2025, 8, 21), TODAY) == [SurveyPoint("yearly", date(2026, 8, 21))]
    assert due("active", date(2025, 8, 20), TODAY) == []
    assert due("closed", date(2025, 1, 6), TODAY, closed=date(2026, 8, 21)) != []
    assert due("closed", date(2025, 1, 6), TODAY, closed=date(2026, 8, 20)) == []
    assert due("closed", date(2025, 1, 6), TODAY, closed=date(2026, 11, 19)) == []  # not closed yet today


def test_a_project_started_on_29_february_has_its_anniversary_on_28_february() -> None:
    leap = date(2024, 2, 29)
    assert rules.anniversary(leap, 1) == date(2025, 2, 28)
    assert rules.anniversary(leap, 4) == date(2028, 2, 29)
    assert due("active", leap, date(2025, 2, 27)) == []
    assert due("active", leap, date(2025, 2, 28)) == [SurveyPoint("yearly", date(2025, 2, 28))]
    assert rules.latest_anniversary(leap, date(2028, 2, 28)) == date(2027, 2, 28)  # a year ago: no longer due
    assert due("active", leap, date(2028, 2, 28)) == []
    assert due("active", leap, date(2028, 2, 29)) == [SurveyPoint("yearly", date(2028, 2, 29))]
    assert rules.latest_anniversary(leap, date(2026, 3, 1)) == date(2026, 2, 28)


def test_a_link_works_until_the_60th_day_after_it_is_sent() -> None:
    sent = date(2026, 3, 1)
    expires = rules.survey_expires_on(sent)
    assert expires == date(2026, 4, 30)

    def problem(today: date, *, used: bool = False, project: int = 7) -> str | None:
        return rules.survey_link_problem(
            link_project_id=7, project_id=project, used=used, expires_on=expires, today=today
        )

    assert problem(sent) is None
    assert problem(date(2026, 4, 30)) is None  # day 60
    assert problem(date(2026, 5, 1)) == rules.LINK_EXPIRED  # day 61
    assert problem(date(2026, 3, 2), used=True) == rules.LINK_USED
    assert problem(date(2026, 3, 2), project=8) == rules.LINK_WRONG_PROJECT
    assert rules.survey_state(used=False, expires_on=expires, today=date(2026, 5, 1)) == "expired"
    assert rules.survey_state(used=False, expires_on=expires, today=date(2026, 4, 30)) == "waiting"
    assert rules.survey_state(used=True, expires_on=expires, today=date(2026, 5, 1)) == "answered"


# ---------------------------------------------------------------------------------------------
# The services


def token_in(message: Any) -> str:
    found = re.search(r"/feedback/([A-Za-z0-9_-]+)/", message.body)
    assert found, message.body
    return found.group(1)


def counts() -> tuple[int, int, int]:
    answered = BeneficiarySurvey.objects.filter(used_at__isnull=False).count()
    return BeneficiarySurvey.objects.count(), answered, AuditEvent.objects.count()


def refused(service: Callable[..., Any], /, **kwargs: Any) -> ValidationError:
    """Call a service that must refuse; check that it changed nothing and return its refusal."""
    before, sent = counts(), len(mail.outbox)
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    assert (counts(), len(mail.outbox)) == (before, sent)
    return caught.value


@pytest.fixture
def project(coordinator: User, manager: User, pdu_a: Pdu) -> Project:
    return active_project(coordinator, manager, pdu_a)


@pytest.fixture
def sent(project: Project, coordinator: User) -> tuple[BeneficiarySurvey, str]:
    survey = services.survey_send_now(actor=coordinator, project=project, site=SITE)
    return survey, token_in(mail.outbox[-1])


@pytest.mark.django_db
def test_activating_and_closing_a_project_record_its_start_and_end(project: Project, coordinator: User) -> None:
    assert (project.started_on, project.closed_on) == (TODAY, None)
    with frozen_today(date(2026, 11, 20)):
        services.project_change_status(actor=coordinator, project=project, to_status="paused", reason="Flooded")
    with frozen_today(date(2026, 12, 1)):
        services.project_change_status(actor=coordinator, project=project, to_status="active", reason="Dry again")
        services.project_change_status(actor=coordinator, project=project, to_status="closed", reason="Finished")
    project.refresh_from_db()
    assert (project.started_on, project.closed_on) == (TODAY, date(2026, 12, 1))


@pytest.mark.django_db
def test_staff_send_a_survey_and_the_contact_gets_a_link_that_only_it_holds(
    sent: tuple[BeneficiarySurvey, str], project: Project, coordinator: User
) -> None:
    survey, token = sent
    (message,) = mail.outbox
    assert message.to == ["sam@trust.example"]
    assert message.subject == "Tell us what you think of the Community Payback work at Towpath clearance"
    assert f"{SITE}/feedback/{token}/" in message.body
    assert "Dear Sam Reed," in message.body and "until 17 January 2027" in message.body
    assert len(token) >= 43 and token not in survey.token_hash
    assert survey.token_hash == rules.survey_token_hash(token)
    assert (survey.kind, survey.point, survey.sent_on) == ("ongoing", TODAY, TODAY)
    assert survey.expires_on == date(2027, 1, 17)
    assert (survey.sent_by, survey.sent_to, survey.used_at) == (coordinator, "sam@trust.example", None)
    event = AuditEvent.objects.get(action="survey.sent")
    assert (event.actor, event.subject) == (coordinator, f"project:{project.pk}")


@pytest.mark.django_db
def test_the_answers_are_recorded_once(sent: tuple[BeneficiarySurvey, str], project: Project) -> None:
    survey, token = sent
    services.survey_answer(token=token, project_id=project.pk, **{**GOOD, "comments": "  Thank you.  "})
    survey.refresh_from_db()
    assert (survey.overall_satisfaction, survey.work_quality, survey.would_have_again) == (5, 4, True)
    assert (survey.comments, survey.answered_by, survey.answered_on) == ("Thank you.", "Sam Reed", TODAY)
    assert survey.used_at is not None
    event = AuditEvent.objects.get(action="survey.answered")
    assert (event.actor, event.subject) == (None, f"project:{project.pk}")
    assert event.summary == "Ongoing feedback survey about Towpath clearance answered: very satisfied overall"

    again = refused(services.survey_answer, token=token, project_id=project.pk, **{**GOOD, "overall_satisfaction": 1})
    assert again.message_dict == {"link": ["This survey has already been answered: each link can be used once"]}
    assert again.error_dict["link"][0].code == rules.LINK_USED
    survey.refresh_from_db()
    assert (survey.overall_satisfaction, survey.comments) == (5, "Thank you.")


@pytest.mark.django_db
def test_a_link_can_be_answered_on_its_60th_day_but_not_its_61st(coordinator: User, manager: User, pdu_a: Pdu) -> None:
    first = active_project(coordinator, manager, pdu_a, name="Canal clearance")
    second = active_project(coordinator, manager, pdu_a, name="Churchyard tidy")
    tokens = []
    for project in (first, second):
        services.survey_send_now(actor=coordinator, project=project, site=SITE)
        tokens.append(token_in(mail.outbox[-1]))
    with frozen_today(TODAY + timedelta(days=61)):
        late = refused(services.survey_answer, token=tokens[1], project_id=second.pk, **GOOD)
        assert late.error_dict["link"][0].code == rules.LINK_EXPIRED
        assert late.messages == ["This link has expired: a survey can be answered for 60 days after it is sent"]
    with frozen_today(TODAY + timedelta(days=60)):
        services.survey_answer(token=tokens[0], project_id=first.pk, **GOOD)
    assert BeneficiarySurvey.objects.get(project=first).answered_on == TODAY + timedelta(days=60)


@pytest.mark.django_db
def test_a_link_for_one_project_cannot_answer_for_another(coordinator: User, manager: User, pdu_a: Pdu) -> None:
    canal = active_project(coordinator, manager, pdu_a, name="Canal clearance")
    church = active_project(coordinator, manager, pdu_a, name="Churchyard tidy")
    services.survey_send_now(actor=coordinator, project=canal, site=SITE)
    canal_token = token_in(mail.outbox[-1])
    wrong = refused(services.survey_answer, token=canal_token, project_id=church.pk, **GOOD)
    assert wrong.error_dict["link"][0].code == rules.LINK_WRONG_PROJECT
    unknown = refused(services.survey_answer, token="not-a-token-of-any-survey-at-all", project_id=church.pk, **GOOD)
    assert unknown.error_dict["link"][0].code == "unknown"


@pytest.mark.django_db
def test_each_answer_that_will_not_do_is_named(sent: tuple[BeneficiarySurvey, str], project: Project) -> None:
    _, token = sent
    bad = {
        "overall_satisfaction": 6,
        "work_quality": None,
        "would_have_again": "yes",
        "comments": "x" * 2001,
        "answered_by": "y" * 201,
    }
    errors = refused(services.survey_answer, token=token, project_id=project.pk, **bad).message_dict
    assert errors == {
        "overall_satisfaction": ["Select how satisfied you are with the work overall"],
        "work_quality": ["Select how good the quality of the work was"],
        "would_have_again": ["Select yes if you would have people on Community Payback work for you again"],
        "comments": ["Comments must be 2,000 characters or fewer"],
        "answered_by": ["Your name must be 200 characters or fewer"],
    }
    unknown = refused(services.survey_answer, token=token, project_id=project.pk, **GOOD, rating=5)
    assert unknown.message_dict == {"rating": ["Not a survey answer"]}
    # 2,000 characters exactly, and no name, will do
    services.survey_answer(token=token, project_id=project.pk, **{**GOOD, "comments": "x" * 2000, "answered_by": ""})


@pytest.mark.django_db
def test_staff_of_another_pdu_or_without_the_permission_cannot_send_a_survey(
    project: Project, make_user: MakeUser, pdu_b: Pdu, pdu_a: Pdu
) -> None:
    london = make_user("lena", role=PLACEMENT_COORDINATOR, pdu=pdu_b)
    neighbour = make_user("nell", role=PLACEMENT_COORDINATOR, pdu=Pdu.objects.get(code="NE02"))
    supervisor = make_user("sid", role=SUPERVISOR, pdu=pdu_a)
    for actor, message in (
        (london, "The project is outside your area"),
        (neighbour, "The project is outside your area"),
        (supervisor, "You do not have permission to change projects and beneficiaries"),
    ):
        with pytest.raises(PermissionDenied, match=message):
            services.survey_send_now(actor=actor, project=project, site=SITE)
    assert (BeneficiarySurvey.objects.count(), len(mail.outbox)) == (0, 0)


@pytest.mark.django_db
def test_a_survey_is_not_sent_while_another_waits_nor_without_an_address_nor_before_work_starts(
    sent: tuple[BeneficiarySurvey, str], project: Project, coordinator: User, pdu_a: Pdu
) -> None:
    waiting = refused(services.survey_send_now, actor=coordinator, project=project, site=SITE)
    expected = "The survey sent on 18 November 2026 is waiting for an answer: it can be answered until 17 January 2027"
    assert waiting.message_dict == {"project": [expected]}
    with frozen_today(TODAY + timedelta(days=61)):  # the first has expired: another may be sent
        services.survey_send_now(actor=coordinator, project=project, site=SITE)
    assert BeneficiarySurvey.objects.filter(project=project).count() == 2

    beneficiary = project.beneficiary
    services.beneficiary_update(actor=coordinator, beneficiary=beneficiary, contact_email="")
    draft = services.project_create(actor=coordinator, beneficiary=beneficiary, pdu=pdu_a, name="Hedge laying")
    not_started = refused(services.survey_send_now, actor=coordinator, project=draft, site=SITE)
    assert list(not_started.message_dict) == ["project"]
    with frozen_today(TODAY + timedelta(days=200)):
        no_address = refused(services.survey_send_now, actor=coordinator, project=project, site=SITE)
    assert list(no_address.message_dict) == ["contact_email"]


def started(project: Project, day: date) -> None:
    Project.objects.filter(pk=project.pk).update(started_on=day)


@pytest.mark.django_db
def test_the_command_sends_the_surveys_due_once(coordinator: User, manager: User, pdu_a: Pdu) -> None:
    yearly = active_project(coordinator, manager, pdu_a, name="Canal clearance")
    started(yearly, date(2024, 11, 18))  # its second anniversary is today
    ended = active_project(coordinator, manager, pdu_a, name="Churchyard tidy")
    services.project_change_status(actor=coordinator, project=ended, to_status="closed", reason="Work finished")
    young = active_project(coordinator, manager, pdu_a, name="Allotment fencing")
    started(young, date(2026, 1, 1))

    assert [(d.project.name, d.kind, d.point) for d in services.surveys_due(TODAY)] == [
        ("Canal clearance", "yearly", TODAY),
        ("Churchyard tidy", "project_end", TODAY),
    ]
    out = io.StringIO()
    call_command("send_beneficiary_surveys", site=SITE, stdout=out)
    assert out.getvalue().splitlines() == [
        "Surveys due on 18 November 2026: 2",
        f"  Sent: Canal clearance ({pdu_a.name}), yearly, to sam@trust.example",
        f"  Sent: Churchyard tidy ({pdu_a.name}), project end, to sam@trust.example",
        "Surveys sent: 2. Not sent: 0.",
    ]
    assert sorted(m.subject.rsplit(" at ", 1)[1] for m in mail.outbox) == ["Canal clearance", "Churchyard tidy"]
    assert "The project has now finished." in next(m.body for m in mail.outbox if "Churchyard" in m.subject)
    surveys = BeneficiarySurvey.objects.order_by("project__name")
    assert [(s.project, s.kind, s.sent_by) for s in surveys] == [(yearly, "yearly", None), (ended, "project_end", None)]
    assert set(AuditEvent.objects.filter(action="survey.sent").values_list("channel", flat=True)) == {"command"}

    again = io.StringIO()
    call_command("send_beneficiary_surveys", site=SITE, stdout=again)
    assert again.getvalue().splitlines() == ["Surveys due on 18 November 2026: 0", "Surveys sent: 0. Not sent: 0."]
    assert (len(mail.outbox), BeneficiarySurvey.objects.count()) == (2, 2)
    due = services.DueSurvey(yearly, "yearly", TODAY)
    assert refused(services.survey_send_due, due=due, site=SITE).message_dict == {
        "point": ["This survey is no longer due: it has been sent, or the project has changed"]
    }


@pytest.mark.django_db
def test_the_command_says_which_it_could_not_send(coordinator: User, manager: User, pdu_a: Pdu) -> None:
    project = active_project(coordinator, manager, pdu_a, name="Canal clearance")
    started(project, date(2025, 11, 18))
    services.beneficiary_update(actor=coordinator, beneficiary=project.beneficiary, contact_email="")
    out = io.StringIO()
    call_command("send_beneficiary_surveys", site=SITE, stdout=out)
    assert out.getvalue().splitlines()[1:] == [
        f"  Not sent: Canal clearance ({pdu_a.name}), yearly: Canal clearance Trust has no email address for its "
        "contact: add one to the beneficiary's details to send the survey",
        "Surveys sent: 0. Not sent: 1.",
    ]
    assert [d.project for d in services.surveys_due(TODAY)] == [project]  # still due once it has an address
