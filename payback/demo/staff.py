"""Demo staff: the fixed sign-ins and a plausible team in every PDU and region, with one team of
practitioners for each senior probation officer."""

import math
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.contrib.auth.models import Group
from faker import Faker

from payback.demo.accounts import DEMO_ACCOUNTS, DemoAccount
from payback.demo.common import BATCH_SIZE, LONDON, bulk_link
from payback.demo.population import FIXED_CASELOAD, SECOND_ORDER_SHARE
from payback.staff.models import Gender, Pdu, Region, Scope, Team, User
from payback.staff.roles import (
    CASE_ADMINISTRATOR,
    HEAD_OF_UNPAID_WORK,
    OPERATIONS_MANAGER,
    PLACEMENT_COORDINATOR,
    PROBATION_PRACTITIONER,
    SENIOR_PROBATION_OFFICER,
    SUPERVISOR,
)

JOB_TITLES = {
    PROBATION_PRACTITIONER: ("Probation Officer", "Probation Services Officer"),
    SENIOR_PROBATION_OFFICER: ("Senior Probation Officer",),
    PLACEMENT_COORDINATOR: ("Placement Coordinator",),
    SUPERVISOR: ("Community Payback Supervisor",),
    OPERATIONS_MANAGER: ("Operations Manager",),
    HEAD_OF_UNPAID_WORK: ("Head of Unpaid Work",),
    CASE_ADMINISTRATOR: ("Case Administrator",),
}
FEMALE_STAFF_SHARE = {SUPERVISOR: 0.3, PROBATION_PRACTITIONER: 0.65, SENIOR_PROBATION_OFFICER: 0.6}


# ---------------------------------------------------------------------------------------------
# Staff


@dataclass
class PduStaff:
    practitioners: list[User] = field(default_factory=list)
    supervisors: list[User] = field(default_factory=list)
    administrators: list[User] = field(default_factory=list)
    seniors: list[User] = field(default_factory=list)
    fixed_practitioner: User | None = None


class StaffBuilder:
    def __init__(self, rng: random.Random, fake: Faker, password_hash: str, today: date) -> None:
        self.rng, self.fake, self.password_hash, self.today = rng, fake, password_hash, today
        self.usernames = set(User.objects.values_list("username", flat=True))
        self.new: list[tuple[User, str]] = []
        self.teams: dict[Pdu, PduStaff] = {}

    def user(self, role: str, area: Pdu | Region | None = None, account: DemoAccount | None = None) -> User:
        """A member of staff in the role, who sees one PDU, one region or (with no area) the whole
        country: the fixed demo account given, or someone made up."""
        if account is None:
            username, first_name, last_name, gender, job_title = self._made_up(role)
        else:
            username, first_name, last_name = account.username, account.first_name, account.last_name
            gender, job_title = account.gender, account.job_title
        self.usernames.add(username)
        pdu = area if isinstance(area, Pdu) else None
        region = area.region if isinstance(area, Pdu) else area
        scope = Scope.PDU if pdu else Scope.REGION if region else Scope.NATIONAL
        user = User(
            username=username,
            password=self.password_hash,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@probation.example.gov.uk",
            scope=scope,
            pdu=pdu,
            region=region,
            gender=gender,
            job_title=job_title,
            date_joined=datetime.combine(
                self.today - timedelta(days=self.rng.randint(60, 4_000)), clock(9, 0), tzinfo=LONDON
            ),
        )
        self.new.append((user, role))
        return user

    def _made_up(self, role: str) -> tuple[str, str, str, str, str]:
        """A made-up member of staff for the role: username, first and last name, gender, job title."""
        rng, fake = self.rng, self.fake
        gender = Gender.FEMALE if rng.random() < FEMALE_STAFF_SHARE.get(role, 0.5) else Gender.MALE
        first_name = fake.first_name_female() if gender == Gender.FEMALE else fake.first_name_male()
        last_name = fake.last_name()
        base = f"{re.sub(r'[^a-z]', '', first_name.lower())}.{re.sub(r'[^a-z]', '', last_name.lower())}"
        username, n = base, 1
        while username in self.usernames:
            n += 1
            username = f"{base}{n}"
        return username, first_name, last_name, gender, rng.choice(JOB_TITLES[role])

    def save(self) -> int:
        User.objects.bulk_create([u for u, _ in self.new], batch_size=BATCH_SIZE)
        groups = {g.name: g.pk for g in Group.objects.all()}
        bulk_link(User.groups, [u for u, _ in self.new], [[groups[role]] for _, role in self.new])
        count = len(self.new)
        self.new = []
        build_teams(self.teams)
        self.teams = {}
        return count


