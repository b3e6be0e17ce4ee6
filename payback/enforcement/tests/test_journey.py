"""The worked example: a failure, the evidence asked for, decided unacceptable, a warning; a second
failure within 12 months, breach; the court adds hours; work resumes and the order completes.
Earned reduction stops at the first unacceptable failure and keeps what was earned before it."""

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from payback.cases.models import CaseStatus, LedgerKind, Requirement
from payback.cases.selectors import requirement_balance
from payback.cases.services import ledger_credit_work
from payback.delivery.models import Appointment
from payback.enforcement import services
from payback.enforcement.models import Action, CourtOutcome, Decision, Failure, Letter, Step
from payback.enforcement.selectors import failures_to_decide, open_breach
from payback.enforcement.tests.conftest import source_of
from payback.staff.models import User
from payback.testing.builders import Clock, placeable_person

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18"), pytest.mark.usefixtures("earned_reduction")]

OnSession = Callable[[Requirement, date, str], Appointment]


def balance(requirement: Requirement) -> tuple[int, int, int]:
    b = requirement_balance(requirement)
    return b.work_minutes, b.earned_reduction_minutes, b.remaining_minutes


def status(requirement: Requirement) -> str:
    requirement.refresh_from_db()
    return requirement.status


def test_failure_to_warning_to_breach_to_court_to_completion(
    clock: Clock, practitioner: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=100)  # the induction's hour counts as work
    ledger_credit_work(
        actor=practitioner, requirement=person, minutes=39 * 60, occurred_on=date(2026, 5, 1), source="earlier_work"
    )
    # 40 hours worked: 15 beyond the 25-hour threshold earn 7 h 30 of reduction.
    assert balance(person) == (2400, 450, 6000 - 2400 - 450)

    # 1. An unacceptable absence on Monday 1 June. It is waiting on "To decide".
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    (waiting,) = failures_to_decide(practitioner)
    assert (waiting.source.ref, waiting.evidence_due) == (f"A{absence.pk}", date(2026, 6, 8))

    # 2. The practitioner writes on Tuesday: the evidence clock runs from then.
    clock.today = date(2026, 6, 2)
    request = services.evidence_request_record(
        actor=practitioner, source=source_of(practitioner, absence), method="letter", asked_on=date(2026, 6, 2)
    )
    assert request.due_on == date(2026, 6, 9)

    # 3. Before the evidence date, "unacceptable" is refused: the person still has time.
    clock.today = date(2026, 6, 5)
    with pytest.raises(ValidationError) as refused:
        services.failure_decide(
            actor=practitioner, source=source_of(practitioner, absence), verdict="unacceptable", reason="No reply"
        )
    assert "has until 9 June 2026" in refused.value.message_dict["verdict"][0]

    # 4. Nothing came: unacceptable, and the rules give a warning.
    clock.today = date(2026, 6, 10)
    services.failure_decide(
        actor=practitioner, source=source_of(practitioner, absence), verdict="unacceptable", reason="No evidence given"
    )
    warning = Action.objects.get(failure__appointment=absence)
    assert (warning.step, warning.rule_step, warning.rule_code) == (Step.WARNING, Step.WARNING, "first_failure")
    assert failures_to_decide(practitioner) == []
    person.refresh_from_db()
    assert person.earning_stopped_on == date(2026, 6, 1)

    # 5. Work goes on, but earns no more reduction: what was earned before is kept.
    on_session(person, date(2026, 6, 15), "attended_complied")
    assert balance(person) == (2400 + 420, 450, 6000 - 2820 - 450)

    # 6. A second failure within 12 months of the warning: breach action is mandatory.
    second = on_session(person, date(2026, 9, 7), "attended_failed_to_comply")
    clock.today = date(2026, 9, 15)
    services.failure_decide(
        actor=practitioner, source=source_of(practitioner, second), verdict="unacceptable", reason="Refused to work"
    )
    breach = Action.objects.get(failure__appointment=second)
    assert (breach.step, breach.rule_code) == (Step.BREACH, "second_failure_within_window")
    assert status(person) == CaseStatus.BREACH_IN_PROGRESS
    assert open_breach(person) == breach

    # 7. The court: the order continues with 10 more hours.
    clock.today = date(2026, 10, 5)
    outcome = services.court_outcome_record(
        actor=practitioner,
        requirement=person,
        kind="breach",
        hearing_on=date(2026, 10, 5),
        court="Newcastle Magistrates' Court",
        outcome="continues_extra_hours",
        extra_minutes=600,
    )
    assert outcome.breach == breach and outcome.ledger_entry is not None
    assert outcome.ledger_entry.kind == LedgerKind.COURT_VARIATION and outcome.ledger_entry.minutes == 600
    assert status(person) == CaseStatus.WORKING
    assert open_breach(person) is None
    # The session of the second failure credited the 7 hours worked before it went wrong. With 110
    # hours ordered the threshold is now 27 h 30, so the reduction earned before June is 6 h 15.
    assert balance(person) == (3240, 375, 6600 - 3240 - 375)

    # 8. Work resumes, and the session that clears the ledger completes the order.
    ledger_credit_work(
        actor=practitioner,
        requirement=person,
        minutes=balance(person)[2] - 300,
        occurred_on=date(2026, 10, 5),
        source="earlier_work",
    )
    on_session(person, date(2026, 10, 12), "attended_complied")
    assert balance(person)[2] == 0
    assert status(person) == CaseStatus.COMPLETED
    # The letters of the journey: the warning, the breach notification and the completion letter.
    assert list(Letter.objects.filter(requirement=person).values_list("kind", flat=True)) == [
        "warning",
        "breach",
        "completion",
    ]
    assert "You have now done all 110 hours" in Letter.objects.get(kind="completion").text


