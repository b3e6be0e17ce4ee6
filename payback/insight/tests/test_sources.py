"""Every figure counted from the records, on a few records built by hand: the expected value of each
is worked out in the comment beside it. Today is Wednesday 18 November 2026; most flows are read for
October 2026."""

import itertools
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from payback.cases.assessment import services as assessment_services
from payback.cases.models import Requirement
from payback.cases.services import (
    ledger_correct,
    ledger_credit_work,
    ledger_record_court_variation,
    ledger_record_ete,
    requirement_change_status,
)
from payback.core.selectors import policy_book
from payback.delivery.models import Appointment, Incident, Session
from payback.delivery.services import session_stand_down, timesheet_record
from payback.enforcement.models import Action, Decision, Failure
from payback.insight import measures
from payback.insight.sources import Counts, Where, cases_behind, flows, stocks
from payback.projects.models import Beneficiary, BeneficiarySurvey, Project
from payback.staff.models import Pdu, User
from payback.testing.builders import assess, make_staff, new_case

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]

TODAY = date(2026, 11, 18)
OCT_1, OCT_31 = date(2026, 10, 1), date(2026, 10, 31)
LONDON = ZoneInfo("Europe/London")
_names = itertools.count(1)


# ---------------------------------------------------------------------------------------------
# Records made directly where the services would need a whole project's set-up


def project(pdu: Pdu, project_type: str = "group") -> Project:
    n = next(_names)
    beneficiary = Beneficiary.objects.create(name=f"Trust {n}", kind="charity", pdu=pdu, contact_name="Sam Reed")
    return Project.objects.create(
        name=f"Project {n}", beneficiary=beneficiary, pdu=pdu, project_type=project_type, status="active"
    )


def session(place: Project, day: date, start: time = time(9), end: time = time(16), **fields: Any) -> Session:
    return Session.objects.create(project=place, date=day, start_time=start, end_time=end, capacity=6, **fields)


def booking(on: Session, requirement: Requirement, outcome: str = "", **fields: Any) -> Appointment:
    booked_by = requirement.person.practitioner
    assert booked_by is not None
    return Appointment.objects.create(
        session=on,
        requirement=requirement,
        person=requirement.person,
        date=on.date,
        booked_by=booked_by,
        outcome=outcome,
        **fields,
    )


def work(requirement: Requirement, minutes: int, day: date) -> Any:
    actor = requirement.person.practitioner
    return ledger_credit_work(actor=actor, requirement=requirement, minutes=minutes, occurred_on=day, source="session")


def totals(counts: Counts) -> dict[str, int]:
    """Each measure summed over days, PDUs and practitioners (those that came to nothing left out)."""
    found: Counter[str] = Counter()
    for (_, _, _, measure), value in counts.items():
        found[measure] += value
    return {measure: value for measure, value in found.items() if value}


def expect(counts: Counts, **expected: int) -> None:
    """The measures named add up to the values given (0 for one not counted at all)."""
    found = totals(counts)
    assert {code: found.get(code, 0) for code in expected} == expected


@pytest.fixture
def pat(pdu_a: Pdu) -> User:
    return make_staff("pat", pdu=pdu_a)


# ---------------------------------------------------------------------------------------------
# Hours and requirements


def test_hours_ordered_worked_and_ete_net_of_corrections(pat: User, pdu_a: Pdu) -> None:
    first = new_case(pat, sentence_date=date(2026, 10, 5), hours=100)
    earlier = new_case(pat, sentence_date=date(2026, 9, 30), hours=50)
    ledger_record_court_variation(
        actor=pat, requirement=earlier, minutes=600, occurred_on=date(2026, 10, 12), reason="Court added 10 hours"
    )
    ledger_record_court_variation(
        actor=pat, requirement=earlier, minutes=-120, occurred_on=date(2026, 10, 20), reason="Court took 2 hours off"
    )
    work(earlier, 120, date(2026, 9, 30))  # September: neither worked in October nor started then
    work(first, 300, date(2026, 10, 6))
    ledger_correct(actor=pat, entry=work(first, 240, date(2026, 10, 7)), reason="Entered twice")
    ledger_record_ete(actor=pat, requirement=first, minutes=180, occurred_on=date(2026, 10, 8), reason="College")
    ete = ledger_record_ete(actor=pat, requirement=first, minutes=60, occurred_on=date(2026, 10, 9), reason="Course")
    ledger_correct(actor=pat, entry=ete, reason="Not attended")

    october = flows(OCT_1, OCT_31)
    # Ordered: 100 hours sentenced on 5 October, + 10 hours - 2 hours varied = 6000 + 600 - 120 minutes.
    # Worked: 300, and 240 - 240 corrected. ETE: 180, and 60 - 60 corrected. Started: the first only.
    expect(october, ordered_minutes=6480, requirements_made=1, worked_minutes=300, ete_minutes=180)
    expect(october, requirements_started=1)
    assert october[(date(2026, 10, 7), pdu_a.pk, pat.pk, "worked_minutes")] == 0  # the day nets to nothing
    # September: the 50 hours made on 30 September, started that day with 120 minutes.
    expect(flows(date(2026, 9, 1), date(2026, 9, 30)), ordered_minutes=3000, requirements_started=1)


