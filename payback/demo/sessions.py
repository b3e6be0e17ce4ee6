"""Demo sessions, vehicles and drivers, appointments and their outcomes."""

from collections import Counter, defaultdict
from datetime import date, timedelta
from datetime import time as clock
from typing import cast

from django.utils import timezone

from payback.cases.assessment.rules import DAYS
from payback.core.policy import RULES
from payback.core.workingdays import add_working_days
from payback.delivery.models import (
    AbsenceReason,
    Appointment,
    DriverAuthorisation,
    Outcome,
    Rating,
    Session,
    SessionSeries,
    SessionStatus,
    Vehicle,
)
from payback.demo.accounts import DEMO_PDU
from payback.demo.common import Progress
from payback.demo.projects import ProjectsBuilder
from payback.demo.work_base import Team, WorkCase, at
from payback.demo.work_tables import BATCH_SIZE, VEHICLES, S
from payback.projects.models import (
    ProjectStatus,
    ProjectType,
)
from payback.staff.roles import PLACEMENT_COORDINATOR, SUPERVISOR

# Registers are seeded from this many weeks ago (long enough for failures to reach court).
REGISTER_WEEKS = 10
# The working days given for evidence, as the policy sets them when the service began.
EVIDENCE_WORKING_DAYS = RULES["failure_evidence_working_days"].initial
# About one person in ten is struggling to comply: their sessions fail far more often.
STRUGGLING = (45, 5, 35, 10, 5)


def struggling(case: WorkCase) -> bool:
    return case.person_id % 10 == 3


