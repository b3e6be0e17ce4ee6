"""The project, beneficiary and nomination services on PostgreSQL: what they write, what they
refuse, and that a refusal writes nothing (not even an audit event)."""

import re
from collections.abc import Callable
from datetime import date, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone

from payback.cases.models import RiskFlag
from payback.core.models import AuditEvent
from payback.core.services import policy_version_add
from payback.projects import rules, selectors, services
from payback.projects.models import (
    AssessmentDecision,
    Beneficiary,
    Nomination,
    NominationStatus,
    Project,
    ProjectAssessment,
    ProjectStatus,
    ProjectTask,
    ReferralMeans,
    RiskAssessmentAuditSample,
)
from payback.projects.rules import PRINCIPLES
from payback.projects.services import nominations
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import OPERATIONS_MANAGER

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]

# A complete, sound project assessment: every principle answered "no".
SOUND: dict[str, Any] = {
    "hazards": "Uneven ground, the water's edge, brambles",
    "controls": "No work within 2 m of the edge; life ring on site; gloves and eye protection",
    "welfare_toilets": True,
    "welfare_shelter": True,
    "welfare_drinking_water": True,
    "all_weather": False,
    "wet_weather_contingency": "Move to the trust's workshop and repaint the benches",
    "duration_weeks": 12,
    "max_people": 8,
    "tools_provided": "Loppers and rakes",
    "environmental_value": "Reopens the towpath and keeps the canal clear of litter",
    "replaces_paid_work": False,
    "makes_profit": False,
    "involves_personal_care": False,
    "supervises_children_or_vulnerable_adults": False,
}


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture
def other_manager(make_user: MakeUser, pdu_a: Pdu) -> User:
    return make_user("mina", role=OPERATIONS_MANAGER, scope=Scope.REGION, region=pdu_a.region)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Nomination,
            Beneficiary,
            Project,
            ProjectTask,
            ProjectAssessment,
            RiskAssessmentAuditSample,
            AuditEvent,
        )
    }


def mark() -> int:
    """The last audit event so far, to see what a call adds after it."""
    return AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0


def actions_since(last: int) -> list[str]:
    return list(AuditEvent.objects.filter(pk__gt=last).order_by("pk").values_list("action", flat=True))


def refused(service: Callable[..., Any], /, **kwargs: Any) -> dict[str, list[str]]:
    """Call a service that must refuse; check that it saved nothing and return its errors."""
    before = counts()
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    assert counts() == before
    return caught.value.message_dict


def received_on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """Make the nomination service see `day` as today (the clock itself is not changed)."""
    monkeypatch.setattr(nominations, "timezone", SimpleNamespace(now=timezone.now, localdate=lambda: day))


def nominate(pdu: Pdu, **overrides: Any) -> tuple[Nomination, bool]:
    fields: dict[str, Any] = {
        "nominator_name": "Jo Bloggs",
        "nominator_email": "jo@example.org",
        "nominator_phone": "",
        "organisation": "",
        "on_behalf_of_group": False,
        "work_description": "Clear litter and brambles from the towpath by the lock",
        "location": "Towpath, Ouseburn",
        "postcode": "ne6 1bu",
        "who_benefits": "Walkers, anglers and the canoe club",
        "heard_about": "seen_work",
        "pdu": pdu,
    }
    fields.update(overrides)
    return services.nomination_submit(**fields)


def charity(actor: User, pdu: Pdu, **overrides: Any) -> Beneficiary:
    fields: dict[str, Any] = {
        "name": "Ouseburn Trust",
        "kind": "charity",
        "contact_name": "Sam Reed",
        "contact_email": "sam@ouseburn.example",
        "mou_signed_on": date(2026, 1, 12),
    }
    fields.update(overrides)
    return services.beneficiary_create(actor=actor, pdu=pdu, **fields)


def new_project(actor: User, beneficiary: Beneficiary, **overrides: Any) -> Project:
    fields: dict[str, Any] = {
        "name": "Towpath clearance",
        "project_type": "group",
        "days": ["sat", "sun"],
        "start_time": time(9),
        "end_time": time(16),
        "capacity": 12,
    }
    fields.update(overrides)
    return services.project_create(actor=actor, beneficiary=beneficiary, pdu=beneficiary.pdu, **fields)


def drafted(actor: User, project: Project, **overrides: Any) -> ProjectAssessment:
    assessment = services.project_assessment_start(actor=actor, project=project)
    return services.project_assessment_update(actor=actor, assessment=assessment, values={**SOUND, **overrides})


def recommended(actor: User, project: Project, **overrides: Any) -> ProjectAssessment:
    assessment = drafted(actor, project, **overrides)
    return services.project_assessment_recommend(
        actor=actor, assessment=assessment, recommendation="Good value for the community; risks controlled"
    )


def approved(assessor: User, approver: User, project: Project, **overrides: Any) -> ProjectAssessment:
    assessment = recommended(assessor, project, **overrides)
    return services.project_assessment_decide(actor=approver, assessment=assessment, approve=True)


def ready_project(coordinator: User, manager: User, pdu: Pdu, **overrides: Any) -> Project:
    """An assessed project with everything activation needs."""
    project = new_project(coordinator, charity(coordinator, pdu), **overrides)
    approved(coordinator, manager, project)
    services.project_set_tasks(actor=coordinator, project=project, tasks=["Clear brambles", "Bag the litter"])
    project.refresh_from_db()
    return project