def test_a_requirement_starts_on_its_first_day_of_work(pat: User, pdu_a: Pdu) -> None:
    case = new_case(pat, sentence_date=date(2026, 9, 1), hours=60)
    work(case, 60, date(2026, 10, 2))
    work(case, 60, date(2026, 11, 2))
    # Started on 2 October: once in October, not again in November when more was worked.
    expect(flows(OCT_1, OCT_31), requirements_started=1)
    expect(flows(date(2026, 11, 1), TODAY), requirements_started=0)
    assert flows(date(2026, 10, 2), date(2026, 10, 2))[(date(2026, 10, 2), pdu_a.pk, pat.pk, "requirements_started")]


def complete(requirement: Requirement, *, on: date, worked_on: date) -> None:
    """Credit every hour (worked on `worked_on`) while the clock says `on`: the order completes that day."""
    with time_machine.travel(datetime.combine(on, time(12), tzinfo=LONDON), tick=False):
        work(requirement, requirement.ordered_minutes, worked_on)


def test_completed_and_completed_in_time_go_by_the_completion_date(pat: User, pdu_a: Pdu) -> None:
    in_time = new_case(pat, sentence_date=date(2026, 3, 2), hours=40)  # due 2 March 2027
    late = new_case(pat, sentence_date=date(2025, 9, 1), hours=40)  # due 1 September 2026
    extended = new_case(pat, sentence_date=date(2025, 9, 2), hours=40)  # due 2 September 2026, then extended
    on_the_day = new_case(pat, sentence_date=date(2025, 10, 22), hours=40)  # due 22 October 2026
    ledger_record_court_variation(
        actor=pat,
        requirement=extended,
        minutes=0,
        occurred_on=date(2026, 8, 20),
        reason="More time",
        extended_until=date(2026, 12, 31),
    )
    complete(in_time, on=date(2026, 10, 20), worked_on=date(2026, 10, 20))
    complete(late, on=date(2026, 10, 21), worked_on=date(2026, 8, 31))  # worked in time, completed 7 weeks late
    complete(extended, on=date(2026, 10, 22), worked_on=date(2026, 10, 22))
    complete(on_the_day, on=date(2026, 10, 22), worked_on=date(2026, 10, 22))
    complete(new_case(pat, sentence_date=date(2026, 9, 1), hours=40), on=TODAY, worked_on=TODAY)  # November

    # Four completed in October; in time: by 2 March 2027, by the extension to 31 December, and on
    # the due day itself; not the one completed on 21 October, seven weeks after 1 September.
    expect(flows(OCT_1, OCT_31), completed=4, completed_in_time=3)
    assert flows(OCT_1, OCT_31)[(date(2026, 10, 21), pdu_a.pk, pat.pk, "completed")] == 1


# ---------------------------------------------------------------------------------------------
# Sessions, appointments and individual placements


def test_hours_offered_and_appointments(pat: User, pdu_a: Pdu) -> None:
    towpath = project(pdu_a)
    day, morning = session(towpath, date(2026, 10, 14)), session(towpath, date(2026, 10, 15), time(9, 30), time(12))
    cases = [new_case(pat, sentence_date=date(2026, 9, 1)) for _ in range(8)]
    outcomes = ["attended_complied", "sent_home_behaviour", "acceptable_absence", "late_sent_away"]
    outcomes += ["stood_down", "rescheduled", ""]  # offered, but not due
    for case, outcome in zip(cases, outcomes, strict=False):
        booking(day, case, outcome)
    booking(day, cases[7], "", cancelled_at=timezone.now())  # cancelled: not offered
    booking(morning, cases[0], "unacceptable_absence")

    # Offered: 7 bookings not cancelled on the 7-hour day (7 x 420) + 1 on the 2.5-hour morning (150).
    # Due: the 4 outcomes before "stood down", and the morning's absence. Attended: complied and sent
    # home for behaviour. Complied: complied and the acceptable absence. Sent home: behaviour and late.
    expect(flows(OCT_1, OCT_31), offered_minutes=3090, appointments_due=5, attended=2, complied=2, sent_home=2)


