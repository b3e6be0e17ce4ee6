"""The work builder's starting point: the seeded cases, each PDU's team and who records what."""

import random
from collections import Counter, defaultdict
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock

from faker import Faker

from payback.cases.models import (
    CLOSED_STATUSES,
    Person,
    Requirement,
    RiskFlag,
)
from payback.core.workingdays import is_working_day
from payback.demo.common import LONDON, Stream, historical_timestamps
from payback.demo.work_tables import AUTO_NOW_ADD
from payback.staff.models import Pdu, User
from payback.staff.roles import (
    OPERATIONS_MANAGER,
    PLACEMENT_COORDINATOR,
    PROBATION_PRACTITIONER,
    SENIOR_PROBATION_OFFICER,
    SUPERVISOR,
)


def historical_work_timestamps() -> AbstractContextManager[None]:
    """Let bulk_create keep the historical times the work records were given."""
    return historical_timestamps(AUTO_NOW_ADD)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, clock(hour, minute), tzinfo=LONDON)


def working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


# A PDU's staff: their user ids by role.
Team = defaultdict[str, list[int]]
TEAM_ROLES = (PROBATION_PRACTITIONER, SENIOR_PROBATION_OFFICER, PLACEMENT_COORDINATOR, SUPERVISOR)


@dataclass(slots=True)
class WorkCase:
    person_id: int
    requirement_id: int
    pdu_id: int
    status: str
    sex: str
    practitioner_id: int | None
    sentence_date: date
    induction_due: date
    availability: dict[str, list[str]] = field(default_factory=dict)


class WorkBase:
    def __init__(self, rng: random.Random, fake: Faker, today: date, out: Stream | None) -> None:
        self.rng, self.fake, self.today, self.out = rng, fake, today, out
        self.counts: Counter[str] = Counter()
        pdus = list(Person.objects.values_list("pdu_id", flat=True).distinct().order_by("pdu_id"))
        self.pdus = {p.pk: p for p in Pdu.objects.filter(pk__in=pdus).select_related("region").order_by("code")}
        self.teams: dict[int, Team] = defaultdict(lambda: defaultdict(list))
        self.managers: dict[int, list[int]] = defaultdict(list)
        rows = User.groups.through.objects.filter(
            group__name__in=[*TEAM_ROLES, OPERATIONS_MANAGER], user__is_active=True
        ).values_list("user_id", "group__name", "user__pdu_id", "user__region_id", "user__username")
        self.usernames: dict[str, int] = {}
        for user_id, role, pdu_id, region_id, username in sorted(rows):
            self.usernames[username] = user_id
            if role == OPERATIONS_MANAGER:
                if region_id:
                    self.managers[region_id].append(user_id)
            elif pdu_id:
                self.teams[pdu_id][role].append(user_id)
        self.flags = dict(RiskFlag.objects.values_list("code", "pk"))
        self.cases = self._cases()

    def _cases(self) -> list[WorkCase]:
        """Each person's latest requirement, open ones first."""
        chosen: dict[int, WorkCase] = {}
        rows = Requirement.objects.values_list(
            "pk",
            "person_id",
            "person__pdu_id",
            "status",
            "person__sex",
            "person__practitioner_id",
            "order__sentence_date",
            "induction_due",
        ).order_by("person_id", "pk")
        for pk, person_id, pdu_id, status, sex, practitioner_id, sentenced, induction_due in rows:
            case = WorkCase(person_id, pk, pdu_id, status, sex, practitioner_id, sentenced, induction_due)
            current = chosen.get(person_id)
            if current is None or status not in CLOSED_STATUSES or current.status in CLOSED_STATUSES:
                chosen[person_id] = case
        return list(chosen.values())

    def author(self, case: WorkCase) -> int:
        practitioners = self.teams[case.pdu_id][PROBATION_PRACTITIONER]
        return case.practitioner_id or (practitioners[0] if practitioners else self.any_user())

    def any_user(self) -> int:
        return next(iter(self.usernames.values()))

    def staff(self, pdu_id: int, role: str) -> int:
        """Someone in the PDU with the role; failing that a coordinator, a practitioner or anyone."""
        team = self.teams[pdu_id]
        if team[role]:
            return self.rng.choice(team[role])
        return self.rng.choice(team[PLACEMENT_COORDINATOR] or team[PROBATION_PRACTITIONER] or [self.any_user()])

    # ------------------------------------------------------------------------------------------
    # Inductions, assessments, non-associations
