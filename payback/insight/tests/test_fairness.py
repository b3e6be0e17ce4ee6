"""Outcomes by protected characteristic, on cases built by hand: what is written for each closed
requirement, and the table of rates, intervals and hidden small numbers read from it."""

import itertools
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from payback.cases.models import CaseStatus, Order, Person, Requirement
from payback.cases.services import ledger_correct, ledger_credit_work, requirement_change_status
from payback.delivery import services as delivery
from payback.enforcement.models import Action, Failure
from payback.insight import fairness
from payback.insight.fairness import FairnessTable, fairness_table, outcomes_write
from payback.insight.models import CaseOutcome
from payback.insight.rules import Period
from payback.staff.models import Pdu, User
from payback.testing.builders import (
    Clock,
    active_project,
    book,
    frozen_today,
    line,
    new_case,
    placeable_person,
    plan_session,
    remaining,
    submit,
)

LONDON = ZoneInfo("Europe/London")
SENTENCED = date(2026, 3, 2)  # a Monday
_crns = itertools.count(1)


# ---------------------------------------------------------------------------------------------
# The characteristics, from what is recorded


@pytest.mark.parametrize(
    ("answer", "group"),
    [
        ("White: English, Welsh, Scottish, Northern Irish or British", "White"),
        ("Mixed: White and Black Caribbean", "Mixed"),
        ("Asian or Asian British: Bangladeshi", "Asian or Asian British"),
        ("Black or Black British: any other Black background", "Black or Black British"),
        ("Other ethnic group: Arab", "Other ethnic group"),
        ("Prefer not to say", "Not recorded"),
        ("", "Not recorded"),
        (None, "Not recorded"),
    ],
)
def test_ethnicity_is_the_ons_top_level_group(answer: str | None, group: str) -> None:
    assert fairness.ethnic_group(answer) == group


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (date(2008, 3, 2), "18–24"),  # 18 on the day of sentence
        (date(2001, 3, 3), "18–24"),  # 24, a day short of 25
        (date(2001, 3, 2), "25–34"),
        (date(1991, 3, 3), "25–34"),
        (date(1991, 3, 2), "35–49"),  # 35 that day
        (date(1976, 3, 3), "35–49"),
        (date(1976, 3, 2), "50 or over"),
    ],
)
def test_age_band_is_the_age_on_the_day_of_sentence(born: date, band: str) -> None:
    assert fairness.age_band(born, SENTENCED) == band


@pytest.mark.parametrize(
    ("recorded", "answer", "group"),
    [
        (False, None, "Not recorded"),  # no form
        (True, "Prefer not to say", "Not recorded"),
        (True, "", "Not disabled"),  # the question left empty on a recorded form
        (True, "None", "Not disabled"),
        (True, "no.", "Not disabled"),
        (True, "Dyslexia", "Disabled"),
        (True, "Mobility: walks with a stick, no uneven ground", "Disabled"),
    ],
)
def test_disability_reads_the_forms_free_text_answer(recorded: bool, answer: str | None, group: str) -> None:
    assert fairness.disability_group(recorded, answer) == group


def test_every_outcome_has_a_label_and_a_definition() -> None:
    assert [key for key, _, _ in fairness.OUTCOMES] == list(fairness._COUNTED)
    assert all(label and definition.endswith(".") for _, label, definition in fairness.OUTCOMES)
    assert [key for key, _ in fairness.CHARACTERISTICS] == list(fairness.GROUP_ORDER)


# ---------------------------------------------------------------------------------------------
# Writing the outcomes: cases built through the services


@pytest.fixture
def clock() -> Iterator[Clock]:
    with frozen_today(date(2026, 3, 9)) as frozen:
        yield frozen


def at(when: datetime) -> Any:
    """The clock at `when`: the changes of status made meanwhile are stamped then."""
    return time_machine.travel(when, tick=False)


def _breach(requirement: Requirement, actor: User, *, withdrawn: bool, **source: Any) -> None:
    failure = Failure.objects.create(
        requirement=requirement,
        person=requirement.person,
        occurred_on=SENTENCED,
        outcome="unacceptable_absence",
        outcome_label="Unacceptable absence",
        evidence_due=SENTENCED,
        **source,
    )
    Action.objects.create(
        failure=failure,
        requirement=requirement,
        rule_step="breach",
        rule_code="second_failure",
        rule_text="A second unacceptable failure",
        step="breach",
        taken_on=SENTENCED,
        taken_by=actor,
        withdrawn_at=datetime(2026, 4, 1, 12, tzinfo=LONDON) if withdrawn else None,
    )