def test_individual_placement_minutes_are_from_appointments_and_timesheets(pat: User, pdu_a: Pdu) -> None:
    shop, towpath, found = project(pdu_a, "individual"), project(pdu_a), project(pdu_a, "pip")
    case = new_case(pat, sentence_date=date(2026, 9, 1))
    for place, day, minutes in ((shop, 14, 300), (towpath, 16, 420), (found, 17, 60)):
        appointment = booking(session(place, date(2026, 10, day)), case, "attended_complied")
        appointment.credited_entry = work(case, minutes, date(2026, 10, day))
        appointment.save(update_fields=["credited_entry"])
    timesheet_record(
        actor=pat,
        project=shop,
        requirement=case,
        worked_on=date(2026, 10, 15),
        minutes=240,
        beneficiary_supervisor="Jo",
    )
    booking(session(shop, date(2026, 10, 19)), new_case(pat, sentence_date=date(2026, 9, 1)), "attended_complied")

    # Individual: 300 at the shop, 240 from its timesheet, 60 on the placement the person found (the
    # booking of 19 October was credited nothing). Worked: those and the 420 on the towpath.
    expect(flows(OCT_1, OCT_31), individual_minutes=600, worked_minutes=1020)


def test_a_stand_down_credit_on_an_individual_placement_is_not_hours_worked_there(pat: User, pdu_a: Pdu) -> None:
    shop = project(pdu_a, "individual")
    stood_down = session(shop, date(2026, 10, 14))
    booking(stood_down, new_case(pat, sentence_date=date(2026, 9, 1)))
    session_stand_down(actor=pat, session=stood_down, reason="weather")  # credits the 60-minute allowance
    # Nothing was worked, on the placement or anywhere.
    expect(flows(OCT_1, OCT_31), individual_minutes=0, worked_minutes=0)


def test_sessions_planned_run_and_stood_down_for_each_reason(pdu_a: Pdu, pdu_b: Pdu) -> None:
    here, london = project(pdu_a), project(pdu_b)
    session(here, date(2026, 10, 5))  # planned, register never closed
    session(here, date(2026, 10, 6), status="closed")
    session(london, date(2026, 10, 7), status="closed")
    for day, reason in enumerate(("weather", "weather", "no_supervisor", "no_vehicle", "site_unavailable", ""), 8):
        session(here, date(2026, 10, day), status="stood_down", stand_down_reason=reason)
    session(here, date(2026, 9, 30), status="closed")  # September
    session(here, date(2026, 11, 2), status="stood_down", stand_down_reason="weather")  # November

    # 9 in October (1 planned, 2 closed, 6 stood down); a stand-down with no reason recorded is "other".
    assert totals(flows(OCT_1, OCT_31)) == {
        "sessions_planned": 9,
        "sessions_run": 2,
        "sessions_stood_down": 6,
        "stood_down_weather": 2,
        "stood_down_no_supervisor": 1,
        "stood_down_no_vehicle": 1,
        "stood_down_site_unavailable": 1,
        "stood_down_other": 1,
    }


def incident(place: Project, when: datetime, *, near_miss: bool = False) -> Incident:
    return Incident.objects.create(
        project=place,
        occurred_at=when,
        location="Towpath",
        what_happened="A fall",
        near_miss=near_miss,
        reported_by=make_staff(f"reporter{next(_names)}", pdu=place.pdu),
        paperwork_due_at=when + timedelta(days=1),
    )


def test_incidents_and_near_misses_by_the_london_day_they_happened(pdu_a: Pdu) -> None:
    towpath = project(pdu_a)
    incident(towpath, datetime(2026, 9, 30, 23, 30, tzinfo=ZoneInfo("UTC")))  # 00:30 on 1 October in London
    incident(towpath, datetime(2026, 10, 12, 14, tzinfo=LONDON))
    incident(towpath, datetime(2026, 10, 13, 10, tzinfo=LONDON), near_miss=True)
    incident(towpath, datetime(2026, 10, 31, 23, 30, tzinfo=ZoneInfo("UTC")), near_miss=True)  # 31 October (GMT)
    incident(towpath, datetime(2026, 11, 1, 0, 30, tzinfo=LONDON))  # November

    assert totals(flows(OCT_1, OCT_31)) == {"incidents": 2, "near_misses": 2}


