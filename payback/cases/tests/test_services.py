"""The case services on PostgreSQL: what they write, what they refuse, and that a refusal
writes nothing."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.forms.models import model_to_dict

from payback.cases.models import (
    CaseStatus,
    CaseStatusChange,
    DiversityInformation,
    LedgerEntry,
    LedgerKind,
    Order,
    Person,
    Requirement,
)
from payback.cases.selectors import requirement_balance
from payback.cases.services import cases as case_writes
from payback.cases.services import (
    credits,
    ledger,
    ledger_correct,
    ledger_credit_work,
    ledger_record_court_variation,
    ledger_record_ete,
    ledger_record_travel,
    requirement_change_status,
    requirement_create,
)
from payback.cases.services import status as status_writes
from payback.core.models import AuditEvent
from payback.core.selectors import policy_book
from payback.core.services import policy_version_add
from payback.staff.models import User

TODAY = date(2026, 11, 25)
SENTENCED = date(2026, 3, 2)  # make_case's default: window ends 2 March 2027
SCHEME = {"threshold_percent": 25, "minutes_per_hour": 30, "cap_percent": 25}
S = CaseStatus

MakeCase = Callable[..., Requirement]


# Every date rule below is worked out against 25 November 2026.
pytestmark = pytest.mark.today("2026-11-25")


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Person, DiversityInformation, Order, Requirement, LedgerEntry, CaseStatusChange, AuditEvent)
    }


def remaining(requirement: Requirement) -> int:
    return requirement_balance(requirement).remaining_minutes


def refresh(requirement: Requirement) -> Requirement:
    return Requirement.objects.select_related("order", "person").get(pk=requirement.pk)


def errors_of(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return caught.value.message_dict


def to_placement(requirement: Requirement, actor: User) -> Requirement:
    for status in (S.AWAITING_ASSESSMENT, S.AWAITING_PLACEMENT):
        requirement = requirement_change_status(actor=actor, requirement=requirement, to_status=status, reason="Done")
    return requirement


def work(requirement: Requirement, actor: User | None, minutes: int, on: date) -> LedgerEntry | None:
    return ledger_credit_work(actor=actor, requirement=requirement, minutes=minutes, occurred_on=on, source="session")


# ---------------------------------------------------------------------------------------------
# Recording a case


@pytest.mark.django_db
def test_case_create_records_person_order_and_requirement(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(
        actor=practitioner, crn=" x123456 ", sentence_date=date(2026, 4, 1), hours=100, postcode="ne1 4st"
    )
    requirement = refresh(requirement)
    person = requirement.person
    assert person.crn == "X123456"
    assert person.postcode == "NE1 4ST"
    assert requirement.order.order_type == "community_order"
    assert requirement.order.operational_period_end is None
    assert requirement.ordered_minutes == 6000
    assert requirement.status == S.AWAITING_INDUCTION
    # Sentenced Wed 1 Apr 2026, Easter on 3 and 6 April (worked out in test_workingdays).
    assert requirement.induction_due == date(2026, 4, 10)
    assert requirement.assessment_due == date(2026, 4, 24)
    assert requirement.window_end == date(2027, 4, 1)
    assert remaining(requirement) == 6000

    change = CaseStatusChange.objects.get(requirement=requirement)
    assert (change.from_status, change.to_status, change.changed_by) == ("", S.AWAITING_INDUCTION, practitioner)
    events = AuditEvent.objects.filter(subject=f"person:{person.pk}")
    assert set(events.values_list("action", flat=True)) == {"case.created", "requirement.created"}
    assert all(event.actor == practitioner for event in events)


@pytest.mark.django_db
def test_case_create_refuses_a_youth_rehabilitation_order(make_case: MakeCase) -> None:
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_case(order_type="youth_rehabilitation_order", date_of_birth=date(2009, 6, 1))
    message = errors_of(caught)["order_type"][0]
    assert "Youth Rehabilitation Orders" in message
    assert "youth justice" in message
    assert counts() == before


@pytest.mark.django_db
def test_case_create_refuses_a_person_under_18_at_sentence(make_case: MakeCase) -> None:
    before = counts()
    with pytest.raises(ValidationError) as caught:
        # Sentenced 2 March 2026, the day before their 18th birthday.
        make_case(date_of_birth=date(2008, 3, 3))
    assert set(errors_of(caught)) == {"date_of_birth"}
    assert "under 18" in errors_of(caught)["date_of_birth"][0]
    assert counts() == before
    # On their 18th birthday they are an adult.
    assert make_case(date_of_birth=date(2008, 3, 2)).pk


@pytest.mark.parametrize("hours", [39, 301, 0, "100", 100.0, True])
@pytest.mark.django_db
def test_case_create_refuses_hours_outside_40_to_300(make_case: MakeCase, hours: Any) -> None:
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_case(hours=hours)
    assert set(errors_of(caught)) == {"hours"}
    assert counts() == before


@pytest.mark.parametrize("hours", [40, 300])
@pytest.mark.django_db
def test_case_create_accepts_40_and_300_hours(make_case: MakeCase, hours: int) -> None:
    assert make_case(hours=hours).ordered_minutes == hours * 60


@pytest.mark.parametrize("crn", ["", "123456", "1234567", "XX12345", "X12345", "X1234567", "X12345A", "X 12345"])
@pytest.mark.django_db
def test_case_create_refuses_a_bad_crn(make_case: MakeCase, crn: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_case(crn=crn)
    assert set(errors_of(caught)) == {"crn"}
    assert "one letter then six numbers" in errors_of(caught)["crn"][0]


@pytest.mark.django_db
def test_case_create_refuses_a_duplicate_crn(make_case: MakeCase) -> None:
    make_case(crn="X200001")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_case(crn="x200001", first_name="Someone", last_name="Else")
    assert "already recorded" in errors_of(caught)["crn"][0]
    assert counts() == before


@pytest.mark.django_db
def test_case_create_refuses_a_future_sentence_date(make_case: MakeCase) -> None:
    with pytest.raises(ValidationError) as caught:
        make_case(sentence_date=date(2026, 11, 26))
    assert set(errors_of(caught)) == {"sentence_date"}
    make_case(sentence_date=TODAY)


@pytest.mark.parametrize(("months", "end"), [(6, date(2026, 9, 2)), (24, date(2028, 3, 2))])
@pytest.mark.django_db
def test_suspended_sentence_order_records_its_operational_period(make_case: MakeCase, months: int, end: date) -> None:
    requirement = make_case(order_type="suspended_sentence_order", operational_period_months=months)
    order = Order.objects.get(pk=requirement.order_id)
    assert (order.operational_period_months, order.operational_period_end) == (months, end)


@pytest.mark.parametrize("months", [None, 5, 25])
@pytest.mark.django_db
def test_suspended_sentence_order_needs_an_operational_period_of_6_to_24_months(
    make_case: MakeCase, months: int | None
) -> None:
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_case(order_type="suspended_sentence_order", operational_period_months=months)
    assert set(errors_of(caught)) == {"operational_period_months"}
    assert counts() == before


@pytest.mark.django_db
def test_community_order_must_not_have_an_operational_period(make_case: MakeCase) -> None:
    with pytest.raises(ValidationError) as caught:
        make_case(order_type="community_order", operational_period_months=12)
    assert "Only a Suspended Sentence Order" in errors_of(caught)["operational_period_months"][0]


@pytest.mark.django_db
def test_case_create_reports_every_problem_at_once_and_saves_nothing(make_case: MakeCase) -> None:
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_case(crn="bad", first_name=" ", sex="", court="", hours=20, order_type="")
    assert set(errors_of(caught)) == {"crn", "first_name", "sex", "court", "hours", "order_type"}
    assert counts() == before


@pytest.mark.parametrize(
    "overrides",
    [
        # Both fail only after the person has been saved: the whole case must be rolled back.
        {"court": "C" * 201},
        {"diversity": {"ethnicity": "E" * 101}},
    ],
)
@pytest.mark.django_db
def test_case_create_saves_nothing_when_a_later_step_fails(make_case: MakeCase, overrides: dict[str, Any]) -> None:
    before = counts()
    with pytest.raises(ValidationError):
        make_case(crn="X300001", **overrides)
    assert counts() == before
    assert not Person.objects.filter(crn="X300001").exists()


@pytest.mark.django_db
def test_case_create_keeps_diversity_information_apart(make_case: MakeCase) -> None:
    requirement = make_case(diversity={"first_language": "Welsh", "interpreter_required": True})
    info = DiversityInformation.objects.get(person=requirement.person)
    assert (info.first_language, info.interpreter_required) == ("Welsh", True)


# ---------------------------------------------------------------------------------------------
# Further requirements: the 300-hour aggregate


@pytest.mark.django_db
def test_consecutive_requirements_over_300_hours_are_refused(make_case: MakeCase, practitioner: User) -> None:
    first = make_case(hours=200)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        requirement_create(actor=practitioner, order=first.order, hours=150, book=policy_book())
    assert "350 hours" in errors_of(caught)["hours"][0]
    assert counts() == before


@pytest.mark.django_db
def test_concurrent_requirements_count_once(make_case: MakeCase, practitioner: User) -> None:
    first = make_case(hours=200)
    book = policy_book()
    second = requirement_create(actor=practitioner, order=first.order, hours=150, concurrent_with=first, book=book)
    assert second.concurrent_with == first
    assert second.ordered_minutes == 9000
    # 200 (the concurrent pair) + 100 consecutive = 300: allowed.
    requirement_create(actor=practitioner, order=first.order, hours=100, book=book)
    # Any more consecutive hours go over 300.
    with pytest.raises(ValidationError) as caught:
        requirement_create(actor=practitioner, order=first.order, hours=40, book=book)
    assert "340 hours" in errors_of(caught)["hours"][0]
    assert AuditEvent.objects.filter(action="requirement.created", subject=f"person:{first.person_id}").count() == 3


@pytest.mark.django_db
def test_a_closed_requirement_does_not_count_toward_the_aggregate(make_case: MakeCase, practitioner: User) -> None:
    first = make_case(hours=200)
    requirement_change_status(actor=practitioner, requirement=first, to_status=S.REVOKED, reason="Revoked by court")
    requirement_create(actor=practitioner, order=first.order, hours=150, book=policy_book())


@pytest.mark.django_db
def test_a_requirement_cannot_be_concurrent_with_another_persons(make_case: MakeCase, practitioner: User) -> None:
    mine = make_case(hours=100)
    theirs = make_case(hours=100)
    with pytest.raises(ValidationError) as caught:
        requirement_create(actor=practitioner, order=mine.order, hours=50, concurrent_with=theirs, book=policy_book())
    assert set(errors_of(caught)) == {"concurrent_with"}


# ---------------------------------------------------------------------------------------------
# Case status


@pytest.mark.django_db
def test_allowed_status_changes_are_each_recorded(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    path = [S.AWAITING_ASSESSMENT, S.AWAITING_PLACEMENT, S.WORKING, S.PAUSED, S.WORKING]
    for to_status in path:
        requirement = requirement_change_status(
            actor=practitioner, requirement=requirement, to_status=to_status, reason=f"  Now {to_status}  "
        )
    assert refresh(requirement).status == S.WORKING
    changes = list(
        CaseStatusChange.objects.filter(requirement=requirement).values_list("from_status", "to_status", "reason")
    )
    assert changes == [
        ("", S.AWAITING_INDUCTION, "Order made"),
        (S.AWAITING_INDUCTION, S.AWAITING_ASSESSMENT, "Now awaiting_assessment"),
        (S.AWAITING_ASSESSMENT, S.AWAITING_PLACEMENT, "Now awaiting_placement"),
        (S.AWAITING_PLACEMENT, S.WORKING, "Now working"),
        (S.WORKING, S.PAUSED, "Now paused"),
        (S.PAUSED, S.WORKING, "Now working"),
    ]
    events = AuditEvent.objects.filter(action="requirement.status_changed", object_id=str(requirement.pk))
    assert [(e.before, e.after) for e in events.order_by("id")] == [
        ({"status": before}, {"status": after}) for before, after, _ in changes[1:]
    ]
    assert all(event.actor == practitioner for event in events)


@pytest.mark.parametrize(
    ("path", "to_status", "reason", "field"),
    [
        ([], S.WORKING, "Skipping ahead", "to_status"),  # induction and assessment first
        ([], "nonsense", "Why", "to_status"),
        ([], S.PAUSED, "   ", "reason"),
        ([], S.COMPLETED, "All done?", "to_status"),  # hours still owed
        ([S.REVOKED], S.AWAITING_PLACEMENT, "Reopen", "to_status"),  # a closed case stays closed
        ([S.TRANSFERRED_OUT], S.WORKING, "Back", "to_status"),
    ],
)
@pytest.mark.django_db
def test_refused_status_changes_record_nothing(
    make_case: MakeCase, practitioner: User, path: list[str], to_status: str, reason: str, field: str
) -> None:
    requirement = make_case()
    for status in path:
        requirement = requirement_change_status(
            actor=practitioner, requirement=requirement, to_status=status, reason="x"
        )
    status_before = refresh(requirement).status
    before = counts()
    with pytest.raises(ValidationError) as caught:
        requirement_change_status(actor=practitioner, requirement=requirement, to_status=to_status, reason=reason)
    assert set(errors_of(caught)) == {field}
    assert counts() == before
    assert refresh(requirement).status == status_before


@pytest.mark.django_db
def test_a_case_in_backlog_cannot_resume_work_until_the_court_varies_it(
    make_case: MakeCase, practitioner: User
) -> None:
    # Sentenced 1 Oct 2025: the 12-month window ended on 1 Oct 2026 with all 100 hours owed.
    requirement = make_case(sentence_date=date(2025, 10, 1))
    requirement = requirement_change_status(
        actor=practitioner, requirement=requirement, to_status=S.BACKLOG, reason="Window passed"
    )
    with pytest.raises(ValidationError) as caught:
        requirement_change_status(
            actor=practitioner, requirement=requirement, to_status=S.AWAITING_PLACEMENT, reason="Resume"
        )
    assert "court's variation" in errors_of(caught)["to_status"][0]
    # Breach action is still possible.
    requirement_change_status(
        actor=practitioner, requirement=requirement, to_status=S.BREACH_IN_PROGRESS, reason="Breach laid"
    )


# ---------------------------------------------------------------------------------------------
# Work credits


@pytest.mark.django_db
def test_work_is_capped_at_what_is_owed_and_completes_the_case(make_case: MakeCase, practitioner: User) -> None:
    requirement = to_placement(make_case(hours=40), practitioner)
    first = work(requirement, practitioner, 2300, date(2026, 6, 1))
    assert first is not None and first.minutes == 2300
    assert refresh(requirement).status == S.WORKING  # the first hours worked start the placement

    last = work(requirement, practitioner, 200, date(2026, 6, 8))
    assert last is not None
    assert last.minutes == 100
    assert "capped at the 1 hour 40 minutes owed" in last.reason
    assert remaining(requirement) == 0
    assert refresh(requirement).status == S.COMPLETED
    completed = CaseStatusChange.objects.filter(requirement=requirement).last()
    assert completed is not None
    assert (completed.to_status, completed.reason) == (S.COMPLETED, "All hours credited")

    before = counts()
    with pytest.raises(ValidationError) as caught:
        work(requirement, practitioner, 60, date(2026, 6, 15))
    assert "completed" in errors_of(caught)["requirement"][0]
    assert counts() == before


@pytest.mark.parametrize(
    ("minutes", "on", "field"),
    [
        (0, date(2026, 6, 1), "minutes"),
        (-60, date(2026, 6, 1), "minutes"),
        ("60", date(2026, 6, 1), "minutes"),
        (60, date(2026, 3, 1), "occurred_on"),  # before sentence
        (60, date(2026, 11, 26), "occurred_on"),  # tomorrow
    ],
)
@pytest.mark.django_db
def test_work_refuses_bad_minutes_or_dates(
    make_case: MakeCase, practitioner: User, minutes: Any, on: date, field: str
) -> None:
    requirement = make_case()
    before = counts()
    with pytest.raises(ValidationError) as caught:
        work(requirement, practitioner, minutes, on)
    assert set(errors_of(caught)) == {field}
    assert counts() == before


@pytest.mark.django_db
def test_work_is_refused_in_backlog_but_work_done_in_time_can_be_recorded(
    make_case: MakeCase, practitioner: User
) -> None:
    # Sentenced 1 Oct 2025: the window ended on 1 Oct 2026 with hours outstanding.
    requirement = make_case(sentence_date=date(2025, 10, 1))
    before = counts()
    with pytest.raises(ValidationError) as caught:
        work(requirement, practitioner, 60, date(2026, 10, 2))
    assert "backlog" in errors_of(caught)["requirement"][0]
    assert counts() == before
    # Work done on the last day of the window, recorded late, still counts.
    assert work(requirement, practitioner, 60, date(2026, 10, 1)) is not None
    assert remaining(requirement) == 6000 - 60


@pytest.mark.django_db
def test_work_is_refused_after_a_suspended_sentences_operational_period(
    make_case: MakeCase, practitioner: User
) -> None:
    requirement = make_case(order_type="suspended_sentence_order", operational_period_months=6)
    # Operational period: 2 March to 2 September 2026.
    with pytest.raises(ValidationError) as caught:
        work(requirement, practitioner, 60, date(2026, 9, 3))
    assert "operational period ended on 02 September 2026" in errors_of(caught)["occurred_on"][0]
    assert not LedgerEntry.objects.filter(requirement=requirement).exists()
    assert work(requirement, practitioner, 60, date(2026, 9, 2)) is not None


# ---------------------------------------------------------------------------------------------
# Travel and ETE


@pytest.mark.django_db
def test_travel_adjustment_is_capped_at_180_minutes(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    before = counts()
    with pytest.raises(ValidationError) as caught:
        ledger_record_travel(
            actor=practitioner, requirement=requirement, minutes=181, occurred_on=date(2026, 6, 1), reason="Bus"
        )
    assert set(errors_of(caught)) == {"minutes"}
    assert "at most 3 hours" in errors_of(caught)["minutes"][0]
    assert counts() == before

    entry = ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=180, occurred_on=date(2026, 6, 1), reason=" Bus "
    )
    assert (entry.kind, entry.minutes, entry.source, entry.reason) == (LedgerKind.TRAVEL, 180, "adjustment", "Bus")
    assert remaining(requirement) == 6000 - 180


@pytest.mark.django_db
def test_travel_adjustment_needs_a_reason_and_hours_owed(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=40)
    with pytest.raises(ValidationError) as caught:
        ledger_record_travel(
            actor=practitioner, requirement=requirement, minutes=60, occurred_on=date(2026, 6, 1), reason=""
        )
    assert set(errors_of(caught)) == {"reason"}
    work(requirement, practitioner, 2350, date(2026, 6, 1))
    # More than is owed: only what completes the order is credited, and the entry says so.
    entry = ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=60, occurred_on=date(2026, 6, 1), reason="Bus"
    )
    assert entry.minutes == 50
    assert entry.reason == "Bus (capped at the 50 minutes owed, of the 1 hour: that completes the order)"
    assert remaining(requirement) == 0
    with pytest.raises(ValidationError) as caught:
        ledger_record_travel(
            actor=practitioner, requirement=requirement, minutes=10, occurred_on=date(2026, 6, 2), reason="Bus"
        )
    assert "The case is completed" in errors_of(caught)["requirement"][0]


@pytest.mark.django_db
def test_travel_cap_follows_the_policy_in_force_on_the_day(
    make_case: MakeCase, practitioner: User, head_of_upw: User
) -> None:
    policy_version_add(
        actor=head_of_upw,
        key="travel_adjustment_cap_minutes",
        effective_from=date(2026, 6, 1),
        value=120,
        reason="x",
        confirm_backdating=True,
        backdating_reason="Test: a rule from a past date",
    )
    requirement = make_case()
    ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=150, occurred_on=date(2026, 5, 29), reason="Train"
    )
    with pytest.raises(ValidationError) as caught:
        ledger_record_travel(
            actor=practitioner, requirement=requirement, minutes=150, occurred_on=date(2026, 6, 1), reason="Train"
        )
    assert "at most 2 hours" in errors_of(caught)["minutes"][0]


@pytest.mark.django_db
def test_ete_is_capped_at_30_percent_of_the_hours_rounded_down(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=45)  # cap: 2700 * 30% = 810 minutes

    def ete(minutes: int) -> LedgerEntry:
        return ledger_record_ete(
            actor=practitioner, requirement=requirement, minutes=minutes, occurred_on=date(2026, 6, 1), reason="College"
        )

    ete(800)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        ete(11)
    message = errors_of(caught)["minutes"][0]
    assert "at most 13 hours 30 minutes" in message
    assert "up to 10 minutes more" in message
    assert counts() == before
    ete(10)
    assert requirement_balance(requirement).ete_minutes == 810
    with pytest.raises(ValidationError):
        ete(1)

    # The court adds 15 hours: the cap becomes 30% of 60 hours = 1080 minutes.
    ledger_record_court_variation(
        actor=practitioner, requirement=requirement, minutes=900, occurred_on=date(2026, 7, 1), reason="Varied"
    )
    ete(270)
    assert requirement_balance(requirement).ete_minutes == 1080
    with pytest.raises(ValidationError):
        ete(1)


# ---------------------------------------------------------------------------------------------
# Corrections


@pytest.mark.django_db
def test_a_correction_is_a_reversing_entry_and_the_original_is_untouched(
    make_case: MakeCase, practitioner: User
) -> None:
    requirement = make_case()
    original = work(requirement, practitioner, 120, date(2026, 6, 1))
    assert original is not None
    snapshot = model_to_dict(LedgerEntry.objects.get(pk=original.pk))

    reversal = ledger_correct(actor=practitioner, entry=original, reason=" Recorded against the wrong person ")
    assert reversal.kind == LedgerKind.WORK
    assert reversal.minutes == -120
    assert reversal.reverses_id == original.pk
    assert reversal.occurred_on == original.occurred_on
    assert (reversal.source, reversal.source_ref) == ("correction", str(original.pk))
    assert reversal.reason == "Recorded against the wrong person"
    assert reversal.created_by == practitioner
    assert model_to_dict(LedgerEntry.objects.get(pk=original.pk)) == snapshot
    assert remaining(requirement) == 6000
    event = AuditEvent.objects.get(object_type="cases.ledgerentry", object_id=str(reversal.pk))
    assert event.action == "ledger.correction"

    before = counts()
    with pytest.raises(ValidationError) as caught:
        ledger_correct(actor=practitioner, entry=original, reason="Again")
    assert "already been corrected" in errors_of(caught)["entry"][0]
    with pytest.raises(ValidationError) as caught:
        ledger_correct(actor=practitioner, entry=reversal, reason="Undo the undo")
    assert "itself a correction" in errors_of(caught)["entry"][0]
    assert counts() == before


@pytest.mark.django_db
def test_a_correction_needs_a_reason(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    original = work(requirement, practitioner, 120, date(2026, 6, 1))
    assert original is not None
    with pytest.raises(ValidationError) as caught:
        ledger_correct(actor=practitioner, entry=original, reason=" ")
    assert set(errors_of(caught)) == {"reason"}


@pytest.mark.django_db
def test_correcting_hours_of_a_completed_case_reopens_it(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=40)
    entry = work(requirement, practitioner, 2400, date(2026, 6, 1))
    assert entry is not None
    assert refresh(requirement).status == S.COMPLETED
    ledger_correct(actor=practitioner, entry=entry, reason="Wrong case")
    assert refresh(requirement).status == S.WORKING
    assert remaining(requirement) == 2400


@pytest.mark.django_db
def test_reversing_a_court_variation_cannot_leave_more_credited_than_ordered(
    make_case: MakeCase, practitioner: User
) -> None:
    requirement = make_case(hours=40)
    added = ledger_record_court_variation(
        actor=practitioner, requirement=requirement, minutes=600, occurred_on=date(2026, 5, 1), reason="Varied"
    )
    work(requirement, practitioner, 2900, date(2026, 6, 1))  # 100 minutes left of 3000
    with pytest.raises(ValidationError) as caught:
        ledger_correct(actor=practitioner, entry=added, reason="Recorded in error")
    assert "correct the credits first" in errors_of(caught)["entry"][0]
    assert remaining(requirement) == 100


# ---------------------------------------------------------------------------------------------
# Court variations


@pytest.mark.django_db
def test_a_court_extension_takes_a_case_out_of_backlog(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(sentence_date=date(2025, 10, 1))  # window ended 1 Oct 2026
    requirement = requirement_change_status(
        actor=practitioner, requirement=requirement, to_status=S.BACKLOG, reason="Window passed"
    )
    entry = ledger_record_court_variation(
        actor=practitioner,
        requirement=requirement,
        minutes=0,
        occurred_on=TODAY,
        reason="Time extended to 1 April 2027",
        extended_until=date(2027, 4, 1),
    )
    assert (entry.kind, entry.minutes, entry.source) == (LedgerKind.COURT_VARIATION, 0, "court")
    requirement = refresh(requirement)
    assert requirement.extended_until == date(2027, 4, 1)
    assert requirement.status == S.AWAITING_PLACEMENT
    subject = f"person:{requirement.person_id}"
    actions = set(AuditEvent.objects.filter(subject=subject).values_list("action", flat=True))
    assert {"requirement.extended", "ledger.court_variation", "requirement.status_changed"} <= actions
    # Hours can be worked again.
    assert work(requirement, practitioner, 60, TODAY) is not None


@pytest.mark.django_db
def test_a_suspended_sentence_cannot_be_extended_past_its_operational_period(
    make_case: MakeCase, practitioner: User
) -> None:
    requirement = make_case(order_type="suspended_sentence_order", operational_period_months=12)
    # The operational period ends on 2 March 2027.
    before = counts()
    with pytest.raises(ValidationError) as caught:
        ledger_record_court_variation(
            actor=practitioner,
            requirement=requirement,
            minutes=0,
            occurred_on=TODAY,
            reason="Extended",
            extended_until=date(2027, 3, 3),
        )
    assert "02 March 2027" in errors_of(caught)["extended_until"][0]
    assert counts() == before
    assert refresh(requirement).extended_until is None
    ledger_record_court_variation(
        actor=practitioner,
        requirement=requirement,
        minutes=0,
        occurred_on=TODAY,
        reason="Extended",
        extended_until=date(2027, 3, 2),
    )
    assert refresh(requirement).extended_until == date(2027, 3, 2)


@pytest.mark.django_db
def test_court_variation_adds_and_takes_away_hours_within_limits(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=100)

    def vary(minutes: Any, reason: str = "Court varied the order", **kwargs: Any) -> LedgerEntry:
        return ledger_record_court_variation(
            actor=practitioner, requirement=requirement, minutes=minutes, occurred_on=TODAY, reason=reason, **kwargs
        )

    vary(600)
    assert requirement_balance(requirement).total_ordered_minutes == 6600
    work(requirement, practitioner, 6000, date(2026, 6, 1))  # 600 minutes left
    vary(-300)
    assert remaining(requirement) == 300

    before = counts()
    for minutes, field in [(-301, "minutes"), (0, "minutes"), (12000, "minutes"), ("60", "minutes")]:
        with pytest.raises(ValidationError) as caught:
            vary(minutes)
        assert set(errors_of(caught)) == {field}, minutes
    with pytest.raises(ValidationError) as caught:
        vary(60, reason=" ")
    assert set(errors_of(caught)) == {"reason"}
    with pytest.raises(ValidationError) as caught:
        vary(0, extended_until=date(2026, 3, 2))
    assert set(errors_of(caught)) == {"extended_until"}
    assert counts() == before

    vary(-300)  # takes away exactly what is owed: the case is complete
    assert refresh(requirement).status == S.COMPLETED


@pytest.mark.django_db
def test_court_cannot_make_an_order_over_300_hours(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=300)
    with pytest.raises(ValidationError) as caught:
        ledger_record_court_variation(
            actor=practitioner, requirement=requirement, minutes=60, occurred_on=TODAY, reason="More"
        )
    assert "more than 300 hours" in errors_of(caught)["minutes"][0]


# ---------------------------------------------------------------------------------------------
# Earned reduction


@pytest.fixture
def scheme_from_june(head_of_upw: User) -> date:
    start = date(2026, 6, 1)
    policy_version_add(
        actor=head_of_upw,
        key="earned_reduction",
        effective_from=start,
        value=dict(SCHEME),
        reason="s.37 commences",
        confirm_backdating=True,
        backdating_reason="Test: the scheme from a past date",
    )
    return start


def earned_entries(requirement: Requirement) -> list[tuple[date, int]]:
    return list(
        LedgerEntry.objects.filter(requirement=requirement, kind=LedgerKind.EARNED_REDUCTION)
        .order_by("id")
        .values_list("occurred_on", "minutes")
    )


@pytest.mark.django_db
def test_no_earned_reduction_without_a_scheme(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=100)
    work(requirement, practitioner, 80 * 60, date(2026, 7, 1))
    assert earned_entries(requirement) == []
    assert remaining(requirement) == 20 * 60


@pytest.mark.django_db
def test_earned_reduction_is_posted_once_the_threshold_is_passed(
    make_case: MakeCase, practitioner: User, scheme_from_june: date
) -> None:
    requirement = make_case(hours=100)
    # 25 hours before the scheme: reaches the threshold, earns nothing.
    work(requirement, practitioner, 1500, date(2026, 5, 15))
    assert earned_entries(requirement) == []
    # 10 more hours under the scheme earn 5 hours.
    later = work(requirement, practitioner, 600, date(2026, 7, 1))
    assert later is not None
    assert earned_entries(requirement) == [(date(2026, 7, 1), 300)]
    assert remaining(requirement) == 6000 - 2100 - 300
    reduction = LedgerEntry.objects.get(requirement=requirement, kind=LedgerKind.EARNED_REDUCTION)
    assert (reduction.source, reduction.created_by) == ("earned_reduction", None)
    assert AuditEvent.objects.filter(action="ledger.earned_reduction", object_id=str(reduction.pk)).exists()

    # Earned reduction cannot be corrected directly ...
    with pytest.raises(ValidationError) as caught:
        ledger_correct(actor=practitioner, entry=reduction, reason="No")
    assert "correct the hours instead" in errors_of(caught)["entry"][0]
    # ... it follows the hours: correcting the 10 hours takes the 5 hours back.
    ledger_correct(actor=practitioner, entry=later, reason="Not attended")
    assert earned_entries(requirement) == [(date(2026, 7, 1), 300), (date(2026, 7, 1), -300)]
    assert remaining(requirement) == 6000 - 1500


@pytest.mark.django_db
def test_earned_reduction_stops_after_a_failure_but_is_kept(
    make_case: MakeCase, practitioner: User, scheme_from_june: date
) -> None:
    requirement = make_case(hours=100)
    work(requirement, practitioner, 2100, date(2026, 7, 1))  # 10 hours beyond the threshold: 5 earned
    Requirement.objects.filter(pk=requirement.pk).update(earning_stopped_on=date(2026, 8, 1))
    work(requirement, practitioner, 600, date(2026, 8, 5))
    assert requirement_balance(requirement).earned_reduction_minutes == 300
    assert remaining(requirement) == 6000 - 2700 - 300


@pytest.mark.django_db
def test_earned_reduction_never_takes_the_balance_below_zero(
    make_case: MakeCase, practitioner: User, scheme_from_june: date
) -> None:
    requirement = make_case(hours=40)  # threshold and cap: 600 minutes
    work(requirement, practitioner, 600, date(2026, 7, 1))
    # 1800 minutes owed: 1200 worked earn the 600 that complete the order, so only 1200 of the
    # 1700 are needed and credited.
    last = work(requirement, practitioner, 1700, date(2026, 7, 2))
    assert last is not None and last.minutes == 1200
    assert "capped at 20 hours of the 28 hours 20 minutes" in last.reason
    assert earned_entries(requirement) == [(date(2026, 7, 2), 600)]
    assert remaining(requirement) == 0
    assert refresh(requirement).status == S.COMPLETED


@pytest.mark.django_db
def test_a_credit_dated_before_the_scheme_keeps_the_reduction_already_earned(
    make_case: MakeCase, practitioner: User, scheme_from_june: date
) -> None:
    requirement = make_case(hours=100)
    work(requirement, practitioner, 2100, date(2026, 7, 1))
    assert requirement_balance(requirement).earned_reduction_minutes == 300
    # A travel adjustment for May, recorded late, changes nothing about the work done.
    ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=60, occurred_on=date(2026, 5, 20), reason="Late"
    )
    assert requirement_balance(requirement).earned_reduction_minutes == 300
    # Nor does correcting work done before the scheme, when the threshold is still passed.
    early = work(requirement, practitioner, 60, date(2026, 5, 21))
    assert early is not None
    ledger_correct(actor=practitioner, entry=early, reason="Duplicate")
    # 2100 + 60 worked then 60 corrected: still 10 hours beyond the threshold, 5 hours earned.
    assert requirement_balance(requirement).earned_reduction_minutes == 300


# ---------------------------------------------------------------------------------------------
# Audit: one event per change, in the same transaction


@pytest.mark.django_db
def test_each_ledger_change_writes_an_audit_event(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=100)
    on = date(2026, 6, 1)
    entries = [
        work(requirement, practitioner, 120, on),
        ledger_record_travel(actor=practitioner, requirement=requirement, minutes=60, occurred_on=on, reason="Bus"),
        ledger_record_ete(actor=practitioner, requirement=requirement, minutes=90, occurred_on=on, reason="Course"),
        ledger_record_court_variation(
            actor=practitioner, requirement=requirement, minutes=120, occurred_on=on, reason="Varied"
        ),
    ]
    assert entries[0] is not None
    entries.append(ledger_correct(actor=practitioner, entry=entries[0], reason="Error"))
    for entry in entries:
        assert entry is not None
        event = AuditEvent.objects.get(object_type="cases.ledgerentry", object_id=str(entry.pk))
        assert event.subject == f"person:{requirement.person_id}"
        assert event.actor == practitioner
        assert event.after is not None and event.after["minutes"] == entry.minutes
    assert [AuditEvent.objects.get(object_id=str(e.pk), object_type="cases.ledgerentry").action for e in entries] == [
        "ledger.work",
        "ledger.travel",
        "ledger.ete",
        "ledger.court_variation",
        "ledger.correction",
    ]


@pytest.mark.django_db
def test_a_failure_after_the_entry_is_written_rolls_back_entry_and_audit(
    make_case: MakeCase, practitioner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    requirement = make_case()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("failed after writing")

    monkeypatch.setattr(credits, "ledger_after_credit", broken)
    before = counts()
    with pytest.raises(RuntimeError):
        work(requirement, practitioner, 60, date(2026, 6, 1))
    assert counts() == before


@pytest.mark.django_db
def test_a_failure_to_audit_rolls_back_the_change(
    make_case: MakeCase, practitioner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    requirement = make_case()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit unavailable")

    for module in (case_writes, ledger, status_writes):  # every service module that writes an audit event here
        monkeypatch.setattr(module, "audit_record", broken)
    before = counts()
    with pytest.raises(RuntimeError):
        ledger_record_travel(
            actor=practitioner, requirement=requirement, minutes=60, occurred_on=date(2026, 6, 1), reason="Bus"
        )
    with pytest.raises(RuntimeError):
        requirement_change_status(
            actor=practitioner, requirement=requirement, to_status=S.AWAITING_ASSESSMENT, reason="Inducted"
        )
    with pytest.raises(RuntimeError):
        make_case()
    assert counts() == before
    assert refresh(requirement).status == S.AWAITING_INDUCTION


# ---------------------------------------------------------------------------------------------
# The database refuses to change history


@pytest.mark.django_db
def test_ledger_entries_cannot_be_updated_or_deleted(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    entry = work(requirement, practitioner, 60, date(2026, 6, 1))
    assert entry is not None
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(minutes=6000)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    entry.minutes = 1
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.save()
    assert LedgerEntry.objects.get(pk=entry.pk).minutes == 60


@pytest.mark.django_db
def test_audit_events_and_status_history_cannot_be_updated_or_deleted(make_case: MakeCase) -> None:
    requirement = make_case()
    event = AuditEvent.objects.filter(subject=f"person:{requirement.person_id}").first()
    assert event is not None
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="Nothing happened")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseStatusChange.objects.filter(requirement=requirement).update(reason="Edited")
    assert AuditEvent.objects.get(pk=event.pk).summary == event.summary


@pytest.mark.django_db
def test_reversing_a_reduction_cannot_make_an_order_over_300_hours(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=300)

    def vary(minutes: int) -> LedgerEntry:
        return ledger_record_court_variation(
            actor=practitioner, requirement=requirement, minutes=minutes, occurred_on=TODAY, reason="Varied"
        )

    reduction = vary(-600)
    vary(600)  # back to 300 hours
    with pytest.raises(ValidationError) as caught:
        ledger_correct(actor=practitioner, entry=reduction, reason="Recorded in error")
    assert "more than 300 hours" in errors_of(caught)["entry"][0]
    assert requirement_balance(requirement).total_ordered_minutes == 300 * 60


@pytest.mark.django_db
def test_reducing_the_order_cannot_leave_ete_over_its_cap(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=100)
    added = ledger_record_court_variation(
        actor=practitioner, requirement=requirement, minutes=600, occurred_on=date(2026, 5, 1), reason="Varied"
    )
    # 110 hours: ETE cap 1980 minutes, all of it used.
    ledger_record_ete(
        actor=practitioner, requirement=requirement, minutes=1980, occurred_on=date(2026, 6, 1), reason="College"
    )
    before = counts()
    with pytest.raises(ValidationError) as caught:
        # 100 hours would allow only 1800 minutes of ETE.
        ledger_record_court_variation(
            actor=practitioner, requirement=requirement, minutes=-60, occurred_on=TODAY, reason="Reduced"
        )
    assert "correct the ETE credit first" in errors_of(caught)["minutes"][0]
    with pytest.raises(ValidationError) as caught:
        ledger_correct(actor=practitioner, entry=added, reason="Recorded in error")
    assert "correct the ETE credit first" in errors_of(caught)["entry"][0]
    assert counts() == before


@pytest.mark.django_db
def test_a_closed_case_cannot_have_hours_added(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=40)
    work(requirement, practitioner, 2400, date(2026, 6, 1))
    assert refresh(requirement).status == S.COMPLETED
    before = counts()
    with pytest.raises(ValidationError) as caught:
        ledger_record_court_variation(
            actor=practitioner, requirement=requirement, minutes=60, occurred_on=TODAY, reason="More"
        )
    assert "completed" in errors_of(caught)["requirement"][0]
    with pytest.raises(ValidationError) as caught:
        ledger_record_court_variation(
            actor=practitioner, requirement=requirement, minutes="60", occurred_on=TODAY, reason="More"
        )
    assert set(errors_of(caught)) == {"minutes"}
    assert counts() == before
