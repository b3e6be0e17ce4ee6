"""The register never loses or doubles a minute: a submit repeated 100 times credits once, two
clients editing the same register get a conflict rather than a silent overwrite, a retry racing
its own first attempt gets the first answer, and work killed between the register and the ledger
leaves nothing behind.

The concurrent tests run in real transactions on separate connections (one per thread), so what
one thread commits is what the other sees. Their flush empties the rows the migrations load, so
those are put back after each (serialized_rollback)."""

import threading
import time as clock_time
from collections.abc import Callable, Iterator
from datetime import date, time
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from payback.cases.models import Requirement
from payback.cases.services import ledger_credit_work_noted
from payback.core.models import AuditEvent
from payback.delivery import services
from payback.delivery.models import Appointment, IdempotentRequest, Session, SessionStatus
from payback.delivery.services import RegisterConflict, RegisterLine, RegisterResult
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.testing.builders import (
    Clock,
    active_project,
    book,
    counts,
    frozen_today,
    line,
    make_staff,
    placeable_person,
    plan_session,
    remaining,
    version_of,
)

MakeUser = Callable[..., User]
PLANNING_DAY = date(2026, 12, 21)
SESSION_DAY = date(2026, 12, 23)
CONCURRENT = pytest.mark.django_db(transaction=True, serialized_rollback=True)
THREAD_TIMEOUT = 30


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    with frozen_today(PLANNING_DAY) as frozen:
        yield frozen


@pytest.fixture
def make_user(db: Any) -> MakeUser:
    return make_staff


@pytest.fixture
def project(coordinator: User, manager: User, pdu_a: Pdu) -> Project:
    return active_project(coordinator, manager, pdu_a)


@pytest.fixture
def session(coordinator: User, project: Project, supervisor: User) -> Session:
    return plan_session(coordinator, project, SESSION_DAY, supervisor=supervisor)


@pytest.fixture
def people(practitioner: User) -> list[Requirement]:
    return [placeable_person(practitioner, last_name=name) for name in ("Adams", "Brown")]


@pytest.fixture
def booked(clock: Clock, coordinator: User, session: Session, people: list[Requirement]) -> list[Appointment]:
    """Both people booked on Monday; the register is then marked on the Wednesday of the session."""
    appointments = book(coordinator, session, *people)
    clock.today = SESSION_DAY
    return appointments


def session_credits(requirement: Requirement) -> list[int]:
    return list(requirement.ledger.filter(source="session").order_by("pk").values_list("minutes", flat=True))


def submit_as(
    actor: User, session: Session, lines: list[RegisterLine], *, key: str, version: int, close: bool = True
) -> RegisterResult:
    return services.register_submit(
        actor=actor, session=session, expected_version=version, idempotency_key=key, lines=lines, close=close
    )


Answers = dict[str, RegisterResult | Exception]


def in_thread(answers: Answers, name: str, work: Callable[[], RegisterResult]) -> Callable[[], None]:
    """A thread's body: do the work on the thread's own connection and keep its answer or error."""

    def run() -> None:
        try:
            answers[name] = work()
        except Exception as error:  # noqa: BLE001 - the error is the answer under test
            answers[name] = error
        finally:
            connection.close()

    return run


def run_together(*targets: Callable[[], None]) -> None:
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a client never finished: deadlock?"


def someone_waits_for_a_lock() -> bool:
    """Whether another connection to this test database is waiting for a lock (ours), within a few
    seconds."""
    deadline = clock_time.monotonic() + 10
    with connection.cursor() as cursor:
        while clock_time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE NOT l.granted AND a.datname = current_database() AND a.pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            clock_time.sleep(0.02)
    return False


def race(first: Callable[[], RegisterResult], second: Callable[[], RegisterResult]) -> Answers:
    """Run `first` in a transaction held open until `second` is stuck waiting for one of its locks,
    then commit it: `second` started before anything `first` wrote could be seen."""
    written = threading.Event()
    answers: Answers = {}
    blocked: list[bool] = []

    def hold_first() -> RegisterResult:
        try:
            with transaction.atomic():
                result = first()
                written.set()
                blocked.append(someone_waits_for_a_lock())
            return result
        finally:
            written.set()

    def then_second() -> RegisterResult:
        written.wait(THREAD_TIMEOUT)
        return second()

    run_together(in_thread(answers, "first", hold_first), in_thread(answers, "second", then_second))
    assert blocked == [True], "the second submit never had to wait for the first"
    return answers


# ---------------------------------------------------------------------------------------------
# Never double: a repeated submit