def survey(place: Project, answered_on: date | None, satisfaction: int | None) -> None:
    answered = (
        {}
        if answered_on is None
        else {
            "used_at": datetime.combine(answered_on, time(12), tzinfo=LONDON),
            "answered_on": answered_on,
            "overall_satisfaction": satisfaction,
            "work_quality": 4,
            "would_have_again": True,
        }
    )
    BeneficiarySurvey.objects.create(
        project=place,
        kind="ongoing",
        point=OCT_1 - timedelta(days=next(_names)),
        token_hash=f"{next(_names):064d}",
        sent_to="contact@example.org",
        sent_on=OCT_1 - timedelta(days=5),
        expires_on=OCT_1 + timedelta(days=55),
        **answered,
    )


def test_beneficiary_surveys_answered_and_satisfied_by_the_day_answered(pdu_a: Pdu) -> None:
    towpath, park = project(pdu_a), project(pdu_a)
    survey(towpath, date(2026, 10, 2), 5)  # very satisfied
    survey(towpath, date(2026, 10, 20), 4)  # satisfied
    survey(park, date(2026, 10, 21), 3)  # neither: answered, not satisfied
    survey(park, None, None)  # sent, not answered: not counted
    survey(park, date(2026, 11, 2), 5)  # November

    assert totals(flows(OCT_1, OCT_31)) == {"surveys_answered": 3, "surveys_satisfied": 2}


# ---------------------------------------------------------------------------------------------
# Induction, assessment and enforcement


def inducted(case: Requirement, on: date, outcome: str = "attended") -> None:
    starts_at = datetime.combine(on, time(10), tzinfo=LONDON)
    late = "Court papers came late" if on > case.induction_due else ""
    induction = assessment_services.induction_book(
        actor=None, requirement=case, starts_at=starts_at, location="Office", late_reason=late
    )
    assessment_services.induction_record_outcome(
        actor=None,
        induction=induction,
        outcome=outcome,
        minutes_attended=60 if outcome == "attended" else None,
        reason="" if outcome == "attended" else "Did not come",
    )


def test_inductions_and_assessments_due_and_on_time(pat: User) -> None:
    # Sentenced Thursday 1 October: induction due 5 working days later (8 October), assessment 15
    # working days later (22 October).
    on_time, late, missed = (new_case(pat, sentence_date=OCT_1) for _ in range(3))
    assert (on_time.induction_due, on_time.assessment_due) == (date(2026, 10, 8), date(2026, 10, 22))
    new_case(pat, sentence_date=date(2026, 10, 28))  # due in November
    inducted(on_time, date(2026, 10, 8))  # on the deadline itself
    inducted(late, date(2026, 10, 9))
    inducted(missed, date(2026, 10, 5), outcome="failed_to_attend")
    with time_machine.travel(datetime(2026, 10, 22, 16, tzinfo=LONDON), tick=False):
        assess(pat, on_time)  # submitted on the deadline
    assess(pat, late)  # submitted today, 18 November

    october = flows(OCT_1, OCT_31)
    expect(october, inductions_due=3, inductions_on_time=1, assessments_due=3, assessments_on_time=1)


def action(case: Requirement, on: date, step: str, rule_step: str, by: User, *, withdrawn: bool = False) -> Action:
    appointment = booking(session(project(case.person.pdu), on), case, "unacceptable_absence", evidence_due=on)
    failure = Failure.objects.create(
        requirement=case,
        person=case.person,
        appointment=appointment,
        occurred_on=on,
        outcome="unacceptable_absence",
        outcome_label="Unacceptable absence",
        evidence_due=on,
    )
    return Action.objects.create(
        failure=failure,
        requirement=case,
        rule_step=rule_step,
        rule_code="rule",
        rule_text="The rule",
        step=step,
        taken_on=on,
        taken_by=by,
        withdrawn_at=timezone.now() if withdrawn else None,
    )