def test_a_reversed_decision_restores_earned_reduction_and_withdraws_the_warning(
    clock: Clock, practitioner: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=100)
    ledger_credit_work(
        actor=practitioner, requirement=person, minutes=39 * 60, occurred_on=date(2026, 5, 1), source="earlier_work"
    )
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    clock.today = date(2026, 6, 10)
    services.failure_decide(
        actor=practitioner, source=source_of(practitioner, absence), verdict="unacceptable", reason="No evidence"
    )
    on_session(person, date(2026, 6, 15), "attended_complied")
    assert balance(person) == (2820, 450, 6000 - 2820 - 450)

    # On appeal, a hospital letter: the decision is reversed and the 7 hours since earn their 3 h 30.
    clock.today = date(2026, 6, 20)
    services.decision_reverse(
        actor=practitioner, source=source_of(practitioner, absence), reason="Hospital letter shows an admission"
    )
    assert balance(person) == (2820, 450 + 210, 6000 - 2820 - 660)
    person.refresh_from_db()
    assert person.earning_stopped_on is None
    action = Action.objects.get(failure__appointment=absence)
    assert action.withdrawn_at is not None and "Hospital letter" in action.withdrawn_reason
    # The reversal is a new decision pointing at the old: nothing was edited.
    first, reversal = Decision.objects.filter(failure__appointment=absence).order_by("id")
    assert (first.verdict, reversal.verdict, reversal.reverses) == ("unacceptable", "acceptable", first)

    # A further failure now gets a warning, not breach: the warning was withdrawn.
    later = on_session(person, date(2026, 7, 6), "unacceptable_absence")
    clock.today = date(2026, 7, 14)
    services.failure_decide(
        actor=practitioner, source=source_of(practitioner, later), verdict="unacceptable", reason="No evidence"
    )
    assert Action.objects.get(failure__appointment=later).step == Step.WARNING


