"""Demo management oversight, recorded through the oversight and SBAR services as the seniors and
practitioners would have: for a few teams (the fixed senior's first), 1:1s held some weeks ago (a
few now overdue), a live observation, touch points on higher-risk cases, absences this week and
next, and SBAR consultations, some answered and some waiting. The daily checklist then has
something in every part."""

import random
from collections import Counter
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from payback.cases.models import CLOSED_STATUSES, AssessmentStatus, Requirement
from payback.cases.services.sbar import sbar_answer, sbar_raise
from payback.core.commands import as_command
from payback.core.workingdays import is_working_day
from payback.oversight import services
from payback.oversight.models import AbsenceKind, ReflectiveKind
from payback.staff.models import Team, User

TEAMS = 12  # the most teams given oversight records: enough for the demo's own PDUs
MEMBERS = 6  # practitioners of each team
CONSULTATION = {
    "situation": "Missed two sessions since his mother went into hospital; asking to change days",
    "background": "Good compliance until last month; 40 hours left; caring for his mother",
    "assessment": "Caring duties, not defiance: the risk of breach is rising if nothing changes",
    "recommendation": "Move him to Saturday sessions from next week and review in a month",
}
ANSWER = "Agreed: Saturday sessions from next week; record the reason on the case"


def _working_day_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


class OversightBuilder:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.counts: Counter[str] = Counter()

    def team(self, team: Team) -> None:
        members = list(team.members.filter(is_active=True).order_by("pk")[:MEMBERS])
        for n, member in enumerate(members):
            self.one_to_one(team.lead, member, weeks_ago=3 + (n * 2) % 8)
            if n % 2 == 0:
                self.observation(team.lead, member)
            self.touch_point(team.lead, member)
        if members:
            self.absences(team.lead, members)
            self.consultations(team.lead, members)

    def _day(self, weeks_ago: int, member: User) -> date | None:
        day = _working_day_before(self.today - timedelta(weeks=weeks_ago, days=self.rng.randint(0, 4)))
        return day if day >= timezone.localdate(member.date_joined) else None

    def one_to_one(self, senior: User, member: User, *, weeks_ago: int) -> None:
        held_on = self._day(weeks_ago, member)
        if held_on is None:
            return
        services.supervision_record(
            actor=senior,
            practitioner=member,
            held_on=held_on,
            wellbeing_notes="Managing the caseload; asked for help planning around school holidays",
            development_notes="Court report writing course booked; shadowing a MAPPA meeting",
            actions="Review the two cases at risk of breach before the next 1:1",
        )
        self.counts["1:1s"] += 1

    def observation(self, senior: User, member: User) -> None:
        held_on = self._day(5, member)
        if held_on is None:
            return
        services.reflective_practice_record(
            actor=senior,
            practitioner=member,
            held_on=held_on,
            kind=ReflectiveKind.OBSERVATION,
            requirement=None,
            notes="Observed a supervision appointment: clear about expectations, good use of motivational questions",
        )
        self.counts["reflective practice sessions"] += 1

    def _cases(self, member: User) -> list[Requirement]:
        return list(
            Requirement.objects.filter(person__practitioner=member)
            .exclude(status__in=CLOSED_STATUSES)
            .select_related("order", "person")
            .order_by("pk")[:3]
        )

    def touch_point(self, senior: User, member: User) -> None:
        risky = [
            case
            for case in self._cases(member)
            if case.person.assessments.filter(
                status=AssessmentStatus.CURRENT, rosh_level__in=("high", "very_high", "medium")
            ).exists()
        ]
        held_on = self._day(3, member)
        if not risky or held_on is None or held_on < risky[0].order.sentence_date:
            return
        services.touch_point_record(
            actor=senior, requirement=risky[0], held_on=held_on, note="Reviewed the risk management plan; no change"
        )
        self.counts["touch points"] += 1

    def absences(self, senior: User, members: list[User]) -> None:
        monday = self.today + timedelta(days=7 - self.today.weekday())
        plans = [(members[0], monday, monday + timedelta(days=4), AbsenceKind.ANNUAL_LEAVE)]
        if len(members) > 1:
            plans.append((members[1], self.today, self.today, AbsenceKind.SICKNESS))
        tomorrow = self.today + timedelta(days=1)
        while not is_working_day(tomorrow):
            tomorrow += timedelta(days=1)
        plans.append((senior, tomorrow, tomorrow, AbsenceKind.TRAINING))
        for staff, first, last, kind in plans:
            services.absence_record(actor=senior, staff=staff, first_day=first, last_day=last, kind=kind)
            self.counts["absences"] += 1

    def consultations(self, senior: User, members: list[User]) -> None:
        for n, member in enumerate(members[:2]):
            cases = self._cases(member)
            if not cases:
                continue
            consultation = sbar_raise(actor=member, requirement=cases[0], **CONSULTATION)
            self.counts["SBAR consultations"] += 1
            if n == 0 and consultation.addressed_to_id == senior.pk:
                sbar_answer(actor=senior, consultation=consultation, decision=ANSWER)
                self.counts["SBAR answers"] += 1


def seed_demo_oversight(*, seed: int, today: date) -> dict[str, int]:
    """Oversight records for the first few teams, the fixed senior's team first."""
    builder = OversightBuilder(random.Random(seed + 3), today)
    teams = Team.objects.select_related("lead").order_by("-lead__username", "pk")
    fixed = list(teams.filter(lead__username="spo"))
    others = list(teams.exclude(lead__username="spo")[: TEAMS - len(fixed)])
    with transaction.atomic(), as_command():
        for team in fixed + others:
            builder.team(team)
    return dict(builder.counts)
