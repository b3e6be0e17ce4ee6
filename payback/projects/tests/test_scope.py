"""Region and PDU scoping of nominations, beneficiaries, projects and their assessments: a PDU
user sees their PDU, a region user their region, national staff everything; anything outside
the user's scope is not found (404)."""

from collections.abc import Callable
from datetime import date, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from payback.projects import selectors, services
from payback.projects.models import AssessmentDecision, Nomination, ProjectAssessment, RiskAssessmentAuditSample
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import HEAD_OF_UNPAID_WORK, OPERATIONS_MANAGER, PLACEMENT_COORDINATOR

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]
DURHAM, GATESHEAD, LONDON = "NE01", "NE02", "LON01"
POSTCODES = {DURHAM: "DH1 3AA", GATESHEAD: "NE8 1AA", LONDON: "SE1 7PB"}

# Which PDUs' records each kind of user sees.
VISIBLE = {
    "pdu": {DURHAM},
    "region": {DURHAM, GATESHEAD},
    "national": {DURHAM, GATESHEAD, LONDON},
    "london": {LONDON},
    "inactive": set(),
}

GETTERS: dict[str, Callable[[User, int], Any]] = {
    "nomination": selectors.nomination_get,
    "beneficiary": selectors.beneficiary_get,
    "project": selectors.project_get,
    "assessment": selectors.project_assessment_get,
}