@pytest.mark.django_db
def test_the_same_register_submitted_100_times_credits_once(
    supervisor: User, session: Session, people: list[Requirement], booked: list[Appointment]
) -> None:
    adams, brown = booked
    owed = [remaining(p) for p in people]
    version = version_of(session)
    lines = [line(adams, "attended_complied"), line(brown, "attended_complied", arrived_at=time(10, 15))]
    first = submit_as(supervisor, session, lines, key="phone-7f3a", version=version)
    assert not first.replayed
    assert {row["appointment_id"]: row["credited_minutes"] for row in first.lines} == {adams.pk: 420, brown.pk: 345}
    after_first = counts()
    for _ in range(99):
        again = submit_as(supervisor, session, lines, key="phone-7f3a", version=version)
        assert again.replayed
        assert again.as_dict() == first.as_dict()
    assert counts() == after_first
    assert IdempotentRequest.objects.filter(key="phone-7f3a").count() == 1
    assert IdempotentRequest.objects.count() == 1
    assert [session_credits(p) for p in people] == [[420], [345]]
    assert [owed[i] - remaining(p) for i, p in enumerate(people)] == [420, 345]
    assert version_of(session) == version + 1


@pytest.mark.django_db
def test_replaying_an_old_save_changes_nothing_done_since(
    supervisor: User, session: Session, booked: list[Appointment]
) -> None:
    adams, _ = booked
    saved = submit_as(
        supervisor,
        session,
        [line(adams, "unacceptable_absence")],
        key="save-1",
        version=version_of(session),
        close=False,
    )
    submit_as(
        supervisor, session, [line(adams, "attended_complied")], key="save-2", version=version_of(session), close=False
    )
    version = version_of(session)
    before = counts()
    replay = submit_as(
        supervisor, session, [line(adams, "unacceptable_absence")], key="save-1", version=saved.version - 1, close=False
    )
    assert replay.replayed and replay.as_dict() == saved.as_dict()
    assert counts() == before
    assert version_of(session) == version
    adams.refresh_from_db()
    assert adams.outcome == "attended_complied"


# ---------------------------------------------------------------------------------------------
# Never lose: two clients at once


@CONCURRENT
def test_two_clients_submitting_at_once_one_wins_and_the_other_gets_a_conflict(
    supervisor: User, coordinator: User, session: Session, people: list[Requirement], booked: list[Appointment]
) -> None:
    adams, brown = booked
    owed = [remaining(p) for p in people]
    start = version_of(session)
    both_have_read = threading.Barrier(2, timeout=THREAD_TIMEOUT)
    answers: Answers = {}
    submits = {
        "van": (supervisor, [line(adams, "attended_complied"), line(brown, "attended_complied")]),
        "office": (
            coordinator,
            [
                line(adams, "attended_complied", penalty_minutes=30),
                line(brown, "attended_complied", arrived_at=time(10, 15)),
            ],
        ),
    }

    def client(name: str) -> Callable[[], RegisterResult]:
        def work() -> RegisterResult:
            actor, lines = submits[name]
            version = version_of(session)  # each client opens the register...
            both_have_read.wait()  # ...before either submits
            return submit_as(actor, session, lines, key=f"{name}-key", version=version)

        return work

    run_together(in_thread(answers, "van", client("van")), in_thread(answers, "office", client("office")))

    winners = [name for name, answer in answers.items() if isinstance(answer, RegisterResult)]
    losers = [name for name, answer in answers.items() if isinstance(answer, RegisterConflict)]
    assert len(winners) == 1 and len(losers) == 1, answers
    conflict = answers[losers[0]]
    assert isinstance(conflict, RegisterConflict)
    assert conflict.current_version == start + 1
    expected = {"van": ([420], [420]), "office": ([390], [345])}[winners[0]]
    assert (session_credits(people[0]), session_credits(people[1])) == expected
    assert [owed[i] - remaining(p) for i, p in enumerate(people)] == [sum(credits) for credits in expected]
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == [f"{winners[0]}-key"]
    assert version_of(session) == start + 1
    assert AuditEvent.objects.filter(action="register.closed").count() == 1
    winning_outcomes = [x.outcome for x in submits[winners[0]][1]]
    assert [a.outcome for a in Appointment.objects.filter(pk__in=[adams.pk, brown.pk]).order_by("pk")] == (
        winning_outcomes
    )


@CONCURRENT
def test_a_retry_racing_its_own_first_submit_gets_the_first_answer(
    supervisor: User, session: Session, people: list[Requirement], booked: list[Appointment]
) -> None:
    """The first submit is still inside its transaction when the retry (same key) arrives: the
    retry waits for the register and then answers with the first result."""
    adams, brown = booked
    version = version_of(session)
    lines = [line(adams, "attended_complied"), line(brown, "sent_home_behaviour", left_at=time(12, 30))]
    answers = race(
        lambda: submit_as(supervisor, session, lines, key="tap-1", version=version),
        lambda: submit_as(supervisor, session, lines, key="tap-1", version=version),
    )

    result, repeat = answers["first"], answers["second"]
    assert isinstance(result, RegisterResult) and not result.replayed, answers
    assert isinstance(repeat, RegisterResult) and repeat.replayed, answers
    assert repeat.as_dict() == result.as_dict()
    assert [session_credits(p) for p in people] == [[420], [210]]
    assert IdempotentRequest.objects.count() == 1
    assert version_of(session) == version + 1


