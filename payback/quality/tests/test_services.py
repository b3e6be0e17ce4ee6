"""Quality assurance services and selectors on PostgreSQL: what is recorded, what is refused (naming
the field, with nothing saved), and what another area cannot see."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from payback.core.selectors import policy_book
from payback.projects.services import audit_sample_draw
from payback.quality import selectors, services
from payback.quality.models import AuditFinding, SpotCheck, SupervisorObservation
from payback.quality.rules import OBSERVATION_AREAS, SPOT_CHECK_ITEMS
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, SUPERVISOR
from payback.testing import builders

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]
TODAY = date(2026, 11, 18)
ALL_YES = {name: True for name, _ in SPOT_CHECK_ITEMS}
RATINGS = {name: "good" for name, _ in OBSERVATION_AREAS}


def joined(user: User, day: date) -> User:
    user.date_joined = timezone.make_aware(datetime.combine(day, time(9)))
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def session(coordinator: User, manager: User, supervisor: User, pdu_a: Pdu):  # type: ignore[no-untyped-def]
    project = builders.active_project(coordinator, manager, pdu_a)
    return builders.plan_session(coordinator, project, TODAY, supervisor=supervisor)


@pytest.fixture
def other_manager(make_user: Callable[..., User], pdu_b: Pdu) -> User:
    return make_user("lena", role=OPERATIONS_MANAGER, pdu=pdu_b)


def test_spot_check_recorded_with_its_checklist_and_audited(manager: User, session) -> None:  # type: ignore[no-untyped-def]
    mark = builders.audit_mark()
    check = services.spot_check_record(
        actor=manager, session=session, answers=ALL_YES | {"ppe_worn": False}, findings="No gloves", actions="Order"
    )
    check.refresh_from_db()
    assert (check.checked_on, check.ppe_worn, check.register_kept, check.findings) == (TODAY, False, True, "No gloves")
    assert builders.actions_since(mark) == ["quality.spot_check_recorded"]


def test_spot_check_refused_names_the_fields_and_saves_nothing(manager: User, session) -> None:  # type: ignore[no-untyped-def]
    answers = {name: True for name, _ in SPOT_CHECK_ITEMS[1:]} | {"ppe_worn": False}
    with pytest.raises(ValidationError) as error:
        services.spot_check_record(actor=manager, session=session, answers=answers)
    assert set(error.value.message_dict) == {"toolbox_talk_given", "findings"}
    assert not SpotCheck.objects.exists()


def test_no_spot_check_of_a_future_session(manager: User, session) -> None:  # type: ignore[no-untyped-def]
    session.date = TODAY + timedelta(days=1)
    session.save(update_fields=["date"])
    with pytest.raises(ValidationError) as error:
        services.spot_check_record(actor=manager, session=session, answers=ALL_YES)
    assert list(error.value.message_dict) == ["session"]


def test_another_area_cannot_reach_the_session_or_the_supervisor(
    other_manager: User,
    manager: User,
    supervisor: User,
    session,  # type: ignore[no-untyped-def]
) -> None:
    with pytest.raises(Http404):
        selectors.session_get(other_manager, session.pk)
    with pytest.raises(Http404):
        selectors.supervisor_get(other_manager, supervisor.pk)
    with pytest.raises(Http404):
        selectors.staff_get(other_manager, supervisor.pk)
    assert selectors.session_get(manager, session.pk) == session
    assert selectors.supervisor_get(manager, supervisor.pk) == supervisor
    services.spot_check_record(actor=manager, session=session, answers=ALL_YES)
    assert not selectors.spot_checks_for(other_manager).exists()
    assert selectors.spot_checks_for(manager).count() == 1
    assert selectors.quality_due(other_manager, today=TODAY, book=policy_book()).observations == []


def test_observation_recorded_and_refused(manager: User, supervisor: User) -> None:
    joined(supervisor, date(2025, 1, 6))
    with pytest.raises(ValidationError) as error:
        services.observation_record(
            actor=manager,
            supervisor=supervisor,
            observed_on=TODAY + timedelta(days=1),
            ratings=RATINGS | {"rating_safety": "superb"},
            strengths=" ",
        )
    assert set(error.value.message_dict) == {"observed_on", "rating_safety", "strengths"}
    assert not SupervisorObservation.objects.exists()
    observation = services.observation_record(
        actor=manager, supervisor=supervisor, observed_on=TODAY, ratings=RATINGS, strengths="Calm, clear briefing"
    )
    assert (observation.observer, observation.rating_safety) == (manager, "good")


def test_observations_due_six_months_after_the_last_or_the_start(
    manager: User, supervisor: User, make_user: Callable[..., User], pdu_a: Pdu
) -> None:
    joined(supervisor, date(2025, 1, 6))
    services.observation_record(
        actor=manager, supervisor=supervisor, observed_on=date(2026, 5, 10), ratings=RATINGS, strengths="Good"
    )
    newer = joined(make_user("nia", role=SUPERVISOR, pdu=pdu_a), date(2026, 6, 1))  # due 1 December: soon
    joined(make_user("ola", role=SUPERVISOR, pdu=pdu_a), date(2026, 8, 1))  # due 1 February: not yet
    due = selectors.quality_due(manager, today=TODAY, book=policy_book()).observations
    assert [(item.subject_id, item.due, item.overdue) for item in due] == [
        (supervisor.pk, date(2026, 11, 10), True),
        (newer.pk, date(2026, 12, 1), False),
    ]


def test_reflective_supervision_due_for_new_staff_only(manager: User, supervisor: User, coordinator: User) -> None:
    joined(supervisor, date(2026, 9, 1))  # new until 28 February 2027
    joined(coordinator, date(2026, 1, 5))  # no longer new
    services.reflective_supervision_record(actor=manager, member=supervisor, held_on=date(2026, 10, 1), notes="Fine")
    due = selectors.quality_due(manager, today=TODAY, book=policy_book()).supervisions
    assert [(item.subject_id, item.due, item.overdue) for item in due] == [(supervisor.pk, date(2026, 11, 12), True)]
    with pytest.raises(ValidationError) as error:
        services.reflective_supervision_record(actor=manager, member=supervisor, held_on=date(2026, 8, 1), notes="")
    assert set(error.value.message_dict) == {"held_on", "notes"}


@pytest.fixture
def sample(manager: User, coordinator: User, pdu_a: Pdu):  # type: ignore[no-untyped-def]
    builders.active_project(coordinator, manager, pdu_a)
    return audit_sample_draw(actor=manager, region=pdu_a.region, year=2026, size=1, seed=7)


def test_audit_finding_needs_an_action_with_a_due_day(manager: User, sample) -> None:  # type: ignore[no-untyped-def]
    project = sample.projects.get()
    with pytest.raises(ValidationError) as error:
        services.audit_finding_record(
            actor=manager, sample=sample, project=project, checked="risk_assessment", compliant=False, findings="Old"
        )
    assert list(error.value.message_dict) == ["action"]
    with pytest.raises(ValidationError) as error:
        services.audit_finding_record(
            actor=manager, sample=sample, project=project, checked="risk_assessment", compliant=False,
            findings="Old", action="Review it",
        )  # fmt: skip
    assert list(error.value.message_dict) == ["action_due"]
    assert not AuditFinding.objects.exists()


def test_audit_action_overdue_until_done(manager: User, other_manager: User, sample) -> None:  # type: ignore[no-untyped-def]
    project = sample.projects.get()
    finding = services.audit_finding_record(
        actor=manager, sample=sample, project=project, checked="placement_agreement", compliant=False,
        findings="Unsigned", action="Get it signed", action_due=date(2026, 11, 17),
    )  # fmt: skip
    due = selectors.quality_due(manager, today=TODAY, book=policy_book()).audit_actions
    assert [(item.subject_id, item.overdue) for item in due] == [(finding.pk, True)]
    with pytest.raises(Http404):
        selectors.finding_get(other_manager, finding.pk)
    with pytest.raises(Http404):
        selectors.audit_sample_get(other_manager, sample.pk)
    services.audit_action_done(actor=manager, finding=finding, done_on=TODAY)
    assert selectors.quality_due(manager, today=TODAY, book=policy_book()).audit_actions == []
    with pytest.raises(ValidationError) as error:
        services.audit_action_done(actor=manager, finding=finding, done_on=TODAY)
    assert list(error.value.message_dict) == ["done_on"]


def test_one_finding_for_each_document_of_a_project(manager: User, sample) -> None:  # type: ignore[no-untyped-def]
    project = sample.projects.get()
    kwargs = {"actor": manager, "sample": sample, "project": project, "checked": "risk_assessment"}
    services.audit_finding_record(**kwargs, compliant=True, findings="Up to date")
    with pytest.raises(ValidationError) as error:
        services.audit_finding_record(**kwargs, compliant=True, findings="Again")
    assert list(error.value.message_dict) == ["checked"]
