"""The adapter between the database and the engine, and the services around a run: a small PDU
built through the real services is read into an instance, planned in the background task,
changed by hand (a change that breaks a rule is refused, naming it), published through the
booking service (all or nothing) and re-planned after a supervisor is lost."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from payback.allocation import adapter, services, tasks
from payback.allocation.engine.edits import apply_edit
from payback.allocation.engine.model import Instance, Person, Plan, Session, distance_km
from payback.allocation.models import AllocationRun, RunKind, RunStatus
from payback.cases.models import NonAssociation
from payback.cases.services import requirement_change_status
from payback.delivery import services as delivery_services
from payback.delivery.models import Appointment, SessionStatus
from payback.staff.models import Pdu
from payback.testing.builders import authorise_driver, book, plan_session, vehicle

from .test_pages import client_for
from .weeks import SmallWeek, small_week

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(pdu_a: Pdu) -> SmallWeek:
    return small_week(pdu_a)


def start(week: SmallWeek) -> AllocationRun:
    return services.allocation_run_start(actor=week.coordinator, pdu=week.pdu, week_start=week.monday, time_limit=5)


# ---------------------------------------------------------------------------------------------
# Reading the week


def test_the_week_is_read_from_the_database(week: SmallWeek) -> None:
    read = adapter.read_week(week.pdu, week.monday)
    people = {p.id: p for p in read.instance.people}
    assert len(people) == 4
    man = people[week.men[0].person_id]
    assert not man.female and man.assessed and not man.backlog
    assert man.availability == {
        0: frozenset({"morning", "afternoon"}),
        2: frozenset({"morning", "afternoon"}),
        5: frozenset({"morning"}),
    }
    assert man.max_travel_minutes == 45
    # Owes the ordered 100 hours less the hour of induction.
    assert man.remaining_minutes == 99 * 60
    assert 0.5 <= man.urgency <= 5
    woman = people[week.woman.person_id]  # type: ignore[union-attr]
    assert woman.female and woman.preference == "women_only"
    sessions = {s.id: s for s in read.instance.sessions}
    monday = sessions[week.monday_session.pk]
    assert (monday.start, monday.end, monday.capacity, monday.weekday) == (9 * 60, 16 * 60, 6, 0)
    assert monday.supervisor_available and monday.vehicle_available and not monday.supervisor_female
    assert read.instance.weights.weekly_minimum_minutes == 360
    assert read.instance.weights.change_published == 5000
    assert read.people[man.id]["crn"] == week.men[0].person.crn
    assert read.sessions[week.monday_session.pk]["supervisor"] == str(week.supervisor)


def test_homes_and_sites_are_placed_from_the_postcode_directory(week: SmallWeek) -> None:
    read = adapter.read_week(week.pdu, week.monday)
    homes = {p.id: p.home for p in read.instance.people}
    assert homes[week.men[0].person_id] == homes[week.men[1].person_id] == (54.968241, -1.582636)  # NE6 1BU
    sites = {s.id: s.location for s in read.instance.sessions}
    assert sites[week.monday_session.pk] == (54.974706, -1.619188)  # NE1 4BX
    assert distance_km((54.968241, -1.582636), (54.974706, -1.619188)) == pytest.approx(2.45, abs=0.01)
    assert read.people[week.men[0].person_id]["home_known"]


def test_an_unknown_home_is_not_made_up_and_the_plan_says_travel_was_not_checked(week: SmallWeek) -> None:
    man = week.men[0].person
    man.postcode = "NE1 9ZZ"
    man.save(update_fields=["postcode"])
    read = adapter.read_week(week.pdu, week.monday)
    people = {p.id: p for p in read.instance.people}
    assert people[man.pk].home is None
    assert people[week.woman.person_id].home is None  # type: ignore[union-attr]
    assert not read.people[man.pk]["home_known"]
    assert (
        "Alex Adams's home postcode NE1 9ZZ is not in the postcode directory: travel to work is not checked for them"
        in read.notes
    )
    assert "Grace Hill has no home postcode recorded: travel to work is not checked for them" in read.notes
    run = start(week)
    assert run.status == RunStatus.DONE, run.message
    assert (man.pk, week.monday_session.pk) in set(run.assignments)  # still placed in their own PDU
    assert run.plan["reasons"][str(week.woman.person_id)].endswith("(home postcode unknown: travel not checked)")  # type: ignore[union-attr]
    assert any("NE1 9ZZ" in note for note in run.plan["notes"])
    # the plan's page tags them, and their page in the plan says travel was not checked
    page = client_for(week.coordinator).get(reverse("allocation:run", args=[run.pk])).content.decode()
    assert page.count('data-testid="home-unknown"') == 2  # the man and the woman, no one else
    theirs = client_for(week.coordinator).get(reverse("allocation:person", args=[run.pk, man.pk])).content.decode()
    assert "Not checked: their home postcode is not in the postcode directory" in theirs
    known = week.men[1].person_id
    other = client_for(week.coordinator).get(reverse("allocation:person", args=[run.pk, known])).content.decode()
    assert "Travel to work" not in other


def test_a_site_is_its_own_coordinates_or_its_postcode_or_unknown(week: SmallWeek) -> None:
    project = week.project
    project.latitude, project.longitude = Decimal("54.97000"), Decimal("-1.60000")
    project.save(update_fields=["latitude", "longitude"])
    read = adapter.read_week(week.pdu, week.monday)
    assert {s.location for s in read.instance.sessions} == {(54.97, -1.6)}
    project.latitude = project.longitude = None
    project.postcode = "NE1 9ZZ"
    project.save(update_fields=["latitude", "longitude", "postcode"])
    read = adapter.read_week(week.pdu, week.monday)
    assert {s.location for s in read.instance.sessions} == {None}
    assert (
        "Towpath clearance's site postcode NE1 9ZZ is not in the postcode directory: travel to it is not checked"
        in read.notes
    )


def test_restrictions_supervisors_vehicles_bookings_and_non_associations(week: SmallWeek) -> None:
    first, second, third = week.men
    NonAssociation.objects.create(
        person_id=min(first.person_id, second.person_id),
        other_id=max(first.person_id, second.person_id),
        reason="Co-defendants",
        recorded_by=week.practitioner,
    )
    book(week.coordinator, week.monday_session, first)
    van = vehicle(week.pdu)
    authorise_driver(week.manager, week.female_supervisor, today=week.monday - timedelta(days=7))
    saturday = plan_session(
        week.coordinator,
        week.project,
        week.monday + timedelta(days=5),
        supervisor=week.female_supervisor,
        van=van,
    )
    van.off_road = True
    van.save()
    read = adapter.read_week(week.pdu, week.monday)
    sessions = {s.id: s for s in read.instance.sessions}
    assert sessions[week.monday_session.pk].capacity == 5  # one place already booked
    assert not sessions[saturday.pk].vehicle_available and sessions[saturday.pk].supervisor_female
    assert "off the road" in read.sessions[saturday.pk]["closed"]
    people = {p.id: p for p in read.instance.people}
    assert people[first.person_id].non_associations == {second.person_id}
    # Already booked on Monday: Monday is no longer free, and the hours booked are not offered again.
    assert 0 not in people[first.person_id].availability
    assert people[first.person_id].remaining_minutes == 99 * 60 - 7 * 60
    # Nobody joins a session where someone they must not meet is already booked.
    assert (second.person_id, week.monday_session.pk) in read.instance.forbidden
    assert (third.person_id, week.monday_session.pk) not in read.instance.forbidden
    # A woman is not added to a group already all male.
    assert (week.woman.person_id, week.monday_session.pk) in read.instance.forbidden  # type: ignore[union-attr]


def test_people_who_cannot_be_placed_are_read_with_the_reason(week: SmallWeek) -> None:
    requirement_change_status(
        actor=week.practitioner, requirement=week.men[2], to_status="backlog", reason="Window passed"
    )
    read = adapter.read_week(week.pdu, week.monday)
    person = {p.id: p for p in read.instance.people}[week.men[2].person_id]
    assert person.backlog
    assert "backlog" in read.not_placeable[person.id].lower()


def test_a_week_without_sessions_is_a_clear_refusal(week: SmallWeek) -> None:
    with pytest.raises(adapter.NoSessions, match=r"no planned sessions .* plan sessions for the week first"):
        adapter.read_week(week.pdu, week.monday + timedelta(weeks=2))


def test_urgency_grows_with_hours_per_week_left_and_risk() -> None:
    start_ = date(2026, 11, 30)
    calm = adapter.urgency_of(
        remaining=600, completion=start_ + timedelta(weeks=50), week_start=start_, weekly_minimum=360, at_risk=False
    )
    pressed = adapter.urgency_of(
        remaining=6000, completion=start_ + timedelta(weeks=10), week_start=start_, weekly_minimum=360, at_risk=False
    )
    at_risk = adapter.urgency_of(
        remaining=6000, completion=start_ + timedelta(weeks=10), week_start=start_, weekly_minimum=360, at_risk=True
    )
    assert 0.5 <= calm < pressed < at_risk <= 5


# ---------------------------------------------------------------------------------------------
# The run, in the background task


def test_a_run_plans_the_week_and_explains_who_was_left_out(week: SmallWeek) -> None:
    run = start(week)
    assert run.status == RunStatus.DONE, run.message
    assert run.progress == 100
    pairs = set(run.assignments)
    for man in week.men:
        assert (man.person_id, week.monday_session.pk) in pairs
        assert (man.person_id, week.wednesday_session.pk) in pairs
    assert not any(p == week.woman.person_id for p, _ in pairs)  # type: ignore[union-attr]
    reason = run.plan["reasons"][str(week.woman.person_id)]  # type: ignore[union-attr]
    assert "women-only" in reason.lower()
    assert run.score is not None and run.bound is not None and run.score <= run.bound + 1e-6
    assert run.instance["sessions"] and run.plan["people"][str(week.men[0].person_id)]["name"] == "Alex Adams"


def test_a_week_with_no_sessions_fails_with_a_clear_message(week: SmallWeek) -> None:
    run = services.allocation_run_start(
        actor=week.coordinator, pdu=week.pdu, week_start=week.monday + timedelta(weeks=2), time_limit=5
    )
    assert run.status == RunStatus.FAILED
    assert "There are no planned sessions for" in run.message
    assert "plan sessions for the week first" in run.message


def test_a_run_is_refused_for_a_past_week_or_one_being_made(week: SmallWeek) -> None:
    with pytest.raises(ValidationError, match="a past week cannot be planned"):
        services.allocation_run_start(actor=week.coordinator, pdu=week.pdu, week_start=week.monday - timedelta(weeks=2))
    AllocationRun.objects.create(pdu=week.pdu, week_start=week.monday, created_by=week.coordinator)
    with pytest.raises(ValidationError, match="being made now"):
        start(week)


# ---------------------------------------------------------------------------------------------
# Hand edits


def test_a_hand_edit_is_checked_against_the_rules_and_named(week: SmallWeek) -> None:
    run = start(week)
    man = week.men[0].person_id
    # Tuesday: he is not available.
    with pytest.raises(ValidationError, match="Refused: Availability: Alex Adams is not free on Tuesdays"):
        services.allocation_hand_edit(
            actor=week.coordinator,
            run=run,
            action="move",
            person_id=man,
            session_id=week.monday_session.pk,
            to_session_id=week.tuesday_session.pk,
        )
    # Grace asked for women-only work.
    with pytest.raises(ValidationError, match="Refused: Placement preference"):
        services.allocation_hand_edit(
            actor=week.coordinator,
            run=run,
            action="add",
            person_id=week.woman.person_id,  # type: ignore[union-attr]
            session_id=week.monday_session.pk,
        )
    run.refresh_from_db()
    assert run.edits == []
    # A removal is allowed, logged, and kept out of a re-run.
    run = services.allocation_hand_edit(
        actor=week.coordinator, run=run, action="remove", person_id=man, session_id=week.monday_session.pk
    )
    assert (man, week.monday_session.pk) not in run.assignments
    assert [man, week.monday_session.pk] in run.removals
    assert run.edits[0]["summary"].startswith("Removed Alex Adams from Towpath clearance")
    assert str(man) not in run.plan["reasons"]  # Wednesday still gives him 7 hours, over the minimum
    # Putting him back by hand is allowed, and pins him there.
    run = services.allocation_hand_edit(
        actor=week.coordinator, run=run, action="add", person_id=man, session_id=week.monday_session.pk
    )
    assert [man, week.monday_session.pk] in run.pins and [man, week.monday_session.pk] not in run.removals
    assert len(run.edits) == 2


def _person(pid: int, *, female: bool = False, enemies: frozenset[int] = frozenset()) -> Person:
    return Person(
        id=pid,
        name=f"P{pid}",
        female=female,
        remaining_minutes=6000,
        availability={0: frozenset({"morning", "afternoon"}), 1: frozenset({"morning", "afternoon"})},
        home=(54.97, -1.6),
        max_travel_minutes=90,
        non_associations=enemies,
    )


def _session(sid: int, weekday: int = 0, capacity: int = 4) -> Session:
    return Session(
        id=sid,
        project_id=sid,
        project_name=f"Project {sid}",
        day=(date(2026, 11, 30) + timedelta(days=weekday)).isoformat(),
        weekday=weekday,
        start=540,
        end=960,
        capacity=capacity,
        location=(54.97, -1.6),
    )


def test_edits_name_capacity_non_association_and_a_woman_left_alone() -> None:
    people = [
        _person(1),
        _person(2, enemies=frozenset({3})),
        _person(3, enemies=frozenset({2})),
        _person(4, female=True),
    ]
    people += [_person(5, female=True)]
    instance = Instance(
        people=people, sessions=[_session(10, capacity=1), _session(11, capacity=4), _session(12, weekday=1)]
    )
    plan = [(1, 10), (4, 11), (5, 11), (3, 11)]
    _, broken = apply_edit(instance, plan, action="add", person_id=2, session_id=10)
    assert broken is not None and broken.rule == "Session capacity"
    _, broken = apply_edit(instance, plan, action="add", person_id=2, session_id=11)
    assert broken is not None and (broken.rule, broken.detail) == ("Non-association", "P2 must not be placed with P3")
    _, broken = apply_edit(instance, plan, action="remove", person_id=5, session_id=11)
    assert broken is not None and broken.rule == "No woman alone in a group of men"
    _, broken = apply_edit(instance, plan, action="move", person_id=4, session_id=11, to_session_id=12)
    assert broken is not None and broken.rule == "No woman alone in a group of men"
    assert broken.detail.startswith("P5 would be the only woman on Project 11 on Monday 30 November")
    after, broken = apply_edit(instance, plan, action="move", person_id=3, session_id=11, to_session_id=12)
    assert broken is None and (3, 12) in after and (3, 11) not in after


# ---------------------------------------------------------------------------------------------
# Publishing


def test_publish_books_every_placement_and_tells_the_supervisor(week: SmallWeek) -> None:
    run = start(week)
    run = services.allocation_publish(actor=week.coordinator, run=run)
    assert run.status == RunStatus.PUBLISHED and run.published_by == week.coordinator
    appointments = Appointment.objects.filter(cancelled_at__isnull=True)
    assert {(a.person_id, a.session_id) for a in appointments} == set(run.assignments)
    assert len(run.appointments) == len(run.assignments) == 6
    assert [m.to for m in mail.outbox] == [["sam@probation.example.gov.uk"]]
    assert "Alex Adams" in mail.outbox[0].body and "Towpath clearance" in mail.outbox[0].body
    with pytest.raises(ValidationError, match="Only a plan ready to review can be published"):
        services.allocation_publish(actor=week.coordinator, run=run)


def test_a_stale_plan_is_refused_whole_with_every_conflict_named(week: SmallWeek) -> None:
    run = start(week)
    requirement_change_status(
        actor=week.practitioner, requirement=week.men[1], to_status="backlog", reason="Window passed"
    )
    delivery_services.session_stand_down(actor=week.manager, session=week.wednesday_session, reason="weather")
    with pytest.raises(ValidationError) as refused:
        services.allocation_publish(actor=week.coordinator, run=run)
    messages = refused.value.messages
    assert messages[0].startswith("Not published: the data has changed since the plan was made")
    assert any("Alex Brown (Towpath clearance on Mon" in m and "backlog" in m for m in messages)
    assert any("Alex Adams (Towpath clearance on Wed" in m and "stood down" in m for m in messages)
    assert Appointment.objects.count() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.conflicts == messages[1:]


def test_a_replan_after_losing_a_supervisor_moves_only_those_affected(week: SmallWeek) -> None:
    thursday = plan_session(
        week.coordinator, week.project, week.monday + timedelta(days=3), supervisor=week.female_supervisor
    )
    del thursday
    run = services.allocation_publish(actor=week.coordinator, run=start(week))
    before = set(run.assignments)
    delivery_services.supervisor_absence_record(
        actor=week.manager,
        supervisor=week.supervisor,
        starts_on=week.monday + timedelta(days=2),
        ends_on=week.monday + timedelta(days=2),
        reason="Training",
    )
    replan = services.allocation_replan(actor=week.coordinator, run=run)
    assert replan.kind == RunKind.REPLAN and replan.status == RunStatus.DONE, replan.message
    after = set(replan.assignments)
    # Monday stays as published; nobody can stay on Wednesday, which has lost its supervisor.
    assert {pair for pair in before if pair[1] == week.monday_session.pk} <= after
    assert not any(s == week.wednesday_session.pk for _, s in after)
    published = services.allocation_publish(actor=week.coordinator, run=replan)
    assert published.status == RunStatus.PUBLISHED
    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED
    live = {(a.person_id, a.session_id) for a in Appointment.objects.filter(cancelled_at__isnull=True)}
    assert live == after
    assert Appointment.objects.filter(session=week.wednesday_session, cancelled_at__isnull=False).count() == 3
    assert week.wednesday_session.status == SessionStatus.PLANNED


def test_someone_booked_by_hand_before_the_run_is_respected_by_hand_edits(week: SmallWeek) -> None:
    first, second, _ = week.men
    NonAssociation.objects.create(
        person_id=min(first.person_id, second.person_id),
        other_id=max(first.person_id, second.person_id),
        reason="Co-defendants",
        recorded_by=week.practitioner,
    )
    book(week.coordinator, week.monday_session, first)
    run = start(week)
    assert (second.person_id, week.monday_session.pk) not in run.assignments
    with pytest.raises(ValidationError, match="Refused: Non-association: Alex Brown must not be placed with someone"):
        services.allocation_hand_edit(
            actor=week.coordinator, run=run, action="add", person_id=second.person_id, session_id=week.monday_session.pk
        )
    with pytest.raises(ValidationError, match="Refused: No woman alone in a group of men: Grace Hill would join"):
        services.allocation_hand_edit(
            actor=week.coordinator,
            run=run,
            action="add",
            person_id=week.woman.person_id,  # type: ignore[union-attr]
            session_id=week.monday_session.pk,
        )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("UNKNOWN", "No plan was found within the time limit of 5 seconds: run it again with a longer time limit"),
        ("INFEASIBLE", "No plan keeps every pinned choice within the rules: unpin some choices"),
    ],
)
def test_a_week_the_solver_cannot_plan_fails_with_a_clear_message(
    week: SmallWeek, monkeypatch: pytest.MonkeyPatch, status: str, message: str
) -> None:
    def unsolved(instance: Instance, **kwargs: object) -> Plan:
        return Plan(assignments=[], reasons={}, objective=0.0, bound=0.0, status=status, seconds=5.0)

    monkeypatch.setattr(tasks, "solve", unsolved)
    run = start(week)
    assert run.status == RunStatus.FAILED
    assert run.message.startswith(message)
    assert Appointment.objects.count() == 0


def test_a_greedy_plan_kept_when_the_solver_found_none_says_so_on_the_run(
    week: SmallWeek, monkeypatch: pytest.MonkeyPatch
) -> None:
    from payback.allocation.engine.greedy import greedy

    note = "The solver found no plan within the time limit of 5 seconds (UNKNOWN): this is the greedy baseline's plan"

    def greedy_only(instance: Instance, **kwargs: object) -> Plan:
        plan = greedy(instance)
        plan.status, plan.solver_status, plan.note = "GREEDY", "UNKNOWN", note
        return plan

    monkeypatch.setattr(tasks, "solve", greedy_only)
    run = start(week)
    assert run.status == RunStatus.DONE, run.message
    assert run.solver_status == "GREEDY"
    assert run.assignments
    assert note in run.plan["notes"]