def change_status(actor: User, project: Project, to_status: str) -> Project:
    return services.project_change_status(actor=actor, project=project, to_status=to_status, reason="As planned")


# ---------------------------------------------------------------------------------------------
# Nominations: submitting


def test_submit_records_a_nomination_with_a_reference_and_acknowledgement_date(
    monkeypatch: pytest.MonkeyPatch, pdu_a: Pdu
) -> None:
    received_on(monkeypatch, date(2026, 12, 23))
    nomination, created = nominate(pdu_a, nominator_name="  Jo Bloggs ")
    assert created
    nomination.refresh_from_db()
    assert re.fullmatch(r"NOM-[A-HJ-NP-Z2-9]{6}", nomination.reference)
    # Received Wed 23 Dec 2026; five working days skip Christmas, the Boxing Day substitute
    # (Mon 28) and New Year's Day (worked through in test_rules): due Mon 4 Jan 2027.
    assert nomination.acknowledge_by == date(2027, 1, 4)
    assert nomination.status == NominationStatus.NEW
    assert nomination.referral_means == ReferralMeans.PUBLIC_FORM
    assert (nomination.nominator_name, nomination.postcode) == ("Jo Bloggs", "NE6 1BU")
    assert nomination.acknowledged_at is None
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.subject) == (
        "nomination.submitted",
        None,
        f"nomination:{nomination.pk}",
    )


def test_a_new_acknowledgement_rule_applies_to_nominations_received_from_its_date(
    monkeypatch: pytest.MonkeyPatch, pdu_a: Pdu, head_of_upw: User
) -> None:
    policy_version_add(
        actor=head_of_upw,
        key="nomination_acknowledgement_working_days",
        effective_from=date(2027, 1, 4),
        value=10,
        reason="Longer acknowledgement time agreed nationally",
        confirm_backdating=True,  # whatever day the test runs on
        backdating_reason="Test: a rule from a fixed date",
    )
    received_on(monkeypatch, date(2026, 12, 31))
    before_change, _ = nominate(pdu_a)
    received_on(monkeypatch, date(2027, 1, 4))
    from_change, _ = nominate(pdu_a, work_description="Repaint the railings on the footbridge")
    # Thu 31 Dec 2026, 5 days: Mon 4, Tue 5, Wed 6, Thu 7, Fri 8 Jan.
    assert before_change.acknowledge_by == date(2027, 1, 8)
    # Mon 4 Jan 2027, 10 days: Tue 5 to Fri 8 (4), Mon 11 to Fri 15 (9), Mon 18 Jan (10).
    assert from_change.acknowledge_by == date(2027, 1, 18)


def test_an_identical_repeat_within_a_day_returns_the_first_nomination(pdu_a: Pdu, pdu_a2: Pdu) -> None:
    first, created = nominate(pdu_a)
    assert created
    last = mark()
    again, created_again = nominate(
        pdu_a,
        nominator_email=" JO@Example.org",
        work_description="Clear  litter and brambles from the TOWPATH by the lock ",
        postcode="NE6   1BU",
    )
    assert (again.pk, again.reference, created_again) == (first.pk, first.reference, False)
    assert Nomination.objects.count() == 1
    assert actions_since(last) == []

    # The same words for another PDU are another nomination.
    assert nominate(pdu_a2)[1] is True
    # A day later the same words are a new nomination too.
    Nomination.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - timedelta(hours=25))
    later, created_later = nominate(pdu_a)
    assert created_later
    assert later.pk != first.pk
    assert Nomination.objects.count() == 3


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"heard_about": "carrier_pigeon"}, "heard_about"),
        ({"referral_means": "fax"}, "referral_means"),
        ({"nominator_email": "jo at example"}, "nominator_email"),
        ({"nominator_name": "  "}, "nominator_name"),
        ({"work_description": "   "}, "work_description"),
        ({"work_description": "x" * 2001}, "work_description"),
        ({"who_benefits": "y" * 2001}, "who_benefits"),
        ({"postcode": "NE6 1BU NE6 1BU"}, "postcode"),
    ],
)
def test_submit_refuses_bad_answers_and_saves_nothing(pdu_a: Pdu, overrides: dict[str, Any], field: str) -> None:
    assert set(refused(nominate, pdu=pdu_a, **overrides)) == {field}


def test_submit_accepts_text_up_to_the_limit(pdu_a: Pdu) -> None:
    nomination, created = nominate(pdu_a, work_description="x" * 2000, who_benefits="y" * 2000)
    assert created
    assert len(nomination.work_description) == 2000


# ---------------------------------------------------------------------------------------------
# Nominations: acknowledging and deciding