def _ali(clock: Clock, pdu: Pdu, practitioner: User, supervisor: User, coordinator: User, manager: User) -> Requirement:
    """A man of 22, disabled, Black African, Muslim: sent home on 16 March (14 days after sentence), worked
    on 23 March, his session of 30 March stood down; a breach that was withdrawn; completed."""
    ali = placeable_person(
        practitioner,
        date_of_birth=date(2004, 1, 10),
        diversity={
            "ethnicity": "Black or Black British: African",
            "religion_or_belief": "Muslim",
            "disability": "Dyslexia",
        },
    )
    towpath = active_project(coordinator, manager, pdu)
    days = [date(2026, 3, 16), date(2026, 3, 23), date(2026, 3, 30)]
    sessions = [plan_session(coordinator, towpath, day, supervisor=supervisor) for day in days]
    appointments = [book(coordinator, session, ali)[0] for session in sessions]
    delivery.session_stand_down(actor=coordinator, session=sessions[2], reason="weather")
    clock.today = days[0]
    submit(supervisor, sessions[0], [line(appointments[0], "sent_home_behaviour", left_at=time(11))])
    clock.today = days[1]
    submit(supervisor, sessions[1], [line(appointments[1], "attended_complied")])
    _breach(ali, practitioner, withdrawn=True, appointment=appointments[0])
    clock.today = date(2026, 6, 15)
    with at(datetime(2026, 6, 14, 23, 30, tzinfo=ZoneInfo("UTC"))):  # 00:30 on 15 June in London
        ledger_credit_work(  # the rest of the hours, which completes the order
            actor=practitioner, requirement=ali, minutes=remaining(ali), occurred_on=date(2026, 6, 12), source="session"
        )
    ali.refresh_from_db()
    assert ali.status == CaseStatus.COMPLETED
    return ali


def _ben(clock: Clock, pdu: Pdu, practitioner: User, coordinator: User, manager: User) -> Requirement:
    """51, sex not known, no form: 5 hours on an individual placement on 20 April (49 days after sentence), breach
    action taken, revoked on 1 July."""
    ben = placeable_person(practitioner, sex="not_known", date_of_birth=date(1975, 1, 1))
    shop = active_project(coordinator, manager, pdu, name="Charity shop", project_type="individual")
    clock.today = date(2026, 4, 20)
    delivery.timesheet_record(
        actor=coordinator,
        project=shop,
        requirement=ben,
        worked_on=date(2026, 4, 20),
        minutes=300,
        beneficiary_supervisor="Jo Reed",
    )
    _breach(ben, practitioner, withdrawn=False, induction=ben.inductions.get())
    clock.today = date(2026, 7, 1)
    with at(datetime(2026, 7, 1, 15, tzinfo=LONDON)):
        requirement_change_status(actor=practitioner, requirement=ben, to_status="revoked", reason="Court revoked")
    return ben


def _eli(clock: Clock, practitioner: User) -> Requirement:
    """Work from earlier records only: the induction's hour on 3 March is not work; 6 hours on
    20 March were entered in error and taken back; 6 hours on 13 April (42 days) are the first."""
    eli = placeable_person(practitioner)
    mistaken = ledger_credit_work(
        actor=practitioner, requirement=eli, minutes=360, occurred_on=date(2026, 3, 20), source="earlier_work"
    )
    assert mistaken is not None
    ledger_correct(actor=practitioner, entry=mistaken, reason="Entered on the wrong case")
    ledger_credit_work(
        actor=practitioner, requirement=eli, minutes=360, occurred_on=date(2026, 4, 13), source="earlier_work"
    )
    requirement_change_status(actor=practitioner, requirement=eli, to_status="revoked", reason="Court revoked")
    return eli


@pytest.fixture
def closed_cases(
    clock: Clock, pdu_a: Pdu, practitioner: User, supervisor: User, coordinator: User, manager: User
) -> dict[str, Requirement]:
    ali = _ali(clock, pdu_a, practitioner, supervisor, coordinator, manager)
    ben = _ben(clock, pdu_a, practitioner, coordinator, manager)
    clock.today = date(2026, 11, 18)
    # A woman, 30 on the day of sentence; a form recorded with no answers but the ethnicity.
    cat = new_case(
        practitioner,
        sex="female",
        date_of_birth=date(1996, 3, 2),
        diversity={"ethnicity": "Prefer not to say"},
    )
    requirement_change_status(actor=practitioner, requirement=cat, to_status="transferred_out", reason="Moved")
    # Closed with no change kept (as records brought from elsewhere are): closed the day it was recorded.
    with at(datetime(2026, 2, 1, 9, tzinfo=LONDON)):
        dee = new_case(practitioner, sentence_date=date(2026, 1, 26))
    Requirement.objects.filter(pk=dee.pk).update(status=CaseStatus.REVOKED)
    placeable_person(practitioner)  # still open: no outcome
    return {"ali": ali, "ben": ben, "cat": cat, "dee": dee, "eli": _eli(clock, practitioner)}


