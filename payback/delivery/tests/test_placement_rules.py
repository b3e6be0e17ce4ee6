"""The placement rules on PostgreSQL: booking by hand refuses every hard rule between a person and
a session (the same rules the allocation engine places by), and a booking already made is
checked again when the facts change, listed for the coordinator and the practitioner with the
rule named, and cannot be worked until it is moved or cancelled.

Today is Monday 16 November 2026; the sessions run on Wednesday 18 November, a day the people
here are free (the test assessments give Monday and Wednesday, morning and afternoon)."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from payback.cases.assessment import services as assessment_services
from payback.cases.models import Requirement, RiskFlag
from payback.delivery import services
from payback.delivery.conflicts import bookings_recheck, bookings_to_fix
from payback.delivery.models import Appointment, Session
from payback.projects import services as project_services
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.staff.roles import PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import (
    SOUND_PROJECT,
    active_project,
    book,
    induct,
    line,
    new_case,
    plan_session,
    version_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-16")]

TODAY = date(2026, 11, 16)
WEDNESDAY = date(2026, 11, 18)
THURSDAY = date(2026, 11, 19)
MakeUser = Callable[..., User]


@pytest.fixture
def project(coordinator: User, manager: User, pdu_a: Pdu) -> Project:
    return active_project(coordinator, manager, pdu_a, name="Primary school garden")


@pytest.fixture
def session(coordinator: User, project: Project, supervisor: User) -> Session:
    return plan_session(coordinator, project, WEDNESDAY, supervisor=supervisor)


def reassess(practitioner: User, requirement: Requirement, *, flags: list[str] | None = None, **values: Any) -> None:
    """A new version of the person's assessment, carrying over the last one's answers."""
    draft = assessment_services.assessment_start(actor=practitioner, person=requirement.person)
    assessment_services.assessment_update(
        actor=practitioner,
        assessment=draft,
        values=values,
        risk_flags=None if flags is None else list(RiskFlag.objects.filter(code__in=flags)),
    )
    assessment_services.assessment_submit(actor=practitioner, assessment=draft)


FIRST = {
    "availability": {"mon": ["morning", "afternoon"], "wed": ["morning", "afternoon"]},
    "transport": "public_transport",
    "max_travel_minutes": 45,
    "suitable_placement_types": ["group", "individual"],
    "rosh_level": "low",
    "risk_assessed_on": date(2026, 3, 2),
}


def someone(practitioner: User, *, sex: str = "male", flags: tuple[str, ...] = (), **values: Any) -> Requirement:
    """Inducted and assessed: placeable. A woman's preference is a mixed group unless given."""
    requirement = new_case(practitioner, sex=sex)
    induct(practitioner, requirement)
    answers = {**FIRST, **values}
    if sex == "female":
        answers.setdefault("placement_preference", "mixed")
    reassess(practitioner, requirement, flags=list(flags), **answers)
    requirement.refresh_from_db()
    return requirement


def refusal(coordinator: User, session: Session, requirement: Requirement) -> str:
    with pytest.raises(ValidationError) as caught:
        services.appointment_book(actor=coordinator, session=session, requirement=requirement)
    assert not Appointment.objects.filter(session=session, person=requirement.person).exists()
    return " ".join(caught.value.message_dict["requirement"])


# ---------------------------------------------------------------------------------------------
# Booking by hand


def test_availability(coordinator: User, project: Project, supervisor: User, practitioner: User) -> None:
    thursday = plan_session(coordinator, project, THURSDAY, supervisor=supervisor)
    assert "Availability" in refusal(coordinator, thursday, someone(practitioner))


def test_availability_by_part_of_day(coordinator: User, session: Session, practitioner: User) -> None:
    mornings = someone(practitioner, availability={"wed": ["morning"]})
    assert "Availability" in refusal(coordinator, session, mornings)


def test_risk_flag_excluded_by_the_project(
    coordinator: User, manager: User, pdu_a: Pdu, supervisor: User, practitioner: User
) -> None:
    school = active_project(coordinator, manager, pdu_a, name="School fence", excluded_flags=["not-near-children"])
    at_school = plan_session(coordinator, school, WEDNESDAY, supervisor=supervisor)
    assert "Risk flags" in refusal(coordinator, at_school, someone(practitioner, flags=("not-near-children",)))


def test_women_only_session_takes_no_men(
    coordinator: User, manager: User, pdu_a: Pdu, supervisor: User, practitioner: User
) -> None:
    women = active_project(coordinator, manager, pdu_a, name="Women's garden", women_only=True)
    women_session = plan_session(coordinator, women, WEDNESDAY, supervisor=supervisor)
    assert "Women-only session" in refusal(coordinator, women_session, someone(practitioner))


def test_her_preference_for_women_only_work(coordinator: User, session: Session, practitioner: User) -> None:
    her = someone(practitioner, sex="female", placement_preference="women_only")
    assert "Placement preference" in refusal(coordinator, session, her)