def test_acknowledge_records_and_emails_the_nominator_once(pdu_a: Pdu, coordinator: User, other_manager: User) -> None:
    nomination, _ = nominate(pdu_a)
    last = mark()
    services.nomination_acknowledge(actor=coordinator, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ACKNOWLEDGED
    assert nomination.acknowledged_by == coordinator
    assert nomination.acknowledged_at is not None
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["jo@example.org"]
    assert nomination.reference in email.subject
    assert email.body.startswith("Dear Jo Bloggs,")
    assert actions_since(last) == ["nomination.acknowledged"]

    errors = refused(services.nomination_acknowledge, actor=other_manager, nomination=nomination)
    assert errors == {"nomination": ["This nomination has already been acknowledged"]}
    assert len(mail.outbox) == 1
    nomination.refresh_from_db()
    assert nomination.acknowledged_by == coordinator


def test_means_of_referral_is_recorded_from_the_list(pdu_a: Pdu, coordinator: User) -> None:
    nomination, _ = nominate(pdu_a)
    last = mark()
    services.nomination_set_referral_means(actor=coordinator, nomination=nomination, referral_means="phone")
    nomination.refresh_from_db()
    assert nomination.referral_means == ReferralMeans.PHONE
    event = AuditEvent.objects.get(pk__gt=last)
    assert (event.before, event.after) == ({"referral_means": "public_form"}, {"referral_means": "phone"})

    errors = refused(
        services.nomination_set_referral_means, actor=coordinator, nomination=nomination, referral_means="fax"
    )
    assert set(errors) == {"referral_means"}
    nomination.refresh_from_db()
    assert nomination.referral_means == ReferralMeans.PHONE


def test_accept_with_a_new_beneficiary_creates_it_and_a_draft_project(pdu_a: Pdu, coordinator: User) -> None:
    nomination, _ = nominate(pdu_a)
    last = mark()
    project = services.nomination_accept(
        actor=coordinator,
        nomination=nomination,
        project_name="Ouseburn towpath",
        new_beneficiary={"name": "Ouseburn Trust", "kind": "charity", "contact_name": "Sam Reed"},
    )
    nomination.refresh_from_db()
    beneficiary = Beneficiary.objects.get()
    assert nomination.status == NominationStatus.ACCEPTED
    assert (nomination.decided_by, nomination.project, nomination.beneficiary) == (coordinator, project, beneficiary)
    assert nomination.decided_at is not None
    assert project.beneficiary == beneficiary
    assert (beneficiary.name, beneficiary.pdu, project.pdu) == ("Ouseburn Trust", pdu_a, pdu_a)
    assert project.status == ProjectStatus.DRAFT
    assert project.name == "Ouseburn towpath"
    assert project.description == nomination.work_description
    assert (project.address, project.postcode) == ("Towpath, Ouseburn", "NE6 1BU")
    assert actions_since(last) == ["beneficiary.created", "project.created", "nomination.accepted"]


def test_accept_with_an_existing_beneficiary_links_it(pdu_a: Pdu, coordinator: User) -> None:
    existing = charity(coordinator, pdu_a)
    nomination, _ = nominate(pdu_a)
    project = services.nomination_accept(
        actor=coordinator, nomination=nomination, project_name="Ouseburn towpath", beneficiary=existing
    )
    nomination.refresh_from_db()
    assert Beneficiary.objects.count() == 1
    assert project.beneficiary == existing
    assert nomination.beneficiary == existing
    assert list(existing.projects.all()) == [project]


def test_accept_refuses_without_saving_anything(pdu_a: Pdu, coordinator: User) -> None:
    nomination, _ = nominate(pdu_a)
    accept = services.nomination_accept
    commercial = {"name": "Quayside Retail Ltd", "kind": "commercial", "contact_name": "Ann Lee"}
    errors = refused(
        accept, actor=coordinator, nomination=nomination, project_name="Car park", new_beneficiary=commercial
    )
    assert set(errors) == {"additionality_justification"}
    errors = refused(accept, actor=coordinator, nomination=nomination, project_name="Car park")
    assert set(errors) == {"beneficiary"}
    errors = refused(
        accept, actor=coordinator, nomination=nomination, project_name=" ", beneficiary=charity(coordinator, pdu_a)
    )
    assert set(errors) == {"project_name"}
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.NEW
    assert (nomination.beneficiary, nomination.project) == (None, None)


def test_reject_needs_a_reason_from_the_list_and_a_detail(pdu_a: Pdu, coordinator: User) -> None:
    nomination, _ = nominate(pdu_a)
    reject = services.nomination_reject
    assert set(refused(reject, actor=coordinator, nomination=nomination, reason="too_far", detail=" ")) == {
        "reason",
        "detail",
    }
    assert set(refused(reject, actor=coordinator, nomination=nomination, reason="", detail="Private land")) == {
        "reason"
    }
    assert set(refused(reject, actor=coordinator, nomination=nomination, reason="private", detail="")) == {"detail"}

    last = mark()
    reject(actor=coordinator, nomination=nomination, reason="private", detail=" The hedge is in a private garden ")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.REJECTED
    assert (nomination.rejection_reason, nomination.rejection_detail) == ("private", "The hedge is in a private garden")
    assert nomination.decided_by == coordinator
    assert actions_since(last) == ["nomination.rejected"]


def test_a_decided_nomination_cannot_be_decided_again(pdu_a: Pdu, coordinator: User) -> None:
    trust = charity(coordinator, pdu_a)
    accepted, _ = nominate(pdu_a)
    services.nomination_accept(actor=coordinator, nomination=accepted, project_name="Towpath", beneficiary=trust)
    rejected, _ = nominate(pdu_a, work_description="Weed my front garden")
    services.nomination_reject(actor=coordinator, nomination=rejected, reason="private", detail="A private garden")

    for nomination, state in ((accepted, "accepted"), (rejected, "rejected")):
        message = {"nomination": [f"This nomination has already been {state}"]}
        assert (
            refused(
                services.nomination_accept,
                actor=coordinator,
                nomination=nomination,
                project_name="Again",
                beneficiary=trust,
            )
            == message
        )
        assert (
            refused(
                services.nomination_reject,
                actor=coordinator,
                nomination=nomination,
                reason="duplicate",
                detail="Already under way",
            )
            == message
        )
    accepted.refresh_from_db()
    rejected.refresh_from_db()
    assert (accepted.status, rejected.status) == (NominationStatus.ACCEPTED, NominationStatus.REJECTED)
    assert (rejected.rejection_reason, rejected.project) == ("private", None)


# ---------------------------------------------------------------------------------------------
# Beneficiaries


def test_commercial_beneficiary_needs_the_additionality_justification(pdu_a: Pdu, coordinator: User) -> None:
    commercial = {"name": "Quayside Retail Ltd", "kind": "commercial"}
    errors = refused(charity, actor=coordinator, pdu=pdu_a, **commercial)
    assert set(errors) == {"additionality_justification"}

    last = mark()
    beneficiary = charity(
        coordinator,
        pdu_a,
        **commercial,
        additionality_justification="Litter picking the verges, which the grounds contract does not cover",
    )
    assert beneficiary.pk
    assert len(beneficiary.feedback_token) >= 32
    assert beneficiary.feedback_token_used_at is None
    assert actions_since(last) == ["beneficiary.created"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"kind": "hedge_fund"}, "kind"),
        ({"contact_name": ""}, "contact_name"),
        ({"contact_email": "sam at ouseburn"}, "contact_email"),
        ({"mou_signed_on": date(2099, 1, 1)}, "mou_signed_on"),
        ({"owner": "Someone"}, "owner"),
    ],
)
def test_beneficiary_create_refuses_bad_details(
    pdu_a: Pdu, coordinator: User, overrides: dict[str, Any], field: str
) -> None:
    assert set(refused(charity, actor=coordinator, pdu=pdu_a, **overrides)) == {field}


