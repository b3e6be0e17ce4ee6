"""The demo data generator: staff who can sign in, plausible numbers, and ledgers that keep
the rules (nothing owed below zero, ETE within its cap, corrections that cancel out)."""

import itertools
import statistics
from collections import defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count, F, Sum
from django.test import Client
from django.utils import timezone

from payback.cases import rules
from payback.cases.models import (
    CLOSED_STATUSES,
    CaseStatus,
    CaseStatusChange,
    DiversityInformation,
    LedgerEntry,
    LedgerKind,
    Person,
    Requirement,
)
from payback.cases.services import STATUS_TRANSITIONS
from payback.core.models import AuditEvent
from payback.core.selectors import policy_book
from payback.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from payback.staff.models import User
from payback.staff.roles import ROLES

pytestmark = pytest.mark.django_db


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", size="small", stdout=out, **options)
    return out.getvalue()


def check_ledgers() -> None:
    """Every requirement's ledger against the rules in rules.py."""
    book = policy_book()
    today = timezone.localdate()
    totals: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for requirement_id, kind, minutes in (
        LedgerEntry.objects.values_list("requirement_id", "kind").annotate(total=Sum("minutes")).order_by()
    ):
        totals[requirement_id].append((kind, minutes))
    requirements = list(Requirement.objects.select_related("order"))
    assert requirements
    for requirement in requirements:
        balance = rules.balance_of(requirement.ordered_minutes, totals[requirement.pk])
        assert balance.remaining_minutes >= 0, requirement.pk
        cap = rules.ete_cap_minutes(balance.total_ordered_minutes, book.value("ete_cap_percent", today))
        assert balance.ete_minutes <= cap, requirement.pk
        assert balance.total_ordered_minutes <= rules.MAX_HOURS * 60
        if requirement.status == CaseStatus.COMPLETED:
            assert balance.remaining_minutes == 0, requirement.pk

    corrections = LedgerEntry.objects.filter(reverses__isnull=False).select_related("reverses")
    assert corrections.exists()
    for correction in corrections:
        original = correction.reverses
        assert original is not None
        assert original.reverses_id is None
        assert correction.kind == original.kind
        assert correction.minutes + original.minutes == 0
        assert correction.occurred_on == original.occurred_on
        assert correction.source_ref == str(original.pk)
    travel_cap = book.value("travel_adjustment_cap_minutes", today)
    assert not LedgerEntry.objects.filter(kind=LedgerKind.TRAVEL, minutes__gt=travel_cap).exists()
    assert not LedgerEntry.objects.filter(kind=LedgerKind.WORK, minutes__gt=7 * 60).exists()


def check_status_histories() -> None:
    """Each requirement's status changes run from 'order made' along allowed moves to its status."""
    history: dict[int, list[CaseStatusChange]] = defaultdict(list)
    for change in CaseStatusChange.objects.order_by("changed_at", "id"):
        history[change.requirement_id].append(change)
    for requirement in Requirement.objects.all():
        changes = history[requirement.pk]
        assert changes[0].from_status == "" and changes[0].to_status == CaseStatus.AWAITING_INDUCTION
        for before, after in itertools.pairwise(changes):
            assert after.from_status == before.to_status, requirement.pk
            assert after.to_status in STATUS_TRANSITIONS[before.to_status], requirement.pk
        assert changes[-1].to_status == requirement.status, requirement.pk