@pytest.fixture
def actions(pat: User) -> None:
    case = new_case(pat, sentence_date=date(2026, 9, 1))
    action(case, date(2026, 10, 5), "warning", "warning", pat)  # a warning, as the rules gave
    action(case, date(2026, 10, 6), "breach", "breach", pat)  # breach action, as the rules gave
    action(case, date(2026, 10, 7), "none", "warning", pat)  # a departure: no warning where one was due
    action(case, date(2026, 10, 8), "warning", "breach", pat)  # a warning, and a departure from breach
    action(case, date(2026, 10, 9), "breach", "warning", pat, withdrawn=True)  # withdrawn: counts for nothing
    action(case, date(2026, 11, 2), "warning", "warning", pat)  # November


def test_warnings_and_departures_by_the_day_taken(actions: None) -> None:
    expect(flows(OCT_1, OCT_31), warnings=2, departures=2)


def test_breach_actions_by_the_day_taken(actions: None) -> None:
    expect(flows(OCT_1, OCT_31), breaches=1)


# ---------------------------------------------------------------------------------------------
# Stocks on 18 November 2026 (a 12-month window in force: completion date = sentence + 12 months)


def test_live_cases_outstanding_hours_and_the_backlog_bands_at_their_edges(pat: User) -> None:
    # Each of 40 hours (2400 minutes), none worked but the first; completion date 12 months on.
    first = new_case(pat, sentence_date=date(2025, 8, 18), hours=40)  # 3 months past today exactly: 0-3
    work(first, 600, date(2026, 8, 1))
    for sentenced in (
        date(2025, 8, 17),  # 3 months and a day past: 3-6
        date(2025, 5, 18),  # 6 months past exactly: 3-6
        date(2025, 5, 17),  # 6-12
        date(2024, 11, 18),  # 12 months past exactly: 6-12
        date(2024, 11, 17),  # over 12
        date(2025, 11, 18),  # due today: not yet in backlog (past its 9-month review, not working: at risk)
    ):
        new_case(pat, sentence_date=sentenced, hours=40)
    revoked = new_case(pat, sentence_date=date(2025, 1, 6), hours=40)
    requirement_change_status(actor=pat, requirement=revoked, to_status="revoked", reason="Court revoked")

    # Live: 7 (not the revoked). Outstanding: 7 x 2400 - 600. Backlog: the first 6, 2400 each less 600.
    assert totals(stocks(TODAY, policy_book())) == {
        "live_cases": 7,
        "outstanding_minutes": 16200,
        "backlog_cases": 6,
        "backlog_minutes": 13800,
        "backlog_0_3": 1,
        "backlog_3_6": 2,
        "backlog_6_12": 2,
        "backlog_12_plus": 1,
        "review9_at_risk": 1,
    }


def test_the_cases_behind_a_stock_are_those_it_counts(pat: User, pdu_a: Pdu, pdu_b: Pdu) -> None:
    for sentenced in (date(2025, 8, 18), date(2025, 8, 17), date(2025, 5, 18), date(2025, 5, 17)):
        new_case(pat, sentence_date=sentenced, hours=40)
    new_case(make_staff("lou", pdu=pdu_b), sentence_date=date(2025, 8, 17), hours=40)  # another PDU's

    # 3 to 6 months past their completion date in pat's PDU: those due 17 August and 18 May 2026.
    behind = cases_behind("backlog_3_6", TODAY, policy_book(), Where(pdu=pdu_a.pk))
    assert sorted(r.order.sentence_date for r in behind) == [date(2025, 5, 18), date(2025, 8, 17)]


def test_progress_at_the_review_points_projects_the_recent_rate(pat: User) -> None:
    # 100 hours (6000 minutes) each; the rate is the work of the last 8 weeks (after 23 September).
    steady = new_case(pat, sentence_date=date(2026, 4, 1))  # review at 6 months, due 1 April 2027
    work(steady, 2880, date(2026, 11, 11))  # 360 a week: 3120 left takes 61 days, to 18 January: on track
    new_case(pat, sentence_date=date(2026, 4, 1))  # not working: at risk
    stopped = new_case(pat, sentence_date=date(2026, 4, 1))
    work(stopped, 2880, date(2026, 9, 1))  # nothing in the last 8 weeks: at risk
    new_case(pat, sentence_date=date(2026, 5, 18))  # the 6-month point is today: at risk
    new_case(pat, sentence_date=date(2026, 5, 19))  # not yet at 6 months: no review figure
    slow = new_case(pat, sentence_date=date(2026, 1, 5))  # review at 9 months, due 5 January 2027
    work(slow, 2880, date(2026, 11, 11))  # 360 a week, 3120 left: 18 January, too late: at risk
    fast = new_case(pat, sentence_date=date(2026, 1, 5))
    work(fast, 4800, date(2026, 11, 11))  # 600 a week, 1200 left: 14 days, 2 December: on track

    today = stocks(TODAY, policy_book())
    expect(today, review6_on_track=1, review6_at_risk=3, review9_on_track=1, review9_at_risk=1)