def test_beneficiary_update_records_what_changed(pdu_a: Pdu, coordinator: User) -> None:
    beneficiary = charity(coordinator, pdu_a, mou_signed_on=None)
    last = mark()
    services.beneficiary_update(actor=coordinator, beneficiary=beneficiary, mou_signed_on=date(2026, 11, 2))
    beneficiary.refresh_from_db()
    assert beneficiary.mou_signed_on == date(2026, 11, 2)
    event = AuditEvent.objects.get(pk__gt=last)
    assert (event.before, event.after) == ({"mou_signed_on": "None"}, {"mou_signed_on": "2026-11-02"})

    token = beneficiary.feedback_token
    errors = refused(services.beneficiary_update, actor=coordinator, beneficiary=beneficiary, feedback_token="x")
    assert set(errors) == {"feedback_token"}
    errors = refused(services.beneficiary_update, actor=coordinator, beneficiary=beneficiary, kind="commercial")
    assert set(errors) == {"additionality_justification"}
    beneficiary.refresh_from_db()
    assert (beneficiary.feedback_token, beneficiary.kind) == (token, "charity")


def test_beneficiary_update_does_not_undo_a_used_feedback_link(pdu_a: Pdu, coordinator: User) -> None:
    copy = charity(coordinator, pdu_a)
    used_at = timezone.now()
    Beneficiary.objects.filter(pk=copy.pk).update(feedback_token_used_at=used_at)
    services.beneficiary_update(actor=coordinator, beneficiary=copy, contact_phone="0191 496 0000")
    fresh = Beneficiary.objects.get(pk=copy.pk)
    assert (fresh.contact_phone, fresh.feedback_token_used_at) == ("0191 496 0000", used_at)


# ---------------------------------------------------------------------------------------------
# Projects


def test_project_create_saves_a_draft(pdu_a: Pdu, coordinator: User) -> None:
    trust = charity(coordinator, pdu_a)
    last = mark()
    project = new_project(coordinator, trust, latitude=Decimal("54.97328"), longitude=Decimal("-1.59030"))
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    assert (project.pdu, project.beneficiary) == (pdu_a, trust)
    assert (project.days, project.start_time, project.end_time, project.capacity) == (
        ["sat", "sun"],
        time(9),
        time(16),
        12,
    )
    assert actions_since(last) == ["project.created"]
    assert AuditEvent.objects.get(pk__gt=last).subject == f"project:{project.pk}"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_time": time(16), "end_time": time(9)}, "end_time"),
        ({"start_time": time(9), "end_time": time(9)}, "end_time"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 31}, "capacity"),
        ({"latitude": Decimal("54.97")}, "longitude"),
        ({"longitude": Decimal("-1.59")}, "latitude"),
        ({"latitude": Decimal("48.85"), "longitude": Decimal("2.35")}, "latitude"),  # Paris
        ({"days": ["sat", "someday"]}, "days"),
        ({"name": " "}, "name"),
        ({"project_type": "holiday"}, "project_type"),
        ({"budget": 100}, "budget"),
    ],
)
def test_project_create_names_the_bad_field_and_saves_nothing(
    pdu_a: Pdu, coordinator: User, overrides: dict[str, Any], field: str
) -> None:
    trust = charity(coordinator, pdu_a)
    assert set(refused(new_project, actor=coordinator, beneficiary=trust, **overrides)) == {field}