@CONCURRENT
def test_one_key_used_on_two_registers_at_once_saves_only_one(
    coordinator: User, manager: User, supervisor: User, practitioner: User, session: Session, booked: list[Appointment]
) -> None:
    """Both submits pass the first look for the key before either has committed: the second is
    refused by the key's uniqueness and told to use a new key, and nothing of it is saved."""
    park = active_project(coordinator, manager, session.project.pdu, name="Park benches")
    other_session = plan_session(coordinator, park, SESSION_DAY, supervisor=None)
    (other,) = book(coordinator, other_session, placeable_person(practitioner, last_name="Clark"))
    adams, brown = booked
    answers = race(
        lambda: submit_as(
            supervisor,
            session,
            [line(adams, "attended_complied"), line(brown, "attended_complied")],
            key="shared",
            version=version_of(session),
        ),
        lambda: submit_as(supervisor, other_session, [line(other, "attended_complied")], key="shared", version=1),
    )

    assert isinstance(answers["first"], RegisterResult), answers
    refusal = answers["second"]
    assert isinstance(refusal, ValidationError), answers
    assert refusal.message_dict == {"idempotency_key": ["This key was used for a different submit: use a new key"]}
    other.refresh_from_db()
    assert other.outcome == ""
    assert version_of(other_session) == 1
    assert session_credits(other.requirement) == []
    assert not AuditEvent.objects.filter(action="register.closed", object_id=str(other_session.pk)).exists()
    assert IdempotentRequest.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Nothing half-saved: the work killed between the register and the ledger


def assert_nothing_saved(
    before: dict[str, int], session: Session, version: int, people: list[Requirement], owed: list[int]
) -> None:
    """No outcome, credit, audit event or stored answer: the register is as it was."""
    assert counts() == before  # appointments, ledger entries, audit events, idempotency rows...
    for appointment in Appointment.objects.filter(session=session):
        assert (appointment.outcome, appointment.outcome_recorded_at) == ("", None)
        assert (appointment.credited_entry_id, appointment.evidence_due) == (None, None)
    fresh = Session.objects.get(pk=session.pk)
    assert (fresh.register_version, fresh.status, fresh.closed_at) == (version, SessionStatus.PLANNED, None)
    assert [session_credits(p) for p in people] == [[], []]
    assert [remaining(p) for p in people] == owed
    assert not IdempotentRequest.objects.exists()


@CONCURRENT
def test_killed_after_the_first_credit_nothing_is_saved_and_the_retry_credits_once(
    supervisor: User, session: Session, people: list[Requirement], booked: list[Appointment]
) -> None:
    adams, brown = booked
    version = version_of(session)
    lines = [line(adams, "attended_complied"), line(brown, "attended_complied", penalty_minutes=15)]
    owed = [remaining(p) for p in people]
    before = counts()
    calls: list[int] = []

    def credit_then_die(**kwargs: Any) -> Any:
        if calls:
            raise ConnectionError("the phone lost its signal")
        calls.append(1)
        return ledger_credit_work_noted(**kwargs)

    with (
        mock.patch("payback.delivery.services.register.ledger_credit_work_noted", side_effect=credit_then_die),
        pytest.raises(ConnectionError),
    ):
        submit_as(supervisor, session, lines, key="dying", version=version)
    assert calls == [1]  # the first credit was written before the work was killed
    assert_nothing_saved(before, session, version, people, owed)

    # The phone tries again with the same key: it is a first submit, not a replay, and credits once.
    result = submit_as(supervisor, session, lines, key="dying", version=version)
    assert not result.replayed
    assert [session_credits(p) for p in people] == [[420], [405]]


@pytest.mark.django_db
def test_killed_while_storing_the_answer_nothing_is_saved(
    supervisor: User, session: Session, people: list[Requirement], booked: list[Appointment]
) -> None:
    adams, brown = booked
    version = version_of(session)
    lines = [line(adams, "attended_complied"), line(brown, "attended_failed_to_comply")]
    owed = [remaining(p) for p in people]
    before = counts()
    with (
        mock.patch.object(IdempotentRequest.objects, "create", side_effect=ConnectionError("killed")),
        pytest.raises(ConnectionError),
    ):
        submit_as(supervisor, session, lines, key="killed-late", version=version)
    assert_nothing_saved(before, session, version, people, owed)