@pytest.mark.parametrize(
    "values",
    [
        {"sex": "female", "placement_preference": "individual"},
        {"group_work_unsuitable": True, "group_work_unsuitable_reason": "Cannot manage in a group"},
    ],
    ids=["she-prefers", "unsuitable"],
)
def test_individual_placement_only(
    coordinator: User, session: Session, practitioner: User, values: dict[str, Any]
) -> None:
    assert "Individual placement" in refusal(coordinator, session, someone(practitioner, **values))


def test_not_with_women_and_a_woman_supervises(
    coordinator: User, project: Project, make_user: MakeUser, pdu_a: Pdu, practitioner: User
) -> None:
    supervised_by_her = plan_session(
        coordinator, project, WEDNESDAY, supervisor=make_user("sue", role=SUPERVISOR, pdu=pdu_a, gender="female")
    )
    assert "Not with women" in refusal(coordinator, supervised_by_her, someone(practitioner, flags=("not-with-women",)))


def test_capacity(coordinator: User, project: Project, supervisor: User, practitioner: User) -> None:
    small = plan_session(coordinator, project, WEDNESDAY, supervisor=supervisor, capacity=1)
    book(coordinator, small, someone(practitioner))
    assert "full" in refusal(coordinator, small, someone(practitioner))


def test_non_association(coordinator: User, session: Session, practitioner: User) -> None:
    first, second = someone(practitioner), someone(practitioner)
    assessment_services.non_association_add(
        actor=practitioner, person=first.person, other=second.person, reason="Co-defendants"
    )
    book(coordinator, session, first)
    assert "Non-association" in refusal(coordinator, session, second)


def test_someone_flagged_not_with_women_joins_a_group_with_women(
    coordinator: User, session: Session, practitioner: User
) -> None:
    book(coordinator, session, someone(practitioner, sex="female"), someone(practitioner, sex="female"))
    assert "Not with women" in refusal(coordinator, session, someone(practitioner, flags=("not-with-women",)))


def test_a_woman_joins_a_group_with_someone_flagged_not_with_women(
    coordinator: User, session: Session, practitioner: User
) -> None:
    book(coordinator, session, someone(practitioner), someone(practitioner, flags=("not-with-women",)))
    assert "Not with women" in refusal(coordinator, session, someone(practitioner, sex="female"))


def test_a_woman_is_never_the_only_woman_in_a_group_of_men(
    coordinator: User, session: Session, practitioner: User
) -> None:
    book(coordinator, session, someone(practitioner), someone(practitioner))
    assert "No woman alone in a group of men" in refusal(coordinator, session, someone(practitioner, sex="female"))


def test_a_man_does_not_join_a_woman_on_her_own(coordinator: User, session: Session, practitioner: User) -> None:
    book(coordinator, session, someone(practitioner, sex="female"))
    assert "No woman alone in a group of men" in refusal(coordinator, session, someone(practitioner))


def test_a_booking_that_breaks_no_rule_is_made(coordinator: User, session: Session, practitioner: User) -> None:
    women = [someone(practitioner, sex="female"), someone(practitioner, sex="female")]
    made = book(coordinator, session, *women, someone(practitioner))
    assert len(made) == 3
    assert all(a.conflict == "" for a in Appointment.objects.filter(session=session))


# ---------------------------------------------------------------------------------------------
# When the facts change


def conflicts_of(session: Session) -> dict[int, str]:
    return dict(
        Appointment.objects.filter(session=session, cancelled_at__isnull=True).values_list("person_id", "conflict")
    )