def test_project_update_checks_the_merged_values(pdu_a: Pdu, coordinator: User) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a))
    # Moving only the finish time before the existing start time is caught.
    errors = refused(services.project_update, actor=coordinator, project=project, end_time=time(8))
    assert set(errors) == {"end_time"}
    last = mark()
    services.project_update(actor=coordinator, project=project, capacity=10, days=["wed"])
    project.refresh_from_db()
    assert (project.capacity, project.days) == (10, ["wed"])
    assert actions_since(last) == ["project.updated"]


def test_project_update_does_not_undo_a_decision_made_since_the_copy_was_read(
    pdu_a: Pdu, coordinator: User, manager: User
) -> None:
    copy = new_project(coordinator, charity(coordinator, pdu_a), capacity=12)
    approved(coordinator, manager, copy, max_people=8)
    services.project_flag_review(actor=manager, project=copy, reason="Gate moved")
    services.project_update(actor=coordinator, project=copy, name="Towpath and lock clearance")
    fresh = Project.objects.get(pk=copy.pk)
    assert fresh.name == "Towpath and lock clearance"
    assert (fresh.status, fresh.capacity, fresh.review_needed) == (ProjectStatus.ASSESSED, 8, True)


def test_set_tasks_keeps_their_order(pdu_a: Pdu, coordinator: User) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a))
    last = mark()
    services.project_set_tasks(
        actor=coordinator,
        project=project,
        tasks=["Clear brambles from the path", "  ", "Rake and bag the cuttings", "Lay bark chippings"],
    )
    assert [(task.position, task.description) for task in project.tasks.all()] == [
        (1, "Clear brambles from the path"),
        (2, "Rake and bag the cuttings"),
        (3, "Lay bark chippings"),
    ]
    services.project_set_tasks(actor=coordinator, project=project, tasks=["Lay bark chippings", "Clear brambles"])
    assert list(project.tasks.values_list("position", "description")) == [
        (1, "Lay bark chippings"),
        (2, "Clear brambles"),
    ]
    assert actions_since(last) == ["project.tasks", "project.tasks"]

    errors = refused(services.project_set_tasks, actor=coordinator, project=project, tasks=["Short", "x" * 301])
    assert set(errors) == {"tasks"}
    assert list(project.tasks.values_list("description", flat=True)) == ["Lay bark chippings", "Clear brambles"]


# ---------------------------------------------------------------------------------------------
# Project assessment: start, update, recommend


def test_assessment_start_opens_one_draft(pdu_a: Pdu, coordinator: User) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a))
    last = mark()
    assessment = services.project_assessment_start(actor=coordinator, project=project)
    assert (assessment.status, assessment.assessed_by, assessment.project) == (
        AssessmentDecision.DRAFT,
        coordinator,
        project,
    )
    assert all(getattr(assessment, field) is None for field in PRINCIPLES)
    assert services.project_assessment_start(actor=coordinator, project=project).pk == assessment.pk
    assert ProjectAssessment.objects.count() == 1
    assert actions_since(last) == ["project_assessment.started"]


def test_assessment_update_saves_answers_and_restrictions(pdu_a: Pdu, coordinator: User) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a))
    assessment = services.project_assessment_start(actor=coordinator, project=project)
    # A draft can be saved a part at a time, with the principles not yet answered.
    services.project_assessment_update(actor=coordinator, assessment=assessment, values={"hazards": "Brambles"})
    assessment.refresh_from_db()
    assert (assessment.hazards, assessment.makes_profit) == ("Brambles", None)
    school = RiskFlag.objects.get(code="not-near-children")
    last = mark()
    services.project_assessment_update(
        actor=coordinator, assessment=assessment, values={**SOUND, "women_only": True}, excluded_flags=[school]
    )
    assessment.refresh_from_db()
    assert (assessment.hazards, assessment.max_people, assessment.women_only) == (SOUND["hazards"], 8, True)
    assert assessment.makes_profit is False
    assert list(assessment.excluded_flags.all()) == [school]
    assert actions_since(last) == ["project_assessment.updated"]

    update = services.project_assessment_update
    assert set(refused(update, actor=coordinator, assessment=assessment, values={"max_people": 0})) == {"max_people"}
    assert set(refused(update, actor=coordinator, assessment=assessment, values={"status": "approved"})) == {"status"}
    assessment.refresh_from_db()
    assert (assessment.max_people, assessment.status) == (8, AssessmentDecision.DRAFT)


@pytest.mark.parametrize("answer", [True, None], ids=["yes", "unanswered"])
@pytest.mark.parametrize("field", sorted(PRINCIPLES))
def test_recommend_is_refused_while_a_principle_is_yes_or_unanswered(
    pdu_a: Pdu, coordinator: User, field: str, answer: bool | None
) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a))
    assessment = drafted(coordinator, project, **{field: answer})
    errors = refused(
        services.project_assessment_recommend, actor=coordinator, assessment=assessment, recommendation="Go ahead"
    )
    assert set(errors) == {field}
    assessment.refresh_from_db()
    assert (assessment.status, assessment.recommended_at, assessment.recommendation) == (
        AssessmentDecision.DRAFT,
        None,
        "",
    )


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"all_weather": False, "wet_weather_contingency": " "}, {"wet_weather_contingency"}),
        ({"welfare_toilets": False}, {"welfare_toilets"}),
        ({"welfare_drinking_water": False}, {"welfare_drinking_water"}),
        ({"welfare_toilets": False, "welfare_drinking_water": False}, {"welfare_toilets", "welfare_drinking_water"}),
        ({"hazards": ""}, {"hazards"}),
        ({"controls": ""}, {"controls"}),
        ({"max_people": None}, {"max_people"}),
    ],
)
def test_recommend_is_refused_while_the_assessment_is_incomplete(
    pdu_a: Pdu, coordinator: User, overrides: dict[str, Any], fields: set[str]
) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a))
    assessment = drafted(coordinator, project, **overrides)
    errors = refused(
        services.project_assessment_recommend, actor=coordinator, assessment=assessment, recommendation="Go ahead"
    )
    assert set(errors) == fields


