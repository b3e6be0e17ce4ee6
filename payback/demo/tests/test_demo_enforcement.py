"""The demo's enforcement is done through the enforcement services: real requests for evidence,
decisions, warnings and breach with their letters, court outcomes and reviews, each with the audit
event its service writes; and some failures left on "To decide" for the demo practitioner."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from payback.cases.models import CaseStatus, Requirement
from payback.core.models import AuditEvent
from payback.enforcement.models import Action, CourtOutcome, Decision, EvidenceRequest, Letter, Review
from payback.enforcement.selectors import failures_to_decide, open_breach
from payback.staff.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_shows_enforcement_done_through_the_services() -> None:
    call_command("seed_demo", size="small", stdout=StringIO())

    assert EvidenceRequest.objects.count() == AuditEvent.objects.filter(action="failure.evidence_requested").count() > 0
    assert set(Decision.objects.values_list("verdict", flat=True)) == {"acceptable", "unacceptable"}
    assert Decision.objects.count() == AuditEvent.objects.filter(action="failure.decided").count()
    steps = set(Action.objects.values_list("step", flat=True))
    assert {"warning", "breach"} <= steps
    assert Action.objects.count() == AuditEvent.objects.filter(action="enforcement.step_taken").count()
    # every warning and breach has its letter; every step records the rule that gave it
    assert Letter.objects.filter(action__isnull=False).count() == Action.objects.exclude(step="none").count()
    assert not Action.objects.filter(rule_code="").exists()
    assert CourtOutcome.objects.count() == AuditEvent.objects.filter(action="court.outcome_recorded").count() > 0
    assert Review.objects.exists()

    # a case in breach has breach action open on it, and the other way round
    for requirement in Requirement.objects.filter(failures__isnull=False).distinct():
        assert (requirement.status == CaseStatus.BREACH_IN_PROGRESS) == (open_breach(requirement) is not None)

    # some failures wait on "To decide", some of them overdue for the senior
    practitioners = User.objects.filter(caseload__failures__isnull=False).distinct()
    waiting = [row for user in practitioners for row in failures_to_decide(user)]
    assert waiting
    spo = User.objects.get(username="spo")
    assert failures_to_decide(spo, mine_only=False, overdue_on=timezone.localdate())