def test_an_acceptable_failure_takes_no_step_and_keeps_earning(
    clock: Clock, practitioner: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    clock.today = date(2026, 6, 3)
    services.evidence_record(
        actor=practitioner,
        source=source_of(practitioner, absence),
        description="GP's note: flu",
        received_on=date(2026, 6, 3),
    )
    services.failure_decide(
        actor=practitioner, source=source_of(practitioner, absence), verdict="acceptable", reason="GP's note"
    )
    assert not Action.objects.exists()
    person.refresh_from_db()
    assert person.earning_stopped_on is None
    assert Failure.objects.get().evidence.get().description == "GP's note: flu"


def test_breach_mandatory_cannot_be_skipped_by_a_practitioner_but_a_senior_can_record_why(
    clock: Clock, practitioner: User, spo: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=100)
    first = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    clock.today = date(2026, 6, 10)
    services.failure_decide(
        actor=practitioner, source=source_of(practitioner, first), verdict="unacceptable", reason="No evidence"
    )
    second = on_session(person, date(2026, 6, 15), "unacceptable_absence")
    clock.today = date(2026, 6, 24)
    with pytest.raises(ValidationError) as no_reason:
        services.failure_decide(
            actor=practitioner, source=source_of(practitioner, second), verdict="unacceptable", reason="x", step="none"
        )
    assert "Enter why" in no_reason.value.message_dict["departure_reason"][0]
    with pytest.raises(ValidationError) as not_senior:
        services.failure_decide(
            actor=practitioner,
            source=source_of(practitioner, second),
            verdict="unacceptable",
            reason="x",
            step="none",
            departure_reason="Detained under the Mental Health Act",
        )
    assert "senior probation officer" in not_senior.value.message_dict["step"][0]
    assert not Decision.objects.filter(failure__appointment=second).exists()  # nothing half-saved

    services.failure_decide(
        actor=spo,
        source=source_of(spo, second),
        verdict="unacceptable",
        reason="No evidence",
        step="none",
        departure_reason="Detained under the Mental Health Act",
    )
    action = Action.objects.get(failure__appointment=second)
    assert (action.rule_step, action.step, action.agreed_by) == (Step.BREACH, Step.NONE, spo)
    assert action.departed
    assert status(person) != CaseStatus.BREACH_IN_PROGRESS


def test_a_second_decision_on_the_same_failure_is_refused_and_a_repeat_is_one_decision(
    clock: Clock, practitioner: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    clock.today = date(2026, 6, 10)
    for _ in range(3):
        services.failure_decide(
            actor=practitioner,
            source=source_of(practitioner, absence),
            verdict="unacceptable",
            reason="No evidence",
            idempotency_key="decide-1",
        )
    assert Decision.objects.count() == 1 and Action.objects.count() == 1
    with pytest.raises(ValidationError) as again:
        services.failure_decide(
            actor=practitioner, source=source_of(practitioner, absence), verdict="acceptable", reason="Changed my mind"
        )
    assert "already been decided" in again.value.message_dict["verdict"][0]


def test_court_outcomes_are_checked_and_write_nothing_when_refused(
    clock: Clock, practitioner: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=250)
    clock.today = date(2026, 6, 10)
    with pytest.raises(ValidationError) as refused:
        services.court_outcome_record(
            actor=practitioner,
            requirement=person,
            kind="extension",
            hearing_on=date(2026, 6, 10),
            court="Newcastle Magistrates' Court",
            outcome="continues_extra_hours",
            extra_minutes=60 * 60,
        )
    assert "above 300 hours" in refused.value.message_dict["extra_minutes"][0]
    with pytest.raises(ValidationError) as no_breach:
        services.court_outcome_record(
            actor=practitioner,
            requirement=person,
            kind="breach",
            hearing_on=date(2026, 6, 10),
            court="Newcastle Magistrates' Court",
            outcome="continues",
        )
    assert "no breach action open" in no_breach.value.message_dict["kind"][0]
    assert not CourtOutcome.objects.exists()