def test_recommend_needs_the_recommendation_and_accepts_an_all_weather_site(pdu_a: Pdu, coordinator: User) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a))
    # An all-weather site needs no wet-weather contingency; shelter is not required.
    assessment = drafted(coordinator, project, all_weather=True, wet_weather_contingency="", welfare_shelter=False)
    recommend = services.project_assessment_recommend
    assert set(refused(recommend, actor=coordinator, assessment=assessment, recommendation="  ")) == {"recommendation"}
    last = mark()
    recommend(actor=coordinator, assessment=assessment, recommendation=" Low risk, good value ")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentDecision.RECOMMENDED
    assert assessment.recommendation == "Low risk, good value"
    assert assessment.recommended_at is not None
    assert actions_since(last) == ["project_assessment.recommended"]

    # Once sent for a decision it can be neither changed, recommended again nor restarted.
    assert set(refused(recommend, actor=coordinator, assessment=assessment, recommendation="Again")) == {"assessment"}
    errors = refused(
        services.project_assessment_update, actor=coordinator, assessment=assessment, values={"max_people": 2}
    )
    assert set(errors) == {"assessment"}
    assert set(refused(services.project_assessment_start, actor=coordinator, project=project)) == {"assessment"}


# ---------------------------------------------------------------------------------------------
# Project assessment: the manager's decision


def test_decision_refused_to_the_assessor_and_to_staff_who_cannot_approve(
    pdu_a: Pdu, coordinator: User, manager: User
) -> None:
    project = new_project(manager, charity(manager, pdu_a))
    assessment = recommended(manager, project)
    decide = services.project_assessment_decide
    assert refused(decide, actor=manager, assessment=assessment, approve=True) == {
        "assessment": ["You made this assessment: another manager must decide on it"]
    }
    assert refused(decide, actor=coordinator, assessment=assessment, approve=True) == {
        "assessment": ["Only an operations manager can approve a project assessment"]
    }
    assessment.refresh_from_db()
    assert (assessment.status, assessment.decided_by) == (AssessmentDecision.RECOMMENDED, None)


def test_decision_refused_before_the_assessment_is_recommended(pdu_a: Pdu, coordinator: User, manager: User) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a))
    assessment = drafted(coordinator, project)
    assert refused(services.project_assessment_decide, actor=manager, assessment=assessment, approve=True) == {
        "assessment": ["This assessment is not waiting for a decision"]
    }


def test_returning_an_assessment_needs_a_comment_and_it_can_be_sent_again(
    pdu_a: Pdu, coordinator: User, manager: User
) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a))
    assessment = recommended(coordinator, project)
    decide = services.project_assessment_decide
    assert set(refused(decide, actor=manager, assessment=assessment, approve=False, comment=" ")) == {"comment"}

    last = mark()
    decide(actor=manager, assessment=assessment, approve=False, comment="Add the control for the lock gates")
    assessment.refresh_from_db()
    project.refresh_from_db()
    assert (assessment.status, assessment.decided_by) == (AssessmentDecision.RETURNED, manager)
    assert assessment.decision_comment == "Add the control for the lock gates"
    assert project.status == ProjectStatus.DRAFT
    assert actions_since(last) == ["project_assessment.returned"]

    # The returned assessment is the one to change and send again: no new one is started.
    assert services.project_assessment_start(actor=coordinator, project=project).pk == assessment.pk
    services.project_assessment_update(
        actor=coordinator, assessment=assessment, values={"controls": SOUND["controls"] + "; lock gates kept shut"}
    )
    services.project_assessment_recommend(actor=coordinator, assessment=assessment, recommendation="")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentDecision.RECOMMENDED
    assert ProjectAssessment.objects.count() == 1


def test_approval_by_another_manager_makes_the_project_assessed(
    pdu_a: Pdu, coordinator: User, manager: User, other_manager: User
) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a), capacity=12)
    services.project_flag_review(actor=coordinator, project=project, reason="The beneficiary moved the fence line")
    assessment = recommended(coordinator, project, max_people=8)
    last = mark()
    services.project_assessment_decide(actor=manager, assessment=assessment, approve=True)
    assessment.refresh_from_db()
    project.refresh_from_db()
    assert (assessment.status, assessment.decided_by) == (AssessmentDecision.APPROVED, manager)
    assert assessment.decided_at is not None
    assert project.status == ProjectStatus.ASSESSED
    assert (project.review_needed, project.review_reason) == (False, "")
    # No more people at once than the assessment allows.
    assert project.capacity == 8
    assert actions_since(last) == ["project_assessment.approved"]
    # Decided once only.
    assert refused(services.project_assessment_decide, actor=other_manager, assessment=assessment, approve=True) == {
        "assessment": ["This assessment is not waiting for a decision"]
    }