def test_decisions_overdue_are_failures_undecided_after_the_evidence_day(pat: User, pdu_a: Pdu) -> None:
    towpath = project(pdu_a)
    cases = [new_case(pat, sentence_date=date(2026, 9, 1)) for _ in range(5)]
    day = session(towpath, date(2026, 11, 9))
    booking(day, cases[0], "unacceptable_absence", evidence_due=date(2026, 11, 17))  # overdue since yesterday
    booking(day, cases[1], "sent_home_behaviour", evidence_due=TODAY)  # due today: not yet overdue
    booking(day, cases[2], "acceptable_absence")  # not a failure
    decided = booking(day, cases[3], "late_sent_away", evidence_due=date(2026, 11, 10))  # decided: not overdue
    failure = Failure.objects.create(
        requirement=cases[3],
        person=cases[3].person,
        appointment=decided,
        occurred_on=decided.date,
        outcome=decided.outcome,
        outcome_label="Late",
        evidence_due=date(2026, 11, 10),
    )
    Decision.objects.create(failure=failure, verdict="acceptable", reason="Bus", decided_on=TODAY, decided_by=pat)
    booking(day, cases[4], "unacceptable_absence", evidence_due=date(2026, 11, 1), cancelled_at=timezone.now())

    expect(stocks(TODAY, policy_book()), decisions_overdue=1)


# ---------------------------------------------------------------------------------------------
# Whose figures


def test_a_pdu_or_a_caseload_keeps_everyone_else_out(pat: User, pdu_a: Pdu, pdu_b: Pdu) -> None:
    pip, lou = make_staff("pip", pdu=pdu_a), make_staff("lou", pdu=pdu_b)
    for practitioner, pdu, minutes in ((pat, pdu_a, 60), (pip, pdu_a, 120), (lou, pdu_b, 240)):
        case = new_case(practitioner, sentence_date=date(2026, 10, 1), hours=50)
        work(case, minutes, date(2026, 10, 12))
        booking(session(project(pdu), date(2026, 10, 13)), case, "attended_complied")
        incident(project(pdu), datetime(2026, 10, 14, 12, tzinfo=LONDON))

    def whose(where: Where, **expected: int) -> None:
        expect(flows(OCT_1, OCT_31, where) + stocks(TODAY, policy_book(), where), **expected)

    whose(Where(), worked_minutes=420, appointments_due=3, sessions_planned=3, incidents=3, live_cases=3)
    whose(Where(pdu=pdu_a.pk), worked_minutes=180, appointments_due=2, sessions_planned=2, incidents=2, live_cases=2)
    # A caseload: pat's own; sessions and incidents are not casework.
    whose(Where(practitioner=pat.pk), worked_minutes=60, appointments_due=1, sessions_planned=0, incidents=0)
    assert {(pdu, who) for _, pdu, who, _ in flows(OCT_1, OCT_31, Where(practitioner=pat.pk))} == {(pdu_a.pk, pat.pk)}
    assert {pdu for _, pdu, _, _ in flows(OCT_1, OCT_31, Where(pdu=pdu_b.pk))} == {pdu_b.pk}


COUNTED_ABOVE = """
    ordered_minutes offered_minutes worked_minutes outstanding_minutes ete_minutes requirements_made
    requirements_started completed completed_in_time live_cases review6_on_track review6_at_risk review9_on_track
    review9_at_risk backlog_cases backlog_minutes backlog_0_3 backlog_3_6 backlog_6_12 backlog_12_plus
    sessions_planned sessions_run sessions_stood_down stood_down_weather stood_down_no_supervisor
    stood_down_no_vehicle stood_down_site_unavailable stood_down_other appointments_due attended complied sent_home
    individual_minutes inductions_due inductions_on_time assessments_due assessments_on_time warnings breaches
    departures decisions_overdue incidents near_misses surveys_answered surveys_satisfied
"""


def test_every_figure_is_counted_by_a_test_here() -> None:
    assert set(COUNTED_ABOVE.split()) == {m.code for m in measures.MEASURES}