@pytest.fixture
def users(make_user: MakeUser, pdu_a: Pdu, pdu_b: Pdu) -> dict[str, User]:
    inactive = make_user("ina", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    inactive.is_active = False
    inactive.save()
    return {
        "pdu": make_user("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a),
        "region": make_user("reg", role=OPERATIONS_MANAGER, scope=Scope.REGION, region=pdu_a.region),
        "national": make_user("nat", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL),
        "london": make_user("lou", role=PLACEMENT_COORDINATOR, pdu=pdu_b),
        "inactive": inactive,
    }


@pytest.fixture
def world(pdu_a: Pdu, pdu_a2: Pdu, pdu_b: Pdu, users: dict[str, User]) -> dict[str, SimpleNamespace]:
    """One nomination, beneficiary, project and project assessment in each of three PDUs."""
    actor = users["national"]
    records = {}
    for pdu in (pdu_a, pdu_a2, pdu_b):
        nomination, _ = services.nomination_submit(
            nominator_name="Jo Bloggs",
            nominator_email="jo@example.org",
            nominator_phone="",
            organisation="",
            on_behalf_of_group=False,
            work_description=f"Clear the churchyard in {pdu.name}",
            location="St Mary's churchyard",
            postcode=POSTCODES[pdu.code],
            who_benefits="The parish",
            heard_about="word_of_mouth",
            pdu=pdu,
        )
        beneficiary = services.beneficiary_create(
            actor=actor, pdu=pdu, name=f"{pdu.name} Parish Council", kind="council", contact_name="Clerk"
        )
        project = services.project_create(
            actor=actor, beneficiary=beneficiary, pdu=pdu, name=f"{pdu.name} churchyard", start_time=time(9)
        )
        assessment = services.project_assessment_start(actor=actor, project=project)
        records[pdu.code] = SimpleNamespace(
            nomination=nomination, beneficiary=beneficiary, project=project, assessment=assessment
        )
    return records


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_lists_hold_only_the_users_area(who: str, users: dict[str, User], world: dict[str, SimpleNamespace]) -> None:
    user = users[who]
    assert {n.pdu.code for n in selectors.nominations_for(user)} == VISIBLE[who]
    assert {b.pdu.code for b in selectors.beneficiaries_for(user)} == VISIBLE[who]
    assert {p.pdu.code for p in selectors.projects_for(user)} == VISIBLE[who]
    register = selectors.nomination_register(user, selectors.NominationFilters(), today=date(2026, 11, 25))
    assert {n.pdu.code for n in register} == VISIBLE[who]
    assert {p.pdu.code for p in selectors.project_list(user, selectors.ProjectFilters())} == VISIBLE[who]


@pytest.mark.parametrize("kind", sorted(GETTERS))
@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_a_record_outside_the_users_area_is_not_found(
    who: str, kind: str, users: dict[str, User], world: dict[str, SimpleNamespace]
) -> None:
    user, get = users[who], GETTERS[kind]
    for code, records in world.items():
        record = getattr(records, kind)
        if code in VISIBLE[who]:
            assert get(user, record.pk).pk == record.pk
        else:
            with pytest.raises(Http404):
                get(user, record.pk)


def test_another_regions_records_are_not_found_by_their_ids(
    users: dict[str, User], world: dict[str, SimpleNamespace]
) -> None:
    london = world[LONDON]
    durham_user = users["pdu"]
    for kind, get in GETTERS.items():
        with pytest.raises(Http404):
            get(durham_user, getattr(london, kind).pk)
    with pytest.raises(Http404):
        selectors.nomination_get(durham_user, 999_999)


def test_beneficiary_project_counts(users: dict[str, User], world: dict[str, SimpleNamespace]) -> None:
    beneficiary = selectors.beneficiary_get(users["pdu"], world[DURHAM].beneficiary.pk)
    assert beneficiary.project_count == 1


def test_approvals_waiting_are_in_the_area_and_not_the_managers_own(
    make_user: MakeUser, pdu_a: Pdu, users: dict[str, User], world: dict[str, SimpleNamespace]
) -> None:
    manager = users["region"]
    for code in (DURHAM, LONDON):
        ProjectAssessment.objects.filter(pk=world[code].assessment.pk).update(
            status=AssessmentDecision.RECOMMENDED, recommended_at=timezone.now()
        )
    assert [a.pk for a in selectors.approvals_waiting(manager)] == [world[DURHAM].assessment.pk]
    assert list(selectors.approvals_waiting(users["national"])) == []  # national made them all
    other_national = make_user("nadia", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)
    assert len(selectors.approvals_waiting(other_national)) == 2


def test_audit_samples_are_shown_for_the_users_region(
    pdu_a: Pdu, pdu_b: Pdu, users: dict[str, User], world: dict[str, SimpleNamespace]
) -> None:
    for pdu in (pdu_a, pdu_b):
        RiskAssessmentAuditSample.objects.create(
            year=2026, region=pdu.region, seed=1, size=1, drawn_by=users["national"]
        )
    assert [s.region for s in selectors.audit_samples_for(users["pdu"])] == [pdu_a.region]
    assert [s.region for s in selectors.audit_samples_for(users["region"])] == [pdu_a.region]
    assert [s.region for s in selectors.audit_samples_for(users["london"])] == [pdu_b.region]
    assert len(selectors.audit_samples_for(users["national"])) == 2
    assert list(selectors.audit_samples_for(users["inactive"])) == []


# ---------------------------------------------------------------------------------------------
# The register: acknowledgement due and overdue


def test_register_overdue_filter_and_tags(users: dict[str, User], world: dict[str, SimpleNamespace]) -> None:
    user = users["region"]
    durham, gateshead = world[DURHAM].nomination, world[GATESHEAD].nomination
    today = date(2026, 11, 25)
    Nomination.objects.filter(pk=durham.pk).update(acknowledge_by=today - timedelta(days=1))
    Nomination.objects.filter(pk=gateshead.pk).update(acknowledge_by=today)
    overdue = selectors.nomination_register(user, selectors.NominationFilters(overdue=True), today=today)
    assert [n.pk for n in overdue] == [durham.pk]
    durham.refresh_from_db()
    gateshead.refresh_from_db()
    assert selectors.acknowledgement_tag(durham, today=today) == "overdue"
    assert selectors.acknowledgement_tag(gateshead, today=today) == "due"

    services.nomination_acknowledge(actor=user, nomination=durham)
    durham.refresh_from_db()
    assert selectors.acknowledgement_tag(durham, today=today) == ""
    assert list(selectors.nomination_register(user, selectors.NominationFilters(overdue=True), today=today)) == []
    assert selectors.open_nomination_count(user) == 1


def test_register_search_by_reference_and_postcode(users: dict[str, User], world: dict[str, SimpleNamespace]) -> None:
    user = users["national"]
    london = world[LONDON].nomination
    by_reference = selectors.NominationFilters(q=london.reference.lower())
    assert [n.pk for n in selectors.nomination_register(user, by_reference, today=date(2026, 11, 25))] == [london.pk]
    by_postcode = selectors.NominationFilters(q="ne8")
    found = selectors.nomination_register(user, by_postcode, today=date(2026, 11, 25))
    assert [n.pk for n in found] == [world[GATESHEAD].nomination.pk]


def test_register_and_project_list_filters(users: dict[str, User], world: dict[str, SimpleNamespace]) -> None:
    user = users["national"]
    today = date(2026, 11, 25)
    services.nomination_acknowledge(actor=user, nomination=world[LONDON].nomination)
    acknowledged = selectors.NominationFilters(status="acknowledged")
    assert [n.pk for n in selectors.nomination_register(user, acknowledged, today=today)] == [
        world[LONDON].nomination.pk
    ]

    services.project_flag_review(actor=user, project=world[GATESHEAD].project, reason="Wall collapsed")
    flagged = selectors.ProjectFilters(review_needed=True)
    assert [p.pk for p in selectors.project_list(user, flagged)] == [world[GATESHEAD].project.pk]
    by_beneficiary = selectors.ProjectFilters(q="gateshead and south tyneside parish")
    assert [p.pk for p in selectors.project_list(user, by_beneficiary)] == [world[GATESHEAD].project.pk]
    assert len(selectors.project_list(user, selectors.ProjectFilters(status="draft", project_type="group"))) == 3
    assert list(selectors.project_list(user, selectors.ProjectFilters(status="active"))) == []
