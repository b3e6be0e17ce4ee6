"""Induction, the versioned UPW assessment, countersigning, non-associations and placeability
on PostgreSQL: what the services write, what they refuse and why."""

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from payback.cases.assessment import selectors as aselectors
from payback.cases.assessment import services as aservices
from payback.cases.models import (
    Assessment,
    AssessmentStatus,
    CaseStatus,
    Induction,
    LedgerEntry,
    LedgerKind,
    NonAssociation,
    Person,
    Requirement,
    RiskFlag,
)
from payback.cases.selectors import requirement_balance
from payback.cases.services import ledger_credit_work, requirement_change_status
from payback.core.models import AuditEvent
from payback.core.selectors import policy_book
from payback.core.services import policy_version_add
from payback.staff.models import Pdu, User
from payback.staff.roles import SENIOR_PROBATION_OFFICER

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
A = AssessmentStatus
S = CaseStatus
MakeCase = Callable[..., Requirement]

NOT_INDUCTED = "Not inducted yet: record an attended induction"
NO_ASSESSMENT = "No completed UPW assessment and risk picture"
AWAITING = "The assessment is waiting for a senior probation officer's countersignature"


@pytest.fixture(autouse=True)
def fixed_today() -> Iterator[date]:
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield TODAY


@pytest.fixture
def spo(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("sophie", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


@pytest.fixture
def other_spo(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("omar", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def complete_values(*, woman: bool = False, rosh: str = "low", **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "availability": {"mon": ["morning", "afternoon"], "sat": ["morning"]},
        "commitments": [{"day": "tue", "parts": ["morning", "afternoon", "evening"], "reason": "employment"}],
        "health_limitations": "Asthma: no dusty work",
        "transport": "public_transport",
        "max_travel_minutes": 45,
        "skills": "Painting and decorating",
        "suitable_placement_types": ["group", "individual"],
        "rosh_level": rosh,
        "risk_assessed_on": date(2026, 3, 10),
    }
    if woman:
        values["placement_preference"] = "women_only"
    values.update(overrides)
    return values


def assess(actor: User, person: Person, *, rosh: str = "low", **overrides: Any) -> Assessment:
    """Start, complete and submit a version."""
    draft = aservices.assessment_start(actor=actor, person=person)
    aservices.assessment_update(
        actor=actor, assessment=draft, values=complete_values(woman=person.sex == "female", rosh=rosh, **overrides)
    )
    return aservices.assessment_submit(actor=actor, assessment=draft)


def induct(actor: User, requirement: Requirement, *, when: datetime | None = None, minutes: int = 90) -> Induction:
    induction = aservices.induction_book(
        actor=actor, requirement=requirement, starts_at=when or at(2026, 3, 5), location="Newcastle office"
    )
    return aservices.induction_record_outcome(
        actor=actor, induction=induction, outcome="attended", minutes_attended=minutes
    )


def status_of(requirement: Requirement) -> str:
    requirement.refresh_from_db()
    return requirement.status


# ---------------------------------------------------------------------------------------------
# Deadlines set when the case is recorded


@pytest.mark.parametrize(
    ("sentenced", "induction_due", "assessment_due"),
    [
        # Christmas Day, Boxing Day (substitute, Monday 28 December) and New Year's Day 2027
        (date(2026, 12, 22), date(2026, 12, 31), date(2027, 1, 15)),
        # Good Friday 3 April and Easter Monday 6 April 2026
        (date(2026, 3, 31), date(2026, 4, 9), date(2026, 4, 23)),
    ],
)
def test_case_create_sets_induction_and_assessment_deadlines_in_working_days(
    make_case: MakeCase, sentenced: date, induction_due: date, assessment_due: date
) -> None:
    with mock.patch("django.utils.timezone.localdate", return_value=date(2027, 2, 1)):
        requirement = make_case(sentence_date=sentenced)
    requirement.refresh_from_db()
    assert requirement.induction_due == induction_due
    assert requirement.assessment_due == assessment_due


def test_deadlines_follow_the_policy_in_force_on_the_day_of_sentence(make_case: MakeCase) -> None:
    policy_version_add(
        actor=None,
        key="induction_deadline_working_days",
        effective_from=date(2026, 4, 1),
        value=2,
        reason="Test: quicker first appointment",
        confirm_backdating=True,
        backdating_reason="Test: a rule from a past date",
    )
    before, after = make_case(sentence_date=date(2026, 3, 31)), make_case(sentence_date=date(2026, 4, 1))
    assert before.induction_due == date(2026, 4, 9)
    assert after.induction_due == date(2026, 4, 7)  # 2 April, then 7 April after the Easter weekend


# ---------------------------------------------------------------------------------------------
# Booking the induction (make_case: sentenced Monday 2 March 2026, induction due Monday 9 March)


def test_induction_booked_within_the_deadline(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    assert requirement.induction_due == date(2026, 3, 9)
    induction = aservices.induction_book(
        actor=practitioner, requirement=requirement, starts_at=at(2026, 3, 9, 16), location="  Newcastle office "
    )
    assert induction.outcome == ""
    assert induction.location == "Newcastle office"
    assert induction.booked_by == practitioner
    event = AuditEvent.objects.get(action="induction.booked")
    assert event.subject == f"person:{requirement.person_id}"
    assert event.summary == "Induction booked for 9 March 2026 at 16:00 at Newcastle office"


def test_induction_before_sentence_is_refused(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    with pytest.raises(ValidationError) as excinfo:
        aservices.induction_book(actor=practitioner, requirement=requirement, starts_at=at(2026, 3, 1), location="X")
    assert errors_of(excinfo) == {"starts_at": ["The induction must be on or after the date of sentence"]}
    assert not Induction.objects.exists()


def test_induction_after_the_deadline_needs_a_reason(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    with pytest.raises(ValidationError) as excinfo:
        aservices.induction_book(
            actor=practitioner, requirement=requirement, starts_at=at(2026, 3, 10), location="Office", late_reason=" "
        )
    assert errors_of(excinfo) == {"late_reason": ["The induction is due by 9 March 2026: enter why it is booked later"]}
    assert not Induction.objects.exists()
    aservices.induction_book(
        actor=practitioner,
        requirement=requirement,
        starts_at=at(2026, 3, 10),
        location="Office",
        late_reason="In hospital until 9 March",
    )
    event = AuditEvent.objects.get(action="induction.booked")
    assert event.summary.endswith("(after the deadline: In hospital until 9 March)")


def test_induction_needs_a_location(make_case: MakeCase, practitioner: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        aservices.induction_book(actor=practitioner, requirement=make_case(), starts_at=at(2026, 3, 5), location=" ")
    assert errors_of(excinfo) == {"location": ["Enter where the induction will happen"]}


def test_second_booking_refused_while_one_has_no_outcome(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    first = aservices.induction_book(
        actor=practitioner, requirement=requirement, starts_at=at(2026, 3, 5), location="Office"
    )
    with pytest.raises(ValidationError) as excinfo:
        aservices.induction_book(actor=practitioner, requirement=requirement, starts_at=at(2026, 3, 6), location="X")
    assert errors_of(excinfo) == {
        "starts_at": ["An induction is already booked: record its outcome before booking another"]
    }
    # once it has an outcome another can be booked
    aservices.induction_record_outcome(
        actor=practitioner, induction=first, outcome="failed_to_attend", reason="No contact"
    )
    aservices.induction_book(actor=practitioner, requirement=requirement, starts_at=at(2026, 3, 6), location="X")
    assert requirement.inductions.count() == 2


def test_no_booking_after_an_attended_induction(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    induct(practitioner, requirement)
    with pytest.raises(ValidationError) as excinfo:
        aservices.induction_book(actor=practitioner, requirement=requirement, starts_at=at(2026, 3, 6), location="X")
    assert errors_of(excinfo) == {"requirement": ["The person has already attended their induction"]}


# ---------------------------------------------------------------------------------------------
# Recording the outcome


def test_attended_induction_is_credited_and_moves_the_case_on(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    induction = induct(practitioner, requirement, minutes=90)
    assert induction.outcome == "attended"
    assert induction.minutes_attended == 90
    assert induction.outcome_recorded_by == practitioner
    entry = LedgerEntry.objects.get(requirement=requirement)
    assert (entry.kind, entry.minutes, entry.source, entry.source_ref) == ("work", 90, "induction", str(induction.pk))
    assert entry.occurred_on == date(2026, 3, 5)
    assert requirement_balance(requirement).remaining_minutes == 100 * 60 - 90
    assert status_of(requirement) == S.AWAITING_ASSESSMENT
    assert aselectors.is_inducted(requirement)


def test_attended_induction_goes_straight_to_awaiting_placement_when_already_assessed(
    make_case: MakeCase, practitioner: User
) -> None:
    requirement = make_case()
    assess(practitioner, requirement.person)
    assert status_of(requirement) == S.AWAITING_INDUCTION  # assessing does not skip the induction
    induct(practitioner, requirement)
    assert status_of(requirement) == S.AWAITING_PLACEMENT


def test_induction_not_credited_when_policy_says_it_does_not_count(make_case: MakeCase, practitioner: User) -> None:
    policy_version_add(
        actor=None,
        key="induction_counts_towards_hours",
        effective_from=date(2026, 3, 4),
        value=0,
        reason="Test: inductions no longer count",
        confirm_backdating=True,
        backdating_reason="Test: a rule from a past date",
    )
    requirement = make_case()
    induct(practitioner, requirement, when=at(2026, 3, 5))
    assert not LedgerEntry.objects.filter(requirement=requirement).exists()
    assert status_of(requirement) == S.AWAITING_ASSESSMENT


def test_induction_credited_under_the_policy_of_its_own_day(make_case: MakeCase, practitioner: User) -> None:
    policy_version_add(
        actor=None,
        key="induction_counts_towards_hours",
        effective_from=date(2026, 3, 6),
        value=0,
        reason="Test: inductions stop counting the day after",
        confirm_backdating=True,
        backdating_reason="Test: a rule from a past date",
    )
    requirement = make_case()
    induct(practitioner, requirement, when=at(2026, 3, 5), minutes=60)
    entry = LedgerEntry.objects.get(requirement=requirement)
    assert (entry.kind, entry.minutes, entry.source) == (LedgerKind.WORK, 60, "induction")


@pytest.mark.parametrize("minutes", [None, 0, 481, -5])
def test_attended_needs_minutes_between_1_and_480(make_case: MakeCase, practitioner: User, minutes: Any) -> None:
    requirement = make_case()
    induction = aservices.induction_book(
        actor=practitioner, requirement=requirement, starts_at=at(2026, 3, 5), location="Office"
    )
    with pytest.raises(ValidationError) as excinfo:
        aservices.induction_record_outcome(
            actor=practitioner, induction=induction, outcome="attended", minutes_attended=minutes
        )
    assert errors_of(excinfo) == {"minutes_attended": ["Enter the minutes the induction lasted, between 1 and 480"]}
    induction.refresh_from_db()
    assert induction.outcome == ""
    assert not LedgerEntry.objects.exists()
    assert status_of(requirement) == S.AWAITING_INDUCTION


@pytest.mark.parametrize("minutes", [1, 480])
def test_attended_minutes_at_the_limits_are_accepted(make_case: MakeCase, practitioner: User, minutes: int) -> None:
    requirement = make_case()
    induct(practitioner, requirement, minutes=minutes)
    assert LedgerEntry.objects.get(requirement=requirement).minutes == minutes


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ("acceptable_absence", "Enter why the absence is acceptable"),
        ("failed_to_attend", "Enter what is known about the failure to attend"),
    ],
)
def test_absences_need_a_reason(make_case: MakeCase, practitioner: User, outcome: str, message: str) -> None:
    requirement = make_case()
    induction = aservices.induction_book(
        actor=practitioner, requirement=requirement, starts_at=at(2026, 3, 5), location="Office"
    )
    with pytest.raises(ValidationError) as excinfo:
        aservices.induction_record_outcome(actor=practitioner, induction=induction, outcome=outcome, reason="  ")
    assert errors_of(excinfo) == {"reason": [message]}
    recorded = aservices.induction_record_outcome(
        actor=practitioner, induction=induction, outcome=outcome, reason=" Sick note from GP "
    )
    assert (recorded.outcome, recorded.outcome_reason, recorded.minutes_attended) == (
        outcome,
        "Sick note from GP",
        None,
    )
    assert not LedgerEntry.objects.exists()
    assert status_of(requirement) == S.AWAITING_INDUCTION
    assert not aselectors.is_inducted(requirement)


def test_second_outcome_is_refused(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    induction = induct(practitioner, requirement)
    with pytest.raises(ValidationError) as excinfo:
        aservices.induction_record_outcome(
            actor=practitioner, induction=induction, outcome="failed_to_attend", reason="Changed my mind"
        )
    assert errors_of(excinfo) == {"outcome": ["The outcome of this induction is already recorded"]}
    assert LedgerEntry.objects.filter(requirement=requirement).count() == 1


def test_outcome_of_a_future_induction_is_refused(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 3, 4)):
        induction = aservices.induction_book(
            actor=practitioner, requirement=requirement, starts_at=at(2026, 3, 5), location="Office"
        )
        with pytest.raises(ValidationError) as excinfo:
            aservices.induction_record_outcome(
                actor=practitioner, induction=induction, outcome="attended", minutes_attended=60
            )
    assert errors_of(excinfo) == {"outcome": ["The induction has not happened yet"]}
    assert not LedgerEntry.objects.exists()


def test_unknown_outcome_is_refused(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    induction = aservices.induction_book(
        actor=practitioner, requirement=requirement, starts_at=at(2026, 3, 5), location="Office"
    )
    with pytest.raises(ValidationError) as excinfo:
        aservices.induction_record_outcome(actor=practitioner, induction=induction, outcome="went_fishing")
    assert errors_of(excinfo) == {"outcome": ["Select what happened at the induction"]}


# ---------------------------------------------------------------------------------------------
# Versions of the assessment


def test_versions_copy_answers_and_supersede(make_case: MakeCase, practitioner: User, other_spo: User) -> None:
    person = make_case().person
    flag = RiskFlag.objects.get(code="not-near-children")
    v1 = aservices.assessment_start(actor=practitioner, person=person)
    assert (v1.version, v1.status, v1.author) == (1, A.DRAFT, practitioner)
    assert aservices.assessment_start(actor=practitioner, person=person).pk == v1.pk  # the open draft
    aservices.assessment_update(actor=practitioner, assessment=v1, values=complete_values(), risk_flags=[flag])
    v1 = aservices.assessment_submit(actor=practitioner, assessment=v1)
    assert v1.status == A.CURRENT
    assert v1.submitted_at is not None

    v2 = aservices.assessment_start(actor=other_spo, person=person)
    assert (v2.version, v2.status, v2.author) == (2, A.DRAFT, other_spo)
    assert v2.availability == {"mon": ["morning", "afternoon"], "sat": ["morning"]}
    assert v2.skills == "Painting and decorating"
    assert v2.risk_assessed_on == date(2026, 3, 10)
    assert list(v2.risk_flags.all()) == [flag]
    assert v2.submitted_at is None
    # v1 stays current while v2 is being written
    assert aselectors.current_assessment(person) == v1
    assert aselectors.open_assessment(person) == v2

    aservices.assessment_update(
        actor=other_spo, assessment=v2, values={"skills": "Carpentry", "rosh_level": "medium"}, risk_flags=[]
    )
    v2 = aservices.assessment_submit(actor=other_spo, assessment=v2)
    v1.refresh_from_db()
    assert (v1.status, v2.status) == (A.SUPERSEDED, A.CURRENT)
    assert Assessment.objects.filter(person=person, status=A.CURRENT).count() == 1
    # history is kept: the superseded version still says what it said
    assert (v1.skills, v1.rosh_level, list(v1.risk_flags.all())) == ("Painting and decorating", "low", [flag])
    assert [a.version for a in aselectors.assessment_versions(person)] == [2, 1]
    assert aservices.assessment_start(actor=practitioner, person=person).version == 3


def test_only_one_current_version_is_possible(make_case: MakeCase, practitioner: User) -> None:
    person = make_case().person
    v1 = assess(practitioner, person)
    v2 = assess(practitioner, person, skills="Bricklaying")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=v1.pk).update(status=A.CURRENT)
    v2.refresh_from_db()
    assert v2.status == A.CURRENT


def test_a_submitted_version_cannot_be_changed(make_case: MakeCase, practitioner: User) -> None:
    person = make_case().person
    v1 = assess(practitioner, person)
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_update(actor=practitioner, assessment=v1, values={"skills": "Welding"})
    assert errors_of(excinfo) == {"assessment": ["A submitted assessment cannot be changed: start a new version"]}
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_submit(actor=practitioner, assessment=v1)
    assert errors_of(excinfo) == {"assessment": ["This assessment has already been submitted"]}
    v1.refresh_from_db()
    assert (v1.skills, v1.status) == ("Painting and decorating", A.CURRENT)


def test_fields_outside_the_assessment_are_refused(make_case: MakeCase, practitioner: User) -> None:
    draft = aservices.assessment_start(actor=practitioner, person=make_case().person)
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_update(actor=practitioner, assessment=draft, values={"status": "current"})
    assert errors_of(excinfo) == {"status": ["This is not part of the assessment"]}


def test_completing_the_assessment_moves_cases_awaiting_assessment_on(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    induct(practitioner, requirement)
    assert status_of(requirement) == S.AWAITING_ASSESSMENT
    assess(practitioner, requirement.person, rosh="medium")
    assert status_of(requirement) == S.AWAITING_PLACEMENT
    change = requirement.status_changes.last()
    assert change is not None and change.reason == "Assessment completed"


# ---------------------------------------------------------------------------------------------
# Validation that says why


AVAILABILITY_MESSAGE = "Select at least one day and part of the day when the person is available to work"


@pytest.mark.parametrize("availability", [{}, {"mon": [], "tue": [], "sun": []}])
def test_availability_with_no_day_is_refused_and_nothing_is_saved(
    make_case: MakeCase, practitioner: User, availability: dict[str, list[str]]
) -> None:
    draft = aservices.assessment_start(actor=practitioner, person=make_case().person)
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_update(
            actor=practitioner, assessment=draft, values={"availability": availability, "skills": "Gardening"}
        )
    assert errors_of(excinfo) == {"availability": [AVAILABILITY_MESSAGE]}
    draft.refresh_from_db()
    assert (draft.availability, draft.skills) == ({}, "")


def test_women_only_preference_is_refused_for_someone_not_recorded_as_a_woman(
    make_case: MakeCase, practitioner: User
) -> None:
    for sex in ("male", "not_known"):
        draft = aservices.assessment_start(actor=practitioner, person=make_case(sex=sex).person)
        with pytest.raises(ValidationError) as excinfo:
            aservices.assessment_update(
                actor=practitioner, assessment=draft, values={"placement_preference": "women_only"}
            )
        assert errors_of(excinfo) == {
            "placement_preference": [
                "A placement preference is asked of women only, and this person is not recorded as a woman"
            ]
        }


def test_a_womans_assessment_needs_her_preference_before_it_is_submitted(
    make_case: MakeCase, practitioner: User
) -> None:
    person = make_case(sex="female", first_name="Jo").person
    draft = aservices.assessment_start(actor=practitioner, person=person)
    aservices.assessment_update(actor=practitioner, assessment=draft, values=complete_values())
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_submit(actor=practitioner, assessment=draft)
    assert errors_of(excinfo) == {"placement_preference": ["Select the woman's placement preference"]}
    draft.refresh_from_db()
    assert draft.status == A.DRAFT
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_update(actor=practitioner, assessment=draft, values={"placement_preference": "nearby"})
    assert errors_of(excinfo) == {"placement_preference": ["Select a placement preference"]}
    aservices.assessment_update(actor=practitioner, assessment=draft, values={"placement_preference": "individual"})
    assert aservices.assessment_submit(actor=practitioner, assessment=draft).status == A.CURRENT


def test_group_work_unsuitable_needs_a_reason(make_case: MakeCase, practitioner: User) -> None:
    draft = aservices.assessment_start(actor=practitioner, person=make_case().person)
    aservices.assessment_update(
        actor=practitioner,
        assessment=draft,
        values=complete_values(group_work_unsuitable=True, group_work_unsuitable_reason="  "),
    )
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_submit(actor=practitioner, assessment=draft)
    assert errors_of(excinfo) == {"group_work_unsuitable_reason": ["Enter why group work is unsuitable"]}
    aservices.assessment_update(
        actor=practitioner,
        assessment=draft,
        values={"group_work_unsuitable_reason": "Panic attacks in groups", "suitable_placement_types": ["group"]},
    )
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_submit(actor=practitioner, assessment=draft)
    assert errors_of(excinfo) == {
        "suitable_placement_types": ["Group work is unsuitable: select another type of placement"]
    }
    aservices.assessment_update(
        actor=practitioner, assessment=draft, values={"suitable_placement_types": ["individual"]}
    )
    assert aservices.assessment_submit(actor=practitioner, assessment=draft).status == A.CURRENT


def test_a_reason_is_cleared_when_group_work_is_suitable(make_case: MakeCase, practitioner: User) -> None:
    draft = aservices.assessment_start(actor=practitioner, person=make_case().person)
    aservices.assessment_update(
        actor=practitioner,
        assessment=draft,
        values={
            "group_work_unsuitable": False,
            "group_work_unsuitable_reason": "Left over",
            "interpreter_required": False,
            "interpreter_language": "Polish",
        },
    )
    draft.refresh_from_db()
    assert (draft.group_work_unsuitable_reason, draft.interpreter_language) == ("", "")


def test_an_empty_draft_lists_everything_missing(make_case: MakeCase, practitioner: User) -> None:
    draft = aservices.assessment_start(actor=practitioner, person=make_case(sex="female").person)
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_submit(actor=practitioner, assessment=draft)
    assert errors_of(excinfo) == {
        "availability": [AVAILABILITY_MESSAGE],
        "placement_preference": ["Select the woman's placement preference"],
        "transport": ["Select how the person will travel"],
        "max_travel_minutes": ["Enter the longest journey the person can make"],
        "suitable_placement_types": ["Select at least one type of placement the person is suitable for"],
        "rosh_level": ["Select the risk of serious harm level"],
        "risk_assessed_on": ["Enter the date the risk was assessed"],
    }


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"interpreter_required": True, "interpreter_language": " "}, "interpreter_language",
         "Enter the language the interpreter must speak"),
        ({"max_travel_minutes": 181}, "max_travel_minutes",
         "Enter the longest journey the person can make, between 1 and 180 minutes"),
        ({"max_travel_minutes": 0}, "max_travel_minutes",
         "Enter the longest journey the person can make, between 1 and 180 minutes"),
        ({"risk_assessed_on": date(2026, 11, 26)}, "risk_assessed_on",
         "The date the risk was assessed must be today or in the past"),
        ({"rosh_level": "extreme"}, "rosh_level", "Select the risk of serious harm level"),
        ({"transport": "horse"}, "transport", "Select how the person will travel"),
        ({"days_cannot_work": ["friday"]}, "days_cannot_work", "Choose days of the week"),
        ({"suitable_placement_types": ["office"]}, "suitable_placement_types", "Choose placement types from the list"),
        ({"commitments": [{"day": "wed"}]}, "commitments", "Give the reason the person is not free on Wednesday"),
    ],
)  # fmt: skip
def test_each_field_check_names_its_field(
    make_case: MakeCase, practitioner: User, values: dict[str, Any], field: str, message: str
) -> None:
    draft = aservices.assessment_start(actor=practitioner, person=make_case().person)
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_update(actor=practitioner, assessment=draft, values=values)
    assert errors_of(excinfo) == {field: [message]}


# ---------------------------------------------------------------------------------------------
# Non-associations


def test_non_association_is_stored_once_and_read_both_ways(make_case: MakeCase, practitioner: User) -> None:
    a = make_case(first_name="Ann", last_name="Ashby").person
    b = make_case(first_name="Ben", last_name="Barker").person
    c = make_case(first_name="Cat", last_name="Cole").person
    record = aservices.non_association_add(actor=practitioner, person=b, other=a, reason=" Co-defendants ")
    assert (record.person_id, record.other_id, record.reason) == (a.pk, b.pk, "Co-defendants")
    aservices.non_association_add(actor=practitioner, person=c, other=b, reason="Feud")
    assert NonAssociation.objects.count() == 2
    assert aselectors.non_associations_of(a) == [(b, record)]
    assert [other for other, _ in aselectors.non_associations_of(b)] == [a, c]
    assert [other for other, _ in aselectors.non_associations_of(c)] == [b]
    # each side's history says so
    assert AuditEvent.objects.filter(action="non_association.added", subject=f"person:{a.pk}").count() == 1
    assert AuditEvent.objects.filter(action="non_association.added", subject=f"person:{b.pk}").count() == 2


def test_non_association_with_oneself_is_refused(make_case: MakeCase, practitioner: User) -> None:
    person = make_case().person
    with pytest.raises(ValidationError) as excinfo:
        aservices.non_association_add(actor=practitioner, person=person, other=person, reason="Odd")
    assert errors_of(excinfo) == {"other": ["A person cannot be a non-association of themselves"]}
    assert not NonAssociation.objects.exists()


def test_duplicate_non_association_is_refused_from_either_side(make_case: MakeCase, practitioner: User) -> None:
    a = make_case().person
    b = make_case(first_name="Bo", last_name="Jones").person
    aservices.non_association_add(actor=practitioner, person=a, other=b, reason="Co-defendants")
    for person, other in ((a, b), (b, a)):
        with pytest.raises(ValidationError) as excinfo:
            aservices.non_association_add(actor=practitioner, person=person, other=other, reason="Again")
        assert errors_of(excinfo) == {"other": [f"{other.full_name} is already recorded as a non-association"]}
    assert NonAssociation.objects.count() == 1


def test_non_association_needs_a_reason(make_case: MakeCase, practitioner: User) -> None:
    a, b = make_case().person, make_case().person
    with pytest.raises(ValidationError) as excinfo:
        aservices.non_association_add(actor=practitioner, person=a, other=b, reason=" ")
    assert errors_of(excinfo) == {"reason": ["Enter why they must not be placed together"]}


def test_an_ended_non_association_no_longer_counts(make_case: MakeCase, practitioner: User) -> None:
    a, b = make_case().person, make_case().person
    record = aservices.non_association_add(actor=practitioner, person=a, other=b, reason="Co-defendants")
    NonAssociation.objects.filter(pk=record.pk).update(ended_at=timezone.now())
    assert aselectors.non_associations_of(a) == []
    aservices.non_association_add(actor=practitioner, person=a, other=b, reason="New incident")
    assert [other for other, _ in aselectors.non_associations_of(b)] == [a]


# ---------------------------------------------------------------------------------------------
# Countersigning


@pytest.mark.parametrize("rosh", ["high", "very_high"])
def test_high_risk_waits_for_countersignature_and_does_not_count(
    make_case: MakeCase, practitioner: User, rosh: str
) -> None:
    requirement = make_case()
    induct(practitioner, requirement)
    assessment = assess(practitioner, requirement.person, rosh=rosh)
    assert assessment.status == A.AWAITING_COUNTERSIGNATURE
    assert assessment.submitted_at is not None
    assert aselectors.current_assessment(requirement.person) is None
    assert status_of(requirement) == S.AWAITING_ASSESSMENT
    result = aselectors.requirement_placeability(requirement, book=policy_book(), today=TODAY)
    assert (result.placeable, result.reasons) == (False, [AWAITING])
    # no new version while one waits
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_start(actor=practitioner, person=requirement.person)
    assert errors_of(excinfo) == {
        "assessment": ["A version is waiting for countersignature: it must be approved or returned first"]
    }


@pytest.mark.parametrize("rosh", ["low", "medium"])
def test_low_and_medium_risk_count_at_once(make_case: MakeCase, practitioner: User, rosh: str) -> None:
    assessment = assess(practitioner, make_case().person, rosh=rosh)
    assert assessment.status == A.CURRENT
    assert assessment.countersigned_by is None


def test_the_author_cannot_countersign_even_as_a_senior_probation_officer(make_case: MakeCase, spo: User) -> None:
    assessment = assess(spo, make_case().person, rosh="high")
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_countersign(actor=spo, assessment=assessment, approve=True)
    assert errors_of(excinfo) == {
        "assessment": ["You wrote this assessment: another senior probation officer must countersign it"]
    }
    assessment.refresh_from_db()
    assert (assessment.status, assessment.countersigned_by) == (A.AWAITING_COUNTERSIGNATURE, None)


def test_a_practitioner_cannot_countersign(
    make_case: MakeCase, practitioner: User, make_user: Callable[..., User], pdu_a: Pdu
) -> None:
    colleague = make_user("paula", pdu=pdu_a)
    assessment = assess(practitioner, make_case().person, rosh="very_high")
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_countersign(actor=colleague, assessment=assessment, approve=True)
    assert errors_of(excinfo) == {"assessment": ["Only a senior probation officer can countersign an assessment"]}
    assessment.refresh_from_db()
    assert assessment.status == A.AWAITING_COUNTERSIGNATURE


def test_another_spo_approves_and_the_case_moves_on(make_case: MakeCase, practitioner: User, spo: User) -> None:
    requirement = make_case()
    induct(practitioner, requirement)
    previous = assess(practitioner, requirement.person, rosh="medium")
    assessment = assess(practitioner, requirement.person, rosh="high")
    previous.refresh_from_db()
    assert previous.status == A.CURRENT  # the earlier version still counts while the new one waits
    assessment = aservices.assessment_countersign(actor=spo, assessment=assessment, approve=True, comment="Agreed")
    assessment.refresh_from_db()
    previous.refresh_from_db()
    assert (assessment.status, assessment.countersigned_by, assessment.review_comment) == (A.CURRENT, spo, "Agreed")
    assert assessment.countersigned_at is not None
    assert previous.status == A.SUPERSEDED
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_countersign(actor=spo, assessment=assessment, approve=True)
    assert errors_of(excinfo) == {"assessment": ["This assessment is not waiting for countersignature"]}


def test_approval_moves_every_requirement_awaiting_assessment(
    make_case: MakeCase, practitioner: User, spo: User
) -> None:
    requirement = make_case()
    induct(practitioner, requirement)
    assessment = assess(practitioner, requirement.person, rosh="very_high")
    assert status_of(requirement) == S.AWAITING_ASSESSMENT
    aservices.assessment_countersign(actor=spo, assessment=assessment, approve=True)
    assert status_of(requirement) == S.AWAITING_PLACEMENT
    assert AuditEvent.objects.filter(action="assessment.countersigned", actor=spo).count() == 1
    result = aselectors.requirement_placeability(requirement, book=policy_book(), today=TODAY)
    assert (result.placeable, result.reasons) == (True, [])


def test_return_needs_a_comment_then_the_author_edits_and_resubmits(
    make_case: MakeCase, practitioner: User, spo: User
) -> None:
    person = make_case().person
    assessment = assess(practitioner, person, rosh="high")
    with pytest.raises(ValidationError) as excinfo:
        aservices.assessment_countersign(actor=spo, assessment=assessment, approve=False, comment=" ")
    assert errors_of(excinfo) == {"comment": ["Enter what needs to change before it can be countersigned"]}
    assessment = aservices.assessment_countersign(
        actor=spo, assessment=assessment, approve=False, comment="Add the victim's address to the risk notes"
    )
    assert (assessment.status, assessment.review_comment) == (A.RETURNED, "Add the victim's address to the risk notes")
    assert aselectors.countersign_queue(spo).count() == 0
    # the returned version is the one to carry on with, not a new version
    assert aservices.assessment_start(actor=practitioner, person=person).pk == assessment.pk
    aservices.assessment_update(actor=practitioner, assessment=assessment, values={"risk_notes": "Victim in NE6"})
    assessment = aservices.assessment_submit(actor=practitioner, assessment=assessment)
    assert (assessment.status, assessment.version) == (A.AWAITING_COUNTERSIGNATURE, 1)
    assessment = aservices.assessment_countersign(actor=spo, assessment=assessment, approve=True)
    assert assessment.status == A.CURRENT
    assert assessment.risk_notes == "Victim in NE6"


def test_countersign_queue_is_scoped_and_leaves_out_the_users_own(
    make_case: MakeCase,
    practitioner: User,
    spo: User,
    other_spo: User,
    other_region_practitioner: User,
    make_user: Callable[..., User],
    pdu_b: Pdu,
) -> None:
    by_practitioner = assess(practitioner, make_case(last_name="Adams").person, rosh="high")
    by_spo = assess(spo, make_case(last_name="Baker").person, rosh="very_high")
    assess(practitioner, make_case(last_name="Clark").person, rosh="medium")  # current: nothing to sign
    aservices.assessment_start(actor=practitioner, person=make_case(last_name="Dunn").person)  # a draft
    elsewhere = assess(other_region_practitioner, make_case(last_name="Evans", pdu=pdu_b).person, rosh="high")
    london_spo = make_user("leah", role=SENIOR_PROBATION_OFFICER, pdu=pdu_b)

    assert list(aselectors.countersign_queue(spo)) == [by_practitioner]
    assert list(aselectors.countersign_queue(other_spo)) == [by_practitioner, by_spo]
    assert list(aselectors.countersign_queue(london_spo)) == [elsewhere]


# ---------------------------------------------------------------------------------------------
# Placeable, or why not, from real data


def placeability(requirement: Requirement, today: date = TODAY) -> tuple[bool, list[str]]:
    requirement = Requirement.objects.select_related("order", "person").get(pk=requirement.pk)
    result = aselectors.requirement_placeability(requirement, book=policy_book(), today=today)
    return result.placeable, result.reasons


def test_placeable_when_inducted_assessed_and_owing_hours(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    assert placeability(requirement) == (False, [NOT_INDUCTED, NO_ASSESSMENT])
    induct(practitioner, requirement)
    assert placeability(requirement) == (False, [NO_ASSESSMENT])
    assess(practitioner, requirement.person)
    assert placeability(requirement) == (True, [])


def test_not_inducted_after_an_absence(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    assess(practitioner, requirement.person)
    induction = aservices.induction_book(
        actor=practitioner, requirement=requirement, starts_at=at(2026, 3, 5), location="Office"
    )
    aservices.induction_record_outcome(
        actor=practitioner, induction=induction, outcome="acceptable_absence", reason="Court appearance"
    )
    assert placeability(requirement) == (False, [NOT_INDUCTED])


def test_not_placeable_while_paused(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    induct(practitioner, requirement)
    assess(practitioner, requirement.person)
    requirement_change_status(actor=practitioner, requirement=requirement, to_status="paused", reason="In hospital")
    assert placeability(requirement) == (False, ["The case is paused"])


def test_not_placeable_in_backlog(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(sentence_date=date(2025, 10, 1))  # window ended 1 October 2026
    induct(practitioner, requirement, when=at(2025, 10, 3))
    assess(practitioner, requirement.person)
    assert placeability(requirement, today=date(2026, 10, 1)) == (True, [])
    assert placeability(requirement) == (
        False,
        ["In backlog: the completion date has passed, so the court must vary the order first"],
    )


def test_not_placeable_with_no_hours_remaining(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=40)
    induct(practitioner, requirement, minutes=60)
    assess(practitioner, requirement.person)
    ledger_credit_work(
        actor=practitioner, requirement=requirement, minutes=40 * 60 - 60, occurred_on=date(2026, 3, 20), source="test"
    )
    assert requirement_balance(requirement).remaining_minutes == 0
    assert placeability(requirement) == (False, ["The case is completed", "No hours remaining"])


def test_not_placeable_when_the_case_is_closed(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    induct(practitioner, requirement)
    assess(practitioner, requirement.person)
    requirement_change_status(
        actor=practitioner, requirement=requirement, to_status="revoked", reason="Revoked and resentenced"
    )
    assert placeability(requirement) == (False, ["The case is revoked"])