class WorkBuilder(ProjectsBuilder):
    def sessions(self) -> None:
        rng, today = self.rng, self.today
        vehicles, authorised, fleet = self._vehicles_and_drivers()
        first, last = today - timedelta(weeks=REGISTER_WEEKS), today + timedelta(days=13)
        active = [
            p for p in self.project_rows if p.status == ProjectStatus.ACTIVE and p.project_type == ProjectType.GROUP
        ]
        series: list[SessionSeries] = []
        sessions: list[Session] = []
        busy: set[tuple[int, date]] = set()
        vehicle_busy: set[tuple[int, date]] = set()
        progress = Progress("Sessions", len(active), "projects", self.out)
        for project in active:
            team = self.teams[project.pdu_id]
            coordinator = self.staff(project.pdu_id, PLACEMENT_COORDINATOR)
            for day in project.days:
                weekday = DAYS.index(day)
                lead: int | None = rng.choice(team[SUPERVISOR]) if team[SUPERVISOR] else None
                row = SessionSeries(
                    project=project,
                    weekday=weekday,
                    start_time=cast(clock, project.start_time),
                    end_time=cast(clock, project.end_time),
                    supervisor_id=lead,
                    capacity=project.capacity,
                    starts_on=first,
                    created_by_id=coordinator,
                )
                series.append(row)
                on = first + timedelta(days=(weekday - first.weekday()) % 7)
                while on <= last:
                    sessions.append(self._session(row, on, team, authorised, fleet, busy, vehicle_busy))
                    on += timedelta(days=7)
            progress.advance(1)
        SessionSeries.objects.bulk_create(series, batch_size=BATCH_SIZE)
        for session in sessions:
            session.series_id = session.series.pk if session.series else None
        self._today_for_demo_supervisor(sessions, busy)
        Session.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
        progress.finish()
        self.counts["vehicles"] = len(vehicles)
        self.counts["sessions"] = len(sessions)
        self._appointments(sessions)

    def _vehicles_and_drivers(self) -> tuple[list[Vehicle], set[int], dict[int, list[Vehicle]]]:
        """Each PDU's vans, and its supervisors authorised to drive them: the vans, the drivers and
        the fleet of each PDU."""
        rng, today = self.rng, self.today
        authorised = set(DriverAuthorisation.objects.values_list("driver_id", flat=True))
        registrations = set(Vehicle.objects.values_list("registration", flat=True))
        vehicles: list[Vehicle] = []
        drivers: list[DriverAuthorisation] = []
        for pdu_id, pdu in self.pdus.items():
            team = self.teams[pdu_id]
            for _ in range(max(1, len(team[SUPERVISOR]) // 3)):
                description, seats = rng.choice(VEHICLES)
                registration = ""
                while not registration or registration in registrations:
                    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTVWXY") for _ in range(5))
                    registration = f"{letters[:2]}{rng.choice((19, 20, 21, 22, 23, 24, 70, 71, 72, 73))} {letters[2:]}"
                registrations.add(registration)
                vehicles.append(
                    Vehicle(
                        registration=registration,
                        description=description,
                        seats=seats,
                        pdu=pdu,
                        mileage=rng.randint(8_000, 90_000),
                    )
                )
            for supervisor in team[SUPERVISOR]:
                if supervisor not in authorised and rng.random() < 0.5:
                    authorised.add(supervisor)
                    checked = today - timedelta(days=rng.randint(10, 300))
                    drivers.append(
                        DriverAuthorisation(
                            driver_id=supervisor,
                            licence_checked_on=checked,
                            authorised_by_id=rng.choice(
                                self.managers.get(pdu.region_id) or team[PLACEMENT_COORDINATOR]
                            ),
                            valid_until=checked + timedelta(days=365),
                        )
                    )
        Vehicle.objects.bulk_create(vehicles, batch_size=BATCH_SIZE)
        DriverAuthorisation.objects.bulk_create(drivers, batch_size=BATCH_SIZE)
        fleet: dict[int, list[Vehicle]] = defaultdict(list)
        for vehicle in vehicles:
            fleet[vehicle.pdu_id].append(vehicle)
        return vehicles, authorised, fleet

    def _session(
        self,
        series: SessionSeries,
        on: date,
        team: Team,
        authorised: set[int],
        fleet: dict[int, list[Vehicle]],
        busy: set[tuple[int, date]],
        vehicle_busy: set[tuple[int, date]],
    ) -> Session:
        rng, today = self.rng, self.today
        supervisor = series.supervisor_id
        if supervisor is None or (supervisor, on) in busy:
            free = [s for s in team[SUPERVISOR] if (s, on) not in busy]
            supervisor = rng.choice(free) if free else None
        if supervisor is not None:
            busy.add((supervisor, on))
        project = series.project
        vehicle = None
        if supervisor in authorised:
            spare = [v for v in fleet[project.pdu_id] if (v.pk, on) not in vehicle_busy]
            if spare and rng.random() < 0.6:
                vehicle = rng.choice(spare)
                vehicle_busy.add((vehicle.pk, on))
        start = cast(clock, series.start_time)
        session = Session(
            project=project,
            series=series,
            date=on,
            start_time=start,
            end_time=series.end_time,
            supervisor_id=supervisor,
            needs_cover=supervisor is None,
            capacity=series.capacity,
            vehicle=vehicle,
            pick_up_point=f"{self.pdus[project.pdu_id].name} probation office car park" if vehicle else "",
            pick_up_time=clock(max(start.hour - 1, 6), start.minute) if vehicle else None,
        )
        if on < today:
            closed = at(on, series.end_time.hour, series.end_time.minute) + timedelta(minutes=20)
            session.status = SessionStatus.CLOSED
            session.toolbox_talk_given = session.site_induction_given = True
            session.go_decision = True
            session.checks_recorded_at = at(on, start.hour, start.minute) + timedelta(minutes=10)
            session.closed_at = closed
            session.closed_by_id = supervisor
        return session

    def _today_for_demo_supervisor(self, sessions: list[Session], busy: set[tuple[int, date]]) -> None:
        """The `supervisor` sign-in always has a session today."""
        user_id = self.usernames.get("supervisor")
        if user_id is None or (user_id, self.today) in busy:
            return
        pdu = next((p for p in self.pdus.values() if p.code == DEMO_PDU), None)
        project = next(
            (
                p
                for p in self.project_rows
                if pdu
                and p.pdu_id == pdu.pk
                and p.status == ProjectStatus.ACTIVE
                and p.project_type == ProjectType.GROUP
            ),
            None,
        )
        if project is None:
            return
        busy.add((user_id, self.today))
        sessions.append(
            Session(
                project=project,
                date=self.today,
                start_time=cast(clock, project.start_time),
                end_time=cast(clock, project.end_time),
                supervisor_id=user_id,
                capacity=project.capacity,
            )
        )

    def _appointments(self, sessions: list[Session]) -> None:
        rng, today = self.rng, self.today
        working: dict[int, list[WorkCase]] = defaultdict(list)
        for case in self.cases:
            if case.status == S.WORKING:
                working[case.pdu_id].append(case)
        by_week: dict[tuple[int, int], list[Session]] = defaultdict(list)
        for session in sessions:
            by_week[(session.project.pdu_id, (session.date - today).days // 7)].append(session)
        taken: Counter[int] = Counter()
        booked_days: set[tuple[int, date]] = set()
        rows: list[Appointment] = []
        demo_supervisor = self.usernames.get("supervisor")
        share = {**{-w: 0.8 for w in range(1, REGISTER_WEEKS + 1)}, 0: 0.6, 1: 0.25}
        progress = Progress("Register", len(by_week), "PDU weeks", self.out)
        for (pdu_id, week), week_sessions in sorted(by_week.items(), key=lambda item: item[0]):
            # The demo supervisor's session today is filled first.
            week_sessions.sort(key=lambda s: (s.supervisor_id != demo_supervisor or s.date != today, s.date))
            people = working[pdu_id][:]
            rng.shuffle(people)
            booker = self.staff(pdu_id, PLACEMENT_COORDINATOR)
            for session in week_sessions:
                if session.supervisor_id == demo_supervisor and session.date == today:
                    for case in people:
                        if taken[session.pk] >= min(4, session.capacity):
                            break
                        if (case.person_id, today) not in booked_days:
                            rows.append(self._appointment(session, case, booker))
                            taken[session.pk] += 1
                            booked_days.add((case.person_id, today))
            for case in people:
                if rng.random() > share.get(week, 0.0):
                    continue
                days = [
                    s for s in week_sessions if case.availability.get(DAYS[s.date.weekday()]) or not case.availability
                ]
                for session in rng.sample(days, min(4, len(days))):
                    if taken[session.pk] < session.capacity and (case.person_id, session.date) not in booked_days:
                        rows.append(self._appointment(session, case, booker))
                        taken[session.pk] += 1
                        booked_days.add((case.person_id, session.date))
                        break
            progress.advance(1)
        Appointment.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        progress.finish()
        self.counts["appointments"] = len(rows)

    def _appointment(self, session: Session, case: WorkCase, booker: int) -> Appointment:
        rng, today = self.rng, self.today
        booked = at(session.date - timedelta(days=rng.randint(3, 14)), 11)
        row = Appointment(
            session=session,
            requirement_id=case.requirement_id,
            person_id=case.person_id,
            date=session.date,
            booked_by_id=booker,
            booked_at=min(booked, timezone.now()),
        )
        if session.date >= today:
            return row
        outcome = rng.choices(
            (
                Outcome.ATTENDED_COMPLIED,
                Outcome.ACCEPTABLE_ABSENCE,
                Outcome.UNACCEPTABLE_ABSENCE,
                Outcome.ATTENDED_FAILED_TO_COMPLY,
                Outcome.LATE_SENT_AWAY,
            ),
            weights=STRUGGLING if struggling(case) else (84, 7, 5, 2, 2),
        )[0]
        row.outcome = outcome
        row.outcome_recorded_by_id = session.supervisor_id or booker
        row.outcome_recorded_at = session.closed_at
        if outcome in (Outcome.ATTENDED_COMPLIED, Outcome.ATTENDED_FAILED_TO_COMPLY):
            row.arrived_at, row.left_at = session.start_time, session.end_time
            row.work_quality = rng.choices(list(Rating), weights=(15, 45, 30, 7, 3))[0]
            row.behaviour = rng.choices(list(Rating), weights=(20, 45, 28, 5, 2))[0]
        if outcome == Outcome.ACCEPTABLE_ABSENCE:
            row.absence_reason = rng.choice(list(AbsenceReason))
            row.note = "Evidence seen"
        if outcome in (Outcome.UNACCEPTABLE_ABSENCE, Outcome.ATTENDED_FAILED_TO_COMPLY, Outcome.LATE_SENT_AWAY):
            row.evidence_due = add_working_days(session.date, EVIDENCE_WORKING_DAYS)
            if outcome == Outcome.ATTENDED_FAILED_TO_COMPLY:
                row.behaviour = Rating.POOR
                row.note = "Refused to follow the supervisor's instructions after two warnings"
        return row