def test_staff_in_every_role_sign_in_with_the_demo_password() -> None:
    seed()
    for role in ROLES:
        assert Group.objects.get(name=role.name).user_set.exists(), role.name
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.groups.filter(name=account.role).exists()
        assert user.scope == account.scope
        client = Client()
        response = client.post("/sign-in/", {"username": account.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, account.username
        assert client.session.get("_auth_user_id") == str(user.pk)
    generated = User.objects.exclude(username__in=[a.username for a in DEMO_ACCOUNTS])
    assert generated.count() > 20
    assert all(user.check_password(DEMO_PASSWORD) for user in generated[:5])
    assert len(set(User.objects.values_list("password", flat=True))) == 1  # hashed once
    supervisors = User.objects.filter(groups__name="Supervisor")
    assert supervisors.filter(gender="female").exists() and supervisors.filter(gender="male").exists()


def test_small_size_has_the_expected_numbers() -> None:
    output = seed()
    assert "Seeded 'small' demo data" in output
    assert Requirement.objects.count() == 340
    people = Person.objects.count()
    assert 300 <= people <= 340
    per_pdu = dict(Requirement.objects.values_list("person__pdu__code").annotate(n=Count("id")).order_by())
    assert per_pdu["NE03"] == 80
    assert per_pdu["LON01"] == 40
    assert set(per_pdu) == {f"NE0{i}" for i in range(1, 8)} | {"LON01"}
    assert Requirement.objects.filter(person__practitioner__username="practitioner").count() >= 55
    assert Requirement.objects.filter(person__practitioner__username="practitioner-london").count() >= 25
    # every case has a practitioner from its own PDU
    assert not Person.objects.exclude(practitioner__pdu=F("pdu")).exists()

    women = Person.objects.filter(sex="female").count() / people
    assert 0.09 <= women <= 0.21
    ages = [
        rules.age_on(dob, sentenced)
        for dob, sentenced in Requirement.objects.values_list("person__date_of_birth", "order__sentence_date")
    ]
    assert min(ages) >= 18 and max(ages) <= 70
    assert 27 <= statistics.median(ages) <= 37
    suspended = Requirement.objects.filter(order__order_type="suspended_sentence_order").count() / 340
    assert 0.08 <= suspended <= 0.22
    assert not Requirement.objects.exclude(ordered_minutes__range=(40 * 60, 300 * 60)).exists()
    assert DiversityInformation.objects.count() >= people * 0.75

    statuses = dict(Requirement.objects.values_list("status").annotate(n=Count("id")).order_by())
    for status in (CaseStatus.COMPLETED, CaseStatus.WORKING, CaseStatus.AWAITING_PLACEMENT):
        assert statuses.get(status, 0) > 0, status
    assert statuses.get(CaseStatus.COMPLETED, 0) < 340 * 0.6
    open_cases = sum(n for status, n in statuses.items() if status not in CLOSED_STATUSES)
    assert open_cases > 100


def test_ledgers_and_histories_keep_the_rules() -> None:
    seed()
    check_ledgers()
    check_status_histories()
    assert LedgerEntry.objects.filter(kind=LedgerKind.ETE).exists()
    assert LedgerEntry.objects.filter(kind=LedgerKind.TRAVEL).exists()
    # an audit event for every change, on the person's history
    assert AuditEvent.objects.filter(action="case.created").count() == Person.objects.count()
    assert AuditEvent.objects.filter(action__startswith="ledger.").count() == LedgerEntry.objects.count()
    assert (
        AuditEvent.objects.filter(action__in=["requirement.created", "requirement.status_changed"]).count()
        == CaseStatusChange.objects.count()
    )
    assert set(AuditEvent.objects.values_list("channel", flat=True)) == {"command"}
    person = Person.objects.order_by("pk").first()
    assert person is not None
    assert AuditEvent.objects.filter(subject=f"person:{person.pk}").exists()


def test_bulk_create_path_keeps_the_same_rules() -> None:
    seed(no_copy=True)
    assert Requirement.objects.count() == 340
    check_ledgers()
    check_status_histories()


def test_if_empty_seeds_only_once() -> None:
    seed(if_empty=True)
    counts = (Person.objects.count(), LedgerEntry.objects.count(), User.objects.count())
    output = seed(if_empty=True)
    assert "not seeded" in output
    assert (Person.objects.count(), LedgerEntry.objects.count(), User.objects.count()) == counts


@pytest.mark.today("2026-11-18")  # a working day: the demo supervisor has a session today
def test_work_data_is_seeded_with_the_cases() -> None:
    """Inductions, assessments, projects, nominations and sessions added by seed_demo_work."""
    from payback.cases.models import Assessment, AssessmentStatus, Induction, NonAssociation, RoshLevel, Sex
    from payback.delivery.models import Appointment, Session, SessionStatus
    from payback.projects.models import Beneficiary, Nomination, NominationStatus, Project, ProjectType

    seed()
    today = timezone.localdate()
    people = Person.objects.count()
    assert Induction.objects.filter(outcome="attended").exists()
    assert Induction.objects.filter(outcome="", starts_at__date__gt=today).exists()

    current = Assessment.objects.filter(status=AssessmentStatus.CURRENT)
    beyond = (
        Requirement.objects.exclude(status__in=[CaseStatus.AWAITING_INDUCTION, CaseStatus.AWAITING_ASSESSMENT])
        .values("person_id")
        .distinct()
        .count()
    )
    assert 0.85 * beyond <= current.count() <= beyond
    assert Assessment.objects.filter(status=AssessmentStatus.SUPERSEDED).exists()
    for assessment in current.filter(rosh_level__in=[RoshLevel.HIGH, RoshLevel.VERY_HIGH]):
        assert assessment.countersigned_by_id and assessment.countersigned_by_id != assessment.author_id
    assert not current.filter(placement_preference="women_only").exclude(person__sex=Sex.FEMALE).exists()
    assert all(a.availability for a in current)
    assert Assessment.risk_flags.through.objects.exists()
    pairs = list(NonAssociation.objects.values_list("person_id", "other_id", "person__pdu_id", "other__pdu_id"))
    assert pairs and len(pairs) <= people * 0.02
    assert all(a < b and pdu_a == pdu_b for a, b, pdu_a, pdu_b in pairs)

    assert Beneficiary.objects.exists()
    groups = Project.objects.filter(project_type=ProjectType.GROUP).count()
    assert people / 15 <= groups <= people / 5
    assert not Project.objects.filter(project_type=ProjectType.INDIVIDUAL).exclude(capacity=1).exists()
    for status in NominationStatus:
        assert Nomination.objects.filter(status=status).exists()
    assert not Nomination.objects.filter(status=NominationStatus.ACCEPTED, project__isnull=True).exists()
    assert not Nomination.objects.filter(status=NominationStatus.REJECTED, rejection_reason="").exists()

    assert not Session.objects.filter(date__lt=today).exclude(status=SessionStatus.CLOSED).exists()
    assert Session.objects.filter(date__gte=today + timedelta(days=7)).exists()
    assert Session.objects.filter(supervisor__username="supervisor", date=today).exists()
    assert Appointment.objects.filter(session__supervisor__username="supervisor", date=today).count() >= 1
    past = Appointment.objects.filter(date__lt=today)
    assert past.filter(outcome="attended_complied").count() > past.count() * 0.7
    assert past.filter(evidence_due__isnull=False).exists()
    assert not Appointment.objects.filter(credited_entry__isnull=False).exists()
    assert not Appointment.objects.filter(date__gte=today).exclude(outcome="").exists()