def assert_listed_and_unworkable(
    appointment: Appointment, rule: str, *, coordinator: User, practitioner: User, supervisor: User
) -> None:
    """Listed for the coordinator and the person's practitioner with the rule named, shown on the
    coordinator's page, and refused on the register."""
    appointment.refresh_from_db()
    assert rule in appointment.conflict
    for user in (coordinator, practitioner):
        assert list(bookings_to_fix(user, today=TODAY)) == [appointment]
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("delivery:bookings-to-fix"))
    assert rule in page.content.decode()
    session = appointment.session
    on_the_day = datetime(2026, 11, 18, 10, 30, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(on_the_day), pytest.raises(ValidationError) as caught:
        services.register_submit(
            actor=supervisor,
            session=session,
            lines=[line(appointment, "attended_complied")],
            expected_version=version_of(session),
            idempotency_key=f"work-{appointment.pk}",
        )
    assert "cannot be worked" in " ".join(caught.value.messages)


def test_a_new_risk_flag_on_someone_booked_at_a_school(
    coordinator: User,
    manager: User,
    pdu_a: Pdu,
    supervisor: User,
    practitioner: User,
) -> None:
    school = active_project(coordinator, manager, pdu_a, name="Primary school", excluded_flags=["not-near-children"])
    at_school = plan_session(coordinator, school, WEDNESDAY, supervisor=supervisor)
    person = someone(practitioner)
    [appointment] = book(coordinator, at_school, person)

    reassess(practitioner, person, flags=["not-near-children"])

    assert_listed_and_unworkable(
        appointment, "Risk flags", coordinator=coordinator, practitioner=practitioner, supervisor=supervisor
    )


def test_a_new_assessment_version_with_other_days(
    coordinator: User, session: Session, supervisor: User, practitioner: User
) -> None:
    person = someone(practitioner)
    [appointment] = book(coordinator, session, person)
    reassess(practitioner, person, availability={"mon": ["morning", "afternoon"]})
    assert_listed_and_unworkable(
        appointment, "Availability", coordinator=coordinator, practitioner=practitioner, supervisor=supervisor
    )


def test_a_non_association_recorded_after_both_were_booked(
    coordinator: User, session: Session, supervisor: User, practitioner: User
) -> None:
    first, second = someone(practitioner), someone(practitioner)
    a, b = book(coordinator, session, first, second)
    assessment_services.non_association_add(actor=practitioner, person=first.person, other=second.person, reason="Feud")
    for appointment in (a, b):
        appointment.refresh_from_db()
        assert "Non-association" in appointment.conflict
    assert set(bookings_to_fix(coordinator, today=TODAY)) == {a, b}


def test_a_project_restriction_added_after_booking(
    coordinator: User, manager: User, project: Project, session: Session, supervisor: User, practitioner: User
) -> None:
    person = someone(practitioner, flags=("arson",))
    [appointment] = book(coordinator, session, person)
    draft = project_services.project_assessment_start(actor=coordinator, project=project)
    project_services.project_assessment_update(
        actor=coordinator,
        assessment=draft,
        values={**SOUND_PROJECT, "max_people": 12},
        excluded_flags=list(RiskFlag.objects.filter(code="arson")),
    )
    project_services.project_assessment_recommend(actor=coordinator, assessment=draft, recommendation="Bonfires now")
    project_services.project_assessment_decide(actor=manager, assessment=draft, approve=True)
    assert_listed_and_unworkable(
        appointment, "Risk flags", coordinator=coordinator, practitioner=practitioner, supervisor=supervisor
    )


def test_the_supervisor_changes_to_a_woman(
    coordinator: User, session: Session, make_user: MakeUser, pdu_a: Pdu, practitioner: User
) -> None:
    person = someone(practitioner, flags=("not-with-women",))
    [appointment] = book(coordinator, session, person)
    sue = make_user("sue", role=SUPERVISOR, pdu=pdu_a, gender="female")
    services.session_assign_supervisor(actor=coordinator, session=session, supervisor=sue)
    assert_listed_and_unworkable(
        appointment, "Not with women", coordinator=coordinator, practitioner=practitioner, supervisor=sue
    )


def test_a_woman_cancelling_leaves_another_the_only_woman(
    coordinator: User, session: Session, supervisor: User, practitioner: User
) -> None:
    ann, bea, carl = someone(practitioner, sex="female"), someone(practitioner, sex="female"), someone(practitioner)
    first, second, third = book(coordinator, session, ann, bea, carl)
    services.appointment_cancel(actor=coordinator, appointment=first, reason="Started a new job")
    assert_listed_and_unworkable(
        second,
        "No woman alone in a group of men",
        coordinator=coordinator,
        practitioner=practitioner,
        supervisor=supervisor,
    )
    third.refresh_from_db()
    assert third.conflict == ""


def test_moving_or_cancelling_the_booking_clears_the_list(
    coordinator: User, session: Session, practitioner: User
) -> None:
    ann, bea, carl = someone(practitioner, sex="female"), someone(practitioner, sex="female"), someone(practitioner)
    first, second, _ = book(coordinator, session, ann, bea, carl)
    services.appointment_cancel(actor=coordinator, appointment=first, reason="Moved to another day")
    assert list(bookings_to_fix(coordinator, today=TODAY)) == [second]
    services.appointment_cancel(actor=coordinator, appointment=second, reason="Moved to a women-only group")
    assert list(bookings_to_fix(coordinator, today=TODAY)) == []
    assert set(conflicts_of(session).values()) == {""}


def test_a_recheck_with_nothing_changed_changes_nothing(
    coordinator: User, session: Session, practitioner: User
) -> None:
    book(coordinator, session, someone(practitioner), someone(practitioner))
    assert bookings_recheck(session_ids=[session.pk]) == 0
    assert set(conflicts_of(session).values()) == {""}


def test_another_areas_conflicts_are_not_listed(
    coordinator: User, session: Session, practitioner: User, make_user: MakeUser, pdu_b: Pdu
) -> None:
    ann, bea, carl = someone(practitioner, sex="female"), someone(practitioner, sex="female"), someone(practitioner)
    first, _, _ = book(coordinator, session, ann, bea, carl)
    services.appointment_cancel(actor=coordinator, appointment=first, reason="Moved")
    london = make_user("lenny", role=PLACEMENT_COORDINATOR, pdu=pdu_b)
    assert list(bookings_to_fix(london, today=TODAY)) == []