def build_teams(staff: dict[Pdu, PduStaff]) -> int:
    """One team for each senior probation officer of a PDU, its practitioners shared out between them
    in turn (the fixed practitioner joins the fixed senior's team). A PDU with teams already is left."""
    have = set(Team.objects.filter(pdu__in=list(staff)).values_list("pdu_id", flat=True))
    wanted = {pdu: team for pdu, team in staff.items() if team.seniors and pdu.pk not in have}
    teams = [
        Team(name=f"{pdu.name} {chr(ord('A') + n)}" if n < 26 else f"{pdu.name} {n + 1}", pdu=pdu, lead=lead)
        for pdu, team in wanted.items()
        for n, lead in enumerate(team.seniors)
    ]
    Team.objects.bulk_create(teams, batch_size=BATCH_SIZE)
    by_pdu: dict[int, list[Team]] = {}
    for made in teams:
        by_pdu.setdefault(made.pdu_id, []).append(made)
    members = []
    for pdu, team in wanted.items():
        for n, practitioner in enumerate(team.practitioners):
            practitioner.team = by_pdu[pdu.pk][n % len(by_pdu[pdu.pk])]
            members.append(practitioner)
    User.objects.bulk_update(members, ["team"], batch_size=BATCH_SIZE)
    return len(teams)


def build_staff(
    *, plan: dict[str, int], pdus: dict[str, Pdu], regions: dict[str, Region], builder: StaffBuilder
) -> dict[str, PduStaff]:
    """The fixed demo accounts, then generated staff for each PDU (and region) with cases."""
    staff: dict[str, PduStaff] = {code: PduStaff() for code in plan}
    existing = {u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])}
    for account in DEMO_ACCOUNTS:
        pdu = pdus[account.pdu_code] if account.pdu_code else None
        area = pdu or (regions[account.region_code] if account.region_code else None)
        user = existing.get(account.username) or builder.user(account.role, area, account)
        if pdu is not None and pdu.code in staff:
            team = staff[pdu.code]
            if account.role == PROBATION_PRACTITIONER:
                team.fixed_practitioner = user
                team.practitioners.append(user)
            elif account.role == SUPERVISOR:
                team.supervisors.append(user)
            elif account.role == CASE_ADMINISTRATOR:
                team.administrators.append(user)
            elif account.role == SENIOR_PROBATION_OFFICER:
                team.seniors.append(user)

    region_codes = sorted({pdus[code].region.code for code in plan})
    for code in region_codes:
        builder.user(OPERATIONS_MANAGER, regions[code])
        builder.user(HEAD_OF_UNPAID_WORK, regions[code])
    for code, count in plan.items():
        pdu, team = pdus[code], staff[code]
        people = count / (1 + SECOND_ORDER_SHARE)
        fixed = FIXED_CASELOAD.get(code, 0) if team.fixed_practitioner else 0
        generated = max(2, math.ceil((people - fixed) / 50))
        for _ in range(generated):
            team.practitioners.append(builder.user(PROBATION_PRACTITIONER, pdu))
        for _ in range(max(1, generated // 7)):
            team.seniors.append(builder.user(SENIOR_PROBATION_OFFICER, pdu))
        for _ in range(max(1, count // 1_000)):
            builder.user(PLACEMENT_COORDINATOR, pdu)
        for _ in range(max(2, math.ceil(count / 80))):
            team.supervisors.append(builder.user(SUPERVISOR, pdu))
        for _ in range(max(1, count // 1_500)):
            team.administrators.append(builder.user(CASE_ADMINISTRATOR, pdu))
    builder.teams = {pdus[code]: staff[code] for code in plan}
    return staff