def test_approval_does_not_answer_a_review_raised_after_the_recommendation(
    pdu_a: Pdu, coordinator: User, manager: User, other_manager: User
) -> None:
    project = ready_project(coordinator, manager, pdu_a)
    change_status(coordinator, project, ProjectStatus.ACTIVE)
    services.project_flag_review(actor=coordinator, project=project, reason="The footbridge was closed")
    review = recommended(coordinator, project)
    services.project_flag_review(actor=other_manager, project=project, reason="Near miss with a cyclist")
    services.project_assessment_decide(actor=manager, assessment=review, approve=True)
    project.refresh_from_db()
    # The review was recommended before the near miss: the project still needs another review.
    assert (project.review_needed, project.review_reason) == (True, "Near miss with a cyclist")
    assert project.status == ProjectStatus.ACTIVE


def test_approval_does_not_raise_the_capacity(pdu_a: Pdu, coordinator: User, manager: User) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a), capacity=6)
    approved(coordinator, manager, project, max_people=8)
    project.refresh_from_db()
    assert project.capacity == 6


def test_placement_restrictions_come_from_the_approved_assessment(pdu_a: Pdu, coordinator: User, manager: User) -> None:
    school = new_project(coordinator, charity(coordinator, pdu_a, name="St Aidan's Primary", kind="public_body"))
    assert selectors.project_placement_conflicts(school, person_flag_codes=[], person_is_woman=True) == [
        "The project has no approved assessment"
    ]
    assessment = approved(coordinator, manager, school)
    assessment.excluded_flags.set([RiskFlag.objects.get(code="not-near-children")])
    assert selectors.project_placement_conflicts(
        school, person_flag_codes=["not-near-children", "self-harm"], person_is_woman=False
    ) == ["The project excludes people flagged 'not near children'"]
    assert selectors.project_placement_conflicts(school, person_flag_codes=["self-harm"], person_is_woman=False) == []


# ---------------------------------------------------------------------------------------------
# Project status


def test_a_draft_project_cannot_become_active(pdu_a: Pdu, coordinator: User) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a))
    errors = refused(
        services.project_change_status, actor=coordinator, project=project, to_status="active", reason="Go"
    )
    assert errors == {"to_status": ["A draft project cannot become active"]}


def test_activation_needs_an_approved_assessment(pdu_a: Pdu, coordinator: User) -> None:
    project = new_project(coordinator, charity(coordinator, pdu_a))
    services.project_set_tasks(actor=coordinator, project=project, tasks=["Clear brambles"])
    # A project marked assessed some other way (e.g. loaded from an old system) is still held back.
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.ASSESSED)
    errors = refused(
        services.project_change_status, actor=coordinator, project=project, to_status="active", reason="Go"
    )
    assert errors == {"to_status": ["The project needs an approved project assessment before it can start"]}


def test_activation_needs_everything_a_session_relies_on(pdu_a: Pdu, coordinator: User, manager: User) -> None:
    trust = charity(coordinator, pdu_a, mou_signed_on=None)
    project = new_project(coordinator, trust, days=[], start_time=None, end_time=None)
    approved(coordinator, manager, project)

    def activation_refused() -> str:
        errors = refused(
            services.project_change_status, actor=coordinator, project=project, to_status="active", reason="Go"
        )
        assert set(errors) == {"to_status"}
        return errors["to_status"][0]

    assert activation_refused() == "The beneficiary has not signed the memorandum of understanding"
    services.beneficiary_update(actor=coordinator, beneficiary=trust, mou_signed_on=date(2026, 11, 2))
    assert activation_refused() == "Set the days and hours the project can run"
    services.project_update(actor=coordinator, project=project, days=["sat"])
    assert activation_refused() == "Set the days and hours the project can run"
    services.project_update(actor=coordinator, project=project, start_time=time(9), end_time=time(15))
    assert activation_refused() == "Add the work schedule: at least one task"
    services.project_set_tasks(actor=coordinator, project=project, tasks=["Clear brambles"])

    assert refused(
        services.project_change_status, actor=coordinator, project=project, to_status="active", reason=" "
    ) == {"reason": ["Enter the reason"]}
    last = mark()
    services.project_change_status(actor=coordinator, project=project, to_status="active", reason="Ready to start")
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    event = AuditEvent.objects.get(pk__gt=last)
    assert (event.action, event.before, event.after) == ("project.status", {"status": "assessed"}, {"status": "active"})