def _row(requirement: Requirement) -> CaseOutcome:
    return CaseOutcome.objects.get(requirement=requirement)


@pytest.mark.django_db
def test_each_closed_requirement_has_its_outcome_written(
    closed_cases: dict[str, Requirement], pdu_a: Pdu, practitioner: User, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        assert outcomes_write(closed_since=None) == 5

    ali = _row(closed_cases["ali"])
    assert (ali.closed_on, ali.sex, ali.ethnicity, ali.age_band, ali.disability, ali.religion) == (
        date(2026, 6, 15),
        "Male",
        "Black or Black British",
        "18–24",
        "Disabled",
        "Muslim",
    )
    assert (ali.completed, ali.breached, ali.sent_home, ali.stood_down, ali.worked, ali.individual_placement) == (
        True,
        False,
        True,
        True,
        True,
        False,
    )
    assert (ali.days_to_first_session, ali.started_within_28_days) == (14, True)
    assert (ali.pdu_id, ali.region_id, ali.practitioner_id) == (
        pdu_a.pk,
        pdu_a.region_id,
        practitioner.pk,
    )

    ben = _row(closed_cases["ben"])
    assert (ben.closed_on, ben.sex, ben.ethnicity, ben.age_band, ben.disability, ben.religion) == (
        date(2026, 7, 1),
        "Not known",
        "Not recorded",
        "50 or over",
        "Not recorded",
        "Not recorded",
    )
    assert (ben.completed, ben.breached, ben.sent_home, ben.stood_down, ben.worked, ben.individual_placement) == (
        False,
        True,
        False,
        False,
        True,
        True,
    )
    assert (ben.days_to_first_session, ben.started_within_28_days) == (49, False)

    cat = _row(closed_cases["cat"])
    assert (cat.closed_on, cat.sex, cat.ethnicity, cat.age_band, cat.disability, cat.religion) == (
        date(2026, 11, 18),
        "Female",
        "Not recorded",
        "25–34",
        "Not disabled",
        "Not recorded",
    )
    assert (cat.worked, cat.days_to_first_session, cat.started_within_28_days) == (False, None, False)
    assert _row(closed_cases["dee"]).closed_on == date(2026, 2, 1)
    eli = _row(closed_cases["eli"])
    assert (eli.worked, eli.days_to_first_session, eli.started_within_28_days, eli.individual_placement) == (
        True,
        42,
        False,
        False,
    )


@pytest.mark.django_db
def test_a_refresh_writes_again_only_the_requirements_closed_since(closed_cases: dict[str, Requirement]) -> None:
    outcomes_write(closed_since=None)
    CaseOutcome.objects.update(sex="Changed")

    # Ben closed on 1 July, Cat and Eli today; Ali (15 June) and Dee (1 February) are left as they were.
    assert outcomes_write(closed_since=date(2026, 7, 1)) == 3
    assert dict(CaseOutcome.objects.values_list("requirement_id", "sex")) == {
        closed_cases["ali"].pk: "Changed",
        closed_cases["ben"].pk: "Not known",
        closed_cases["cat"].pk: "Female",
        closed_cases["dee"].pk: "Changed",
        closed_cases["eli"].pk: "Male",
    }
    assert outcomes_write(closed_since=None) == 5
    assert CaseOutcome.objects.filter(sex="Changed").count() == 0


# ---------------------------------------------------------------------------------------------
# The table: outcome rows made directly, in a period of April to September

PERIOD = Period(date(2026, 4, 1), date(2026, 9, 30))


def _requirements(pdu: Pdu, n: int) -> list[Requirement]:
    people = Person.objects.bulk_create(
        Person(
            crn=f"F{next(_crns):06d}",
            first_name="Sam",
            last_name="Lee",
            date_of_birth=date(1990, 1, 1),
            sex="male",
            pdu=pdu,
        )
        for _ in range(n)
    )
    orders = Order.objects.bulk_create(
        Order(person=person, order_type="community_order", sentence_date=SENTENCED, court="Court") for person in people
    )
    return Requirement.objects.bulk_create(
        Requirement(
            order=order,
            person=order.person,
            ordered_minutes=6000,
            induction_due=SENTENCED,
            assessment_due=SENTENCED,
            status=CaseStatus.COMPLETED,
        )
        for order in orders
    )


def _group(
    pdu: Pdu,
    ethnicity: str,
    people: int,
    *,
    completed: int = 0,
    breached: int = 0,
    days: tuple[int, ...] = (),
    individual: int = 0,
    closed_on: date | None = None,
) -> None:
    """`people` outcomes: the first `completed` completed, the first `breached` breached, the first
    len(`days`) worked (their first day that many days after sentence), `individual` of them on an
    individual placement. Closed at the start of the period, at its end, and in between."""
    rows = []
    for n, requirement in enumerate(_requirements(pdu, people)):
        first = days[n] if n < len(days) else None
        rows.append(
            CaseOutcome(
                requirement=requirement,
                region_id=pdu.region_id,
                pdu_id=pdu.pk,
                practitioner_id=None,
                closed_on=closed_on or ((PERIOD.start, PERIOD.end)[n] if n < 2 else date(2026, 6, 15)),
                sex="Male",
                ethnicity=ethnicity,
                age_band="25–34",
                disability="Not recorded",
                religion="Not recorded",
                completed=n < completed,
                breached=n < breached,
                sent_home=False,
                stood_down=False,
                individual_placement=n < individual,
                worked=first is not None,
                started_within_28_days=first is not None and first <= 28,
                days_to_first_session=first,
            )
        )
    CaseOutcome.objects.bulk_create(rows)


@pytest.fixture
def table(pdu_a: Pdu, pdu_b: Pdu) -> FairnessTable:
    _group(pdu_a, "White", 40, completed=36, breached=2, days=(10,) * 15 + (20,) * 15, individual=6)
    _group(pdu_a, "Black or Black British", 20, completed=6, breached=8, days=(30,) * 20)
    _group(pdu_a, "Asian or Asian British", 10, completed=7, days=(12,) * 10)
    _group(pdu_a, "Mixed", 3, completed=2, days=(5,) * 3)
    _group(pdu_a, "Other ethnic group", 6, completed=4, days=(8,) * 6)
    _group(pdu_a, "Not recorded", 8, completed=6, breached=5, days=(9,) * 8)
    # Elsewhere, and outside the period: none of these is counted.
    _group(pdu_b, "Black or Black British", 30, completed=30)
    _group(pdu_a, "Black or Black British", 10, closed_on=date(2026, 3, 31))
    _group(pdu_a, "Black or Black British", 10, closed_on=date(2026, 10, 1))
    return fairness_table(where={"pdu_id": pdu_a.pk}, period=PERIOD, characteristic="ethnicity")


@pytest.mark.django_db
def test_the_table_counts_the_closed_requirements_of_the_area_in_the_period(table: FairnessTable) -> None:
    # 40 + 20 + 10 + 3 + 6 + 8: not London's 30, nor the 20 closed on 31 March and 1 October.
    assert table.people == 87
    assert [group.name for group in table.groups] == [
        "White",
        "Mixed",
        "Asian or Asian British",
        "Black or Black British",
        "Other ethnic group",
        "Not recorded",
    ]
    # 36 + 6 + 7 + 2 + 4 + 6 = 61 of 87 completed.
    assert (table.overall["completion"].count, table.overall["completion"].total) == (61, 87)


@pytest.mark.django_db
def test_a_group_whose_interval_does_not_meet_the_rest_of_the_area_is_flagged(table: FairnessTable) -> None:
    groups = {group.name: group for group in table.groups}
    black = groups["Black or Black British"].figures["completion"]
    # 6 of 20: p = 0.3, 1 + z²/n = 1.192073, centre (0.3 + 0.096037) / 1.192073 = 0.33223,
    # half (1.959964 / 1.192073) × √(0.0105 + 0.0024010) = 0.18675, so 0.14548 to 0.51897.
    assert (black.count, black.total) == (6, 20)
    assert black.rate is not None and black.rest is not None
    assert (black.rate.low, black.rate.high) == (pytest.approx(0.14548, abs=5e-5), pytest.approx(0.51897, abs=5e-5))
    # Everyone else: 61 − 6 = 55 of 87 − 20 = 67: p = 0.82090, 1 + z²/n = 1.057335,
    # centre (0.82090 + 0.028668) / 1.057335 = 0.80349, half 1.853678 × √0.0024084 = 0.09097.
    assert (black.rest.count, black.rest.total) == (55, 67)
    assert (black.rest.low, black.rest.high) == (pytest.approx(0.71253, abs=5e-5), pytest.approx(0.89446, abs=5e-5))
    assert black.differs  # 0.519 is below 0.713

    asian = groups["Asian or Asian British"].figures["completion"]
    # 7 of 10: centre (0.7 + 0.19207) / 1.384146 = 0.64449, half 1.416010 × √0.0306036 = 0.24772.
    # Everyone else, 54 of 77: centre (0.70130 + 0.024945) / 1.049889 = 0.69173, half 0.10023.
    assert asian.rate is not None and asian.rest is not None
    assert (asian.rate.low, asian.rate.high) == (pytest.approx(0.39678, abs=5e-5), pytest.approx(0.89221, abs=5e-5))
    assert (asian.rest.low, asian.rest.high) == (pytest.approx(0.59151, abs=5e-5), pytest.approx(0.79196, abs=5e-5))
    assert not asian.differs  # 0.397 to 0.892 overlaps 0.592 to 0.792


@pytest.mark.django_db
def test_small_groups_are_hidden_and_the_next_smallest_with_them(table: FairnessTable) -> None:
    groups = {group.name: group for group in table.groups}
    # Mixed (3 people) is hidden; hiding it alone, its 3 could be found from the total, so the
    # next smallest group, Other ethnic group (6), is hidden too. Neither shows any figure.
    for name in ("Mixed", "Other ethnic group"):
        group = groups[name]
        assert group.suppressed and group.people is None
        assert group.median_suppressed and group.median_days is None
        for figure in group.figures.values():
            assert figure.suppressed and not figure.differs
            assert (figure.count, figure.total, figure.rate, figure.rest) == (None, None, None, None)
    # Not recorded is a group like any other, shown at its size.
    assert groups["Not recorded"].people == 8
    assert groups["Not recorded"].figures["completion"].count == 6


@pytest.mark.django_db
def test_a_small_count_is_hidden_with_the_next_smallest_in_its_outcome(table: FairnessTable) -> None:
    groups = {group.name: group.figures["breach"] for group in table.groups}
    # Breach: White 2 (hidden), Not recorded 5 (hidden with it, else 2 = 15 − 8 − 5); Black shown.
    assert (groups["White"].count, groups["White"].total, groups["White"].rate) == (None, 40, None)
    assert (groups["Not recorded"].count, groups["Not recorded"].total) == (None, 8)
    assert groups["White"].suppressed and not groups["White"].differs
    assert (groups["Black or Black British"].count, groups["Black or Black British"].total) == (8, 20)
    assert (groups["Asian or Asian British"].count, groups["Asian or Asian British"].suppressed) == (0, False)


@pytest.mark.django_db
def test_individual_placements_are_a_share_of_those_who_worked_and_days_a_median(table: FairnessTable) -> None:
    white = next(group for group in table.groups if group.name == "White")
    individual = white.figures["individual_placement"]
    # 6 of the 30 who worked; everyone else who worked: 20 + 10 + 3 + 6 + 8 = 47, none of them.
    assert (individual.count, individual.total) == (6, 30)
    assert individual.rest is not None and (individual.rest.count, individual.rest.total) == (0, 47)
    # 15 started on day 10 and 15 on day 20: the middle two are 10 and 20.
    assert white.median_days == 15
    # 30 of 40 started within 28 days; Black people's first days were all 30 days after sentence.
    assert white.figures["started_within_28_days"].count == 30
    black = next(group for group in table.groups if group.name == "Black or Black British")
    assert (black.figures["started_within_28_days"].count, black.median_days) == (0, 30)


@pytest.mark.django_db
def test_an_area_of_fewer_than_five_shows_no_figure_at_all(pdu_a: Pdu) -> None:
    _group(pdu_a, "White", 3, completed=3)
    table = fairness_table(where={"pdu_id": pdu_a.pk}, period=PERIOD, characteristic="ethnicity")
    assert (table.people, table.overall, table.median_days) == (None, {}, None)
    assert [group.suppressed for group in table.groups] == [True]


@pytest.mark.django_db
def test_only_known_characteristics_and_areas_are_asked_for(pdu_a: Pdu) -> None:
    with pytest.raises(ValueError):
        fairness_table(where={"pdu_id": pdu_a.pk}, period=PERIOD, characteristic="shoe_size")
    with pytest.raises(ValueError):
        fairness_table(where={"person__crn": 1}, period=PERIOD, characteristic="sex")