def test_after_a_review_is_flagged_a_paused_project_restarts_only_once_a_new_assessment_is_approved(
    pdu_a: Pdu, coordinator: User, manager: User, other_manager: User
) -> None:
    project = ready_project(coordinator, manager, pdu_a)
    first = project.assessments.get()
    school = RiskFlag.objects.get(code="not-near-children")
    first.excluded_flags.set([school])
    change_status(coordinator, project, ProjectStatus.ACTIVE)

    assert refused(services.project_flag_review, actor=coordinator, project=project, reason=" ") == {
        "reason": ["Enter what happened or what changed"]
    }
    last = mark()
    services.project_flag_review(actor=other_manager, project=project, reason="Near miss: a strimmer threw a stone")
    project.refresh_from_db()
    assert project.review_needed
    assert (project.review_reason, project.review_raised_by) == ("Near miss: a strimmer threw a stone", other_manager)
    assert actions_since(last) == ["project.review_needed"]

    change_status(coordinator, project, ProjectStatus.PAUSED)
    message = {"to_status": ["The risk assessment must be reviewed and approved again before work resumes"]}
    activate = {"actor": coordinator, "project": project, "to_status": "active", "reason": "Resume"}
    assert refused(services.project_change_status, **activate) == message

    review = services.project_assessment_start(actor=coordinator, project=project)
    assert review.pk != first.pk
    # The review starts from the answers and restrictions of the last assessment.
    assert (review.hazards, review.max_people, review.makes_profit) == (SOUND["hazards"], 8, False)
    assert list(review.excluded_flags.all()) == [school]
    services.project_assessment_recommend(actor=coordinator, assessment=review, recommendation="Reviewed")
    assert refused(services.project_change_status, **activate) == message

    services.project_assessment_decide(actor=other_manager, assessment=review, approve=True)
    project.refresh_from_db()
    assert project.review_needed is False
    assert project.status == ProjectStatus.PAUSED
    services.project_change_status(**activate)
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    # History is kept: both assessments stay approved.
    assert list(project.assessments.values_list("status", flat=True)) == ["approved", "approved"]


def test_a_closed_project_stays_closed(pdu_a: Pdu, coordinator: User, manager: User) -> None:
    project = ready_project(coordinator, manager, pdu_a)
    change_status(coordinator, project, ProjectStatus.CLOSED)
    for to_status in ("active", "paused", "closed"):
        errors = refused(
            services.project_change_status, actor=coordinator, project=project, to_status=to_status, reason="Go"
        )
        assert set(errors) == {"to_status"}
        assert errors["to_status"][0].startswith("A closed project cannot become")


# ---------------------------------------------------------------------------------------------
# The yearly audit sample


@pytest.fixture
def assessed_in_north_east(
    pdu_a: Pdu, pdu_a2: Pdu, pdu_b: Pdu, coordinator: User, manager: User, other_manager: User
) -> list[int]:
    """Five assessed projects in the North East (one in a second PDU, one reviewed and approved
    twice), beside projects that must never be drawn: a draft one and one in London."""
    ids = []
    for index, pdu in enumerate([pdu_a, pdu_a, pdu_a, pdu_a, pdu_a2]):
        project = new_project(coordinator, charity(coordinator, pdu), name=f"Project {index}")
        approved(coordinator, manager, project)
        ids.append(project.pk)
    twice = Project.objects.get(pk=ids[0])
    services.project_flag_review(actor=coordinator, project=twice, reason="New path laid")
    approved(coordinator, other_manager, twice)
    new_project(coordinator, charity(coordinator, pdu_a), name="Still a draft")
    new_project(coordinator, charity(coordinator, pdu_b), name="London draft")
    return ids


def drawn(sample: RiskAssessmentAuditSample) -> list[int]:
    return sorted(sample.projects.values_list("pk", flat=True))


def test_audit_sample_is_reproducible_with_a_seed(pdu_a: Pdu, manager: User, assessed_in_north_east: list[int]) -> None:
    region = pdu_a.region
    last = mark()
    sample = services.audit_sample_draw(actor=manager, region=region, year=2026, size=2, seed=4242)
    chosen = drawn(sample)
    assert len(chosen) == 2
    assert set(chosen) <= set(assessed_in_north_east)
    assert (sample.seed, sample.size, sample.drawn_by, sample.year) == (4242, 2, manager, 2026)
    assert chosen == rules.draw_sample(assessed_in_north_east, size=2, seed=4242)
    event = AuditEvent.objects.get(pk__gt=last)
    assert (event.action, event.subject) == ("audit_sample.drawn", f"region:{region.pk}")

    # The same seed over the same projects draws the same sample, whatever the year.
    assert drawn(services.audit_sample_draw(actor=manager, region=region, year=2027, size=2, seed=4242)) == chosen
    # Without a seed one is chosen and kept, so the draw can be repeated.
    unseeded = services.audit_sample_draw(actor=manager, region=region, year=2028, size=2)
    assert drawn(unseeded) == rules.draw_sample(assessed_in_north_east, size=2, seed=unseeded.seed)
    # A sample as big as the population takes every assessed project once.
    assert drawn(services.audit_sample_draw(actor=manager, region=region, year=2029, size=50, seed=1)) == sorted(
        assessed_in_north_east
    )


def test_audit_sample_refusals(pdu_a: Pdu, pdu_b: Pdu, manager: User, assessed_in_north_east: list[int]) -> None:
    draw = services.audit_sample_draw
    services.audit_sample_draw(actor=manager, region=pdu_a.region, year=2026, size=2, seed=1)
    assert refused(draw, actor=manager, region=pdu_a.region, year=2026, size=3, seed=2) == {
        "year": [f"The 2026 sample for {pdu_a.region} has already been drawn"]
    }
    assert set(refused(draw, actor=manager, region=pdu_a.region, year=2027, size=0)) == {"size"}
    assert set(refused(draw, actor=manager, region=pdu_a.region, year=2027, size=201)) == {"size"}
    # London has only a draft project.
    assert refused(draw, actor=manager, region=pdu_b.region, year=2026, size=2, seed=1) == {
        "year": ["There are no assessed projects in the region to sample"]
    }
