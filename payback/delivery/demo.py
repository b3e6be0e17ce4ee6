"""Demo data for the work itself, added to the cases `seed_demo` has already built: inductions,
UPW assessments with the risk picture, non-associations, beneficiaries, projects with their
assessments and tasks, nominations, vehicles and drivers, and sessions from four weeks ago to two
weeks ahead with their registers.

Everything is written with `bulk_create` in one transaction and is reproducible with the seed.
Seeded registers do not credit the ledger (`credited_entry` stays empty): the cases seed already
holds the hours worked. See docs/demo-data.md."""

import hashlib
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any, cast

from django.db import models, transaction
from django.utils import timezone
from faker import Faker

from payback.cases.assessment_rules import DAYS
from payback.cases.demo import DEFAULT_SEED, LONDON, Progress, Stream
from payback.cases.models import (
    CLOSED_STATUSES,
    Assessment,
    AssessmentStatus,
    CaseStatus,
    DiversityInformation,
    Induction,
    InductionOutcome,
    NonAssociation,
    Person,
    PlacementPreference,
    PlacementType,
    Requirement,
    RiskFlag,
    RoshLevel,
    Sex,
    Transport,
)
from payback.core.workingdays import add_working_days, is_working_day
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
from payback.projects.models import (
    AssessmentDecision,
    Beneficiary,
    BeneficiaryKind,
    HeardAbout,
    Nomination,
    NominationStatus,
    Project,
    ProjectAssessment,
    ProjectStatus,
    ProjectTask,
    ProjectType,
    ReferralMeans,
    RejectionReason,
)
from payback.staff.management.commands.demo_signins import DEMO_PDU
from payback.staff.models import Pdu, User
from payback.staff.roles import (
    OPERATIONS_MANAGER,
    PLACEMENT_COORDINATOR,
    PROBATION_PRACTITIONER,
    SENIOR_PROBATION_OFFICER,
    SUPERVISOR,
)

S = CaseStatus
BATCH_SIZE = 5_000
BEFORE_ASSESSMENT = (S.AWAITING_INDUCTION, S.AWAITING_ASSESSMENT)
# Where each region's projects are (a centre and a small spread, in degrees).
REGION_CENTRE = {
    "NE": (54.978, -1.614),
    "LON": (51.507, -0.128),
    "NW": (53.763, -2.703),
    "YH": (53.800, -1.549),
    "WM": (52.486, -1.890),
    "GM": (53.480, -2.242),
    "KSS": (51.279, 0.522),
    "EE": (52.205, 0.122),
    "EM": (52.954, -1.158),
    "SC": (51.454, -0.978),
    "SW": (50.718, -3.534),
    "WA": (51.481, -3.179),
}
SPREAD = 0.12
ROSH = {RoshLevel.LOW: 45, RoshLevel.MEDIUM: 40, RoshLevel.HIGH: 13, RoshLevel.VERY_HIGH: 2}
FLAG_RATE = {
    "not-near-children": 0.06,
    "not-with-vulnerable-adults": 0.04,
    "not-with-women": 0.03,
    "domestic-abuse-perpetrator": 0.08,
    "arson": 0.02,
    "violence": 0.08,
    "sexual-offending": 0.03,
    "hate-crime": 0.02,
    "weapons": 0.04,
    "self-harm": 0.05,
}
EMPLOYED_SHARE = 0.35
NO_ASSESSMENT_SHARE = 0.05
SUPERSEDED_SHARE = 0.12
INTERPRETER_SHARE = 0.05
GROUP_UNSUITABLE_SHARE = 0.03
HEALTH = (
    "Asthma: inhaler kept on person",
    "Back injury: no heavy lifting over 15 kg",
    "Type 1 diabetes: needs regular breaks to eat",
    "Knee problems: avoid long periods kneeling",
    "Epilepsy (controlled): no work at height or with power tools",
)
DISABILITY_ADJUSTMENTS = (
    "Hearing impairment: face the person when giving instructions",
    "Limited mobility: level sites only, seated tasks where possible",
    "Visual impairment: large-print task sheets",
)
NEURODIVERSITY_ADJUSTMENTS = (
    "Dyslexia: explain tasks verbally, check understanding",
    "ADHD: short tasks with clear breaks",
    "Autism: give notice of any change of site or supervisor",
)
SKILLS = (
    "Painting and decorating",
    "Labouring on building sites",
    "Gardening and grounds maintenance",
    "Joinery",
    "Retail and customer service",
    "Warehouse work, forklift licence",
    "Catering",
    "Bricklaying",
    "Cleaning",
    "No previous work experience",
)
CLOTHING = ("S", "M", "L", "XL", "XXL")
PRAYER_TIMES = ("Friday midday prayers (Jumu'ah)", "Daily prayers: needs a short break at midday and mid-afternoon")
COMMITMENT_DETAIL = {
    "employment": ("Works shifts at a warehouse", "Full-time job, Monday to Friday", "Part-time work in a café"),
    "caring": ("Takes children to and from school", "Cares for a parent"),
    "education": ("College course", "Adult literacy class"),
    "other": ("Drug and alcohol service appointments", "Medical appointments"),
}
NON_ASSOCIATION_REASONS = (
    "Co-defendants in the same offence",
    "Known conflict between them",
    "Victim and perpetrator of a previous offence",
    "Rival groups: risk of violence",
)
PLACES = (
    "Ouseburn",
    "Heaton",
    "Walker",
    "Benwell",
    "Fenham",
    "Elswick",
    "Kenton",
    "Gosforth",
    "Byker",
    "Westerhope",
    "Lemington",
    "Denton",
    "Brunswick",
    "Riverside",
    "Hillside",
    "Northfield",
    "Southgate",
    "Eastfield",
    "Westwood",
    "Ashfield",
    "Mill Lane",
    "Station Road",
    "Greenbank",
    "Highfield",
    "Oakwood",
    "Beechwood",
    "Marsh Lane",
    "Church End",
    "Parkside",
    "Moorside",
)
SAINTS = ("Mary", "John", "Peter", "Andrew", "Michael", "George", "Paul", "James", "Margaret", "Aidan", "Cuthbert")


@dataclass(frozen=True)
class _Template:
    name: str
    beneficiary: str
    kind: str
    tasks: tuple[str, ...]
    children: bool = False
    commercial: bool = False


TEMPLATES: tuple[_Template, ...] = (
    _Template(
        "{place} riverside clearance",
        "{place} Rivers Trust",
        BeneficiaryKind.CHARITY,
        ("Clear litter from the riverbank", "Cut back brambles along the path", "Bag and stack green waste"),
    ),
    _Template(
        "St {saint}'s churchyard maintenance",
        "St {saint}'s Parochial Church Council",
        BeneficiaryKind.COMMUNITY_GROUP,
        ("Mow and strim the churchyard", "Clear leaves from the paths", "Repaint the lych gate"),
    ),
    _Template(
        "{place} allotments path rebuild",
        "{place} Allotment Association",
        BeneficiaryKind.COMMUNITY_GROUP,
        ("Lift old paving", "Lay and compact hardcore", "Edge and gravel the new path"),
    ),
    _Template(
        "{place} park litter pick and planting",
        "{place} Parish Council",
        BeneficiaryKind.COUNCIL,
        ("Litter pick the park", "Weed the flower beds", "Plant bulbs along the main path"),
    ),
    _Template(
        "{place} village hall redecoration",
        "{place} Town Council",
        BeneficiaryKind.COUNCIL,
        ("Protect floors and fittings", "Fill and sand walls", "Paint the main hall"),
    ),
    _Template(
        "{place} Primary School fence painting",
        "{place} Primary School",
        BeneficiaryKind.PUBLIC_BODY,
        ("Sand the fence panels", "Paint the fence", "Clear the playground edges"),
        children=True,
    ),
    _Template(
        "{place} playground refurbishment",
        "{place} Parish Council",
        BeneficiaryKind.COUNCIL,
        ("Remove graffiti", "Repaint play equipment frames", "Replace bark chippings"),
        children=True,
    ),
    _Template(
        "{place} community garden",
        "{place} Community Garden Trust",
        BeneficiaryKind.CHARITY,
        ("Dig over the raised beds", "Build compost bays", "Water and weed"),
    ),
    _Template(
        "{place} woodland footpath repair",
        "Friends of {place} Woods",
        BeneficiaryKind.COMMUNITY_GROUP,
        ("Clear fallen branches", "Repair steps with timber edging", "Resurface muddy stretches"),
    ),
    _Template(
        "{place} food bank warehouse sorting",
        "{place} Food Bank",
        BeneficiaryKind.CHARITY,
        ("Sort donated food by date", "Pack food parcels", "Clean the storage area"),
    ),
    _Template(
        "{place} sports club pitch-side clearance",
        "{place} Social Enterprise Ltd",
        BeneficiaryKind.COMMERCIAL,
        ("Clear overgrown banks", "Repair the perimeter fence"),
        commercial=True,
    ),
)
SHOP_CHARITIES = ("Hospice", "Animal Rescue", "Children's Charity", "Cancer Support", "Mind and Wellbeing")
SESSION_HOURS = ((clock(9, 0), clock(16, 0)), (clock(8, 30), clock(15, 30)), (clock(9, 30), clock(16, 30)))
VEHICLES = (("Ford Transit minibus", 9), ("Vauxhall Movano crew van", 7), ("Renault Master minibus", 12))
NOMINATION_WORK = (
    ("Litter and fly-tipping along the lane behind {place} shops", "Residents and shoppers"),
    ("Overgrown footpath between {place} estate and the school", "Families walking to school"),
    ("Community centre in {place} needs repainting inside", "Groups using the centre"),
    ("Graffiti on the {place} underpass", "Everyone who uses the underpass"),
    ("Clearing the pond in {place} park", "Park users and wildlife"),
)
AUTO_NOW_ADD = (
    (Induction, "booked_at"),
    (Assessment, "created_at"),
    (NonAssociation, "recorded_at"),
    (Beneficiary, "created_at"),
    (Project, "created_at"),
    (ProjectAssessment, "created_at"),
    (Nomination, "submitted_at"),
    (Appointment, "booked_at"),
)


@contextmanager
def _historical_timestamps() -> Iterator[None]:
    fields = [cast(models.DateTimeField, model._meta.get_field(name)) for model, name in AUTO_NOW_ADD]
    saved = [(f, f.auto_now_add) for f in fields]
    try:
        for f, _ in saved:
            f.auto_now_add = False
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, clock(hour, minute), tzinfo=LONDON)


def _working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


@dataclass
class _Team:
    practitioners: list[int] = field(default_factory=list)
    spos: list[int] = field(default_factory=list)
    coordinators: list[int] = field(default_factory=list)
    supervisors: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Case:
    person_id: int
    requirement_id: int
    pdu_id: int
    status: str
    sex: str
    practitioner_id: int | None
    sentence_date: date
    induction_due: date
    availability: dict[str, list[str]] = field(default_factory=dict)


class _Builder:
    def __init__(self, rng: random.Random, fake: Faker, today: date, out: Stream | None) -> None:
        self.rng, self.fake, self.today, self.out = rng, fake, today, out
        self.counts: Counter[str] = Counter()
        pdus = list(Person.objects.values_list("pdu_id", flat=True).distinct().order_by("pdu_id"))
        self.pdus = {p.pk: p for p in Pdu.objects.filter(pk__in=pdus).select_related("region").order_by("code")}
        self.teams: dict[int, _Team] = defaultdict(_Team)
        self.managers: dict[int, list[int]] = defaultdict(list)
        roles = {
            PROBATION_PRACTITIONER: "practitioners",
            SENIOR_PROBATION_OFFICER: "spos",
            PLACEMENT_COORDINATOR: "coordinators",
            SUPERVISOR: "supervisors",
        }
        rows = User.groups.through.objects.filter(
            group__name__in=[*roles, OPERATIONS_MANAGER], user__is_active=True
        ).values_list("user_id", "group__name", "user__pdu_id", "user__region_id", "user__username")
        self.usernames: dict[str, int] = {}
        for user_id, role, pdu_id, region_id, username in sorted(rows):
            self.usernames[username] = user_id
            if role == OPERATIONS_MANAGER:
                if region_id:
                    self.managers[region_id].append(user_id)
            elif pdu_id:
                getattr(self.teams[pdu_id], roles[role]).append(user_id)
        self.flags = dict(RiskFlag.objects.values_list("code", "pk"))
        self.cases = self._cases()

    def _cases(self) -> list[_Case]:
        """Each person's latest requirement, open ones first."""
        chosen: dict[int, _Case] = {}
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
            case = _Case(person_id, pk, pdu_id, status, sex, practitioner_id, sentenced, induction_due)
            current = chosen.get(person_id)
            if current is None or status not in CLOSED_STATUSES or current.status in CLOSED_STATUSES:
                chosen[person_id] = case
        return list(chosen.values())

    def author(self, case: _Case) -> int:
        team = self.teams[case.pdu_id]
        return case.practitioner_id or (team.practitioners[0] if team.practitioners else self.any_user())

    def any_user(self) -> int:
        return next(iter(self.usernames.values()))

    def staff(self, pdu_id: int, kind: str) -> int:
        people = getattr(self.teams[pdu_id], kind)
        if people:
            return cast(int, self.rng.choice(people))
        team = self.teams[pdu_id]
        return cast(int, self.rng.choice(team.coordinators or team.practitioners or [self.any_user()]))

    # ------------------------------------------------------------------------------------------
    # Inductions, assessments, non-associations

    def inductions_and_assessments(self) -> None:
        rng, today = self.rng, self.today
        progress = Progress("Assessments", len(self.cases), "people", self.out)
        diversity = {
            row[0]: row[1:]
            for row in DiversityInformation.objects.values_list(
                "person_id", "first_language", "interpreter_required", "religion_or_belief", "disability"
            )
        }
        pick_rosh = ROSH
        rosh_keys, rosh_weights = list(pick_rosh), list(pick_rosh.values())
        inductions: list[Induction] = []
        assessments: list[Assessment] = []
        flags_for: list[list[int]] = []
        for case in self.cases:
            progress.advance(1)
            author = self.author(case)
            booked = datetime.combine(case.sentence_date, clock(11, 0), tzinfo=LONDON)
            location = f"{self.pdus[case.pdu_id].name} probation office"
            if case.status == S.AWAITING_INDUCTION:
                if rng.random() < 0.6:
                    day = add_working_days(today, rng.randint(1, 8))
                    inductions.append(
                        Induction(
                            requirement_id=case.requirement_id,
                            starts_at=_at(day, rng.choice((9, 10, 13, 14))),
                            location=location,
                            booked_by_id=author,
                            booked_at=booked,
                        )
                    )
                continue
            inducted = _working_day_on_or_before(min(case.induction_due, today - timedelta(days=1)))
            inducted = max(inducted, case.sentence_date)
            starts_at = _at(inducted, rng.choice((9, 10, 13, 14)))
            inductions.append(
                Induction(
                    requirement_id=case.requirement_id,
                    starts_at=starts_at,
                    location=location,
                    booked_by_id=author,
                    booked_at=booked,
                    outcome=InductionOutcome.ATTENDED,
                    minutes_attended=rng.choice((90, 120, 150, 180)),
                    outcome_recorded_by_id=author,
                    outcome_recorded_at=starts_at + timedelta(hours=3),
                )
            )
            awaiting = case.status == S.AWAITING_ASSESSMENT
            if awaiting and rng.random() < 0.7:
                continue
            if not awaiting and rng.random() < NO_ASSESSMENT_SHARE:
                continue
            first_language, interpreter, religion, disability = diversity.get(case.person_id, ("", False, "", ""))
            employed = rng.random() < EMPLOYED_SHARE
            availability, commitments = self._availability(employed)
            case.availability = availability
            rosh = rng.choices(rosh_keys, weights=rosh_weights)[0]
            submitted_day = min(today, inducted + timedelta(days=rng.randint(0, 10)))
            submitted = _at(submitted_day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
            versions = 2 if (not awaiting and rng.random() < SUPERSEDED_SHARE) else 1
            needs_interpreter = bool(interpreter) or rng.random() < INTERPRETER_SHARE * 0.3
            base: dict[str, Any] = {
                "person_id": case.person_id,
                "commitments": commitments,
                "health_limitations": rng.choice(HEALTH) if rng.random() < 0.12 else "",
                "disability_adjustments": rng.choice(DISABILITY_ADJUSTMENTS) if disability else "",
                "neurodiversity_adjustments": rng.choice(NEURODIVERSITY_ADJUSTMENTS) if rng.random() < 0.08 else "",
                "first_language": first_language or "English",
                "interpreter_required": needs_interpreter,
                "interpreter_language": (first_language or "Polish") if needs_interpreter else "",
                "prayer_times": rng.choice(PRAYER_TIMES) if religion == "Muslim" and rng.random() < 0.6 else "",
                "placement_preference": (
                    PlacementPreference.WOMEN_ONLY
                    if case.sex == Sex.FEMALE and rng.random() < 0.5
                    else PlacementPreference.MIXED
                ),
                "transport": rng.choices(list(Transport), weights=(25, 55, 15, 5))[0],
                "max_travel_minutes": rng.choice((30, 45, 60, 60, 75, 90)),
                "skills": rng.choice(SKILLS),
                "clothing_size": rng.choice(CLOTHING),
                "boot_size": str(rng.randint(5, 12) if case.sex == Sex.FEMALE else rng.randint(7, 13)),
                "author_id": author,
            }
            unsuitable = rng.random() < GROUP_UNSUITABLE_SHARE
            base["group_work_unsuitable"] = unsuitable
            base["group_work_unsuitable_reason"] = (
                "Severe anxiety in groups, supported by GP letter" if unsuitable else ""
            )
            base["suitable_placement_types"] = (
                [PlacementType.INDIVIDUAL] if unsuitable else [PlacementType.GROUP, PlacementType.INDIVIDUAL]
            )
            if unsuitable:
                base["placement_preference"] = PlacementPreference.INDIVIDUAL
            flags = [self.flags[code] for code, rate in FLAG_RATE.items() if code in self.flags and rng.random() < rate]
            for version in range(1, versions + 1):
                latest = version == versions
                when = submitted if latest else _at(max(case.sentence_date, inducted), 15)
                row = Assessment(
                    **base,
                    version=version,
                    availability=availability if latest else self._availability(employed)[0],
                    rosh_level=rosh if latest else rng.choice((RoshLevel.LOW, RoshLevel.MEDIUM)),
                    risk_assessed_on=when.date(),
                    risk_notes="Risk reviewed with the practitioner; see OASys." if rosh != RoshLevel.LOW else "",
                    created_at=when - timedelta(hours=2),
                    submitted_at=when,
                    status=AssessmentStatus.CURRENT if latest else AssessmentStatus.SUPERSEDED,
                )
                if latest and version > 1:
                    row.submitted_at = when = max(submitted, _at(inducted, 15) + timedelta(days=14))
                    if when.date() > today:
                        row.submitted_at = when = _at(today, 9)
                    row.risk_assessed_on = when.date()
                    row.created_at = when - timedelta(hours=2)
                if row.rosh_level in (RoshLevel.HIGH, RoshLevel.VERY_HIGH):
                    if awaiting and rng.random() < 0.5:
                        row.status = AssessmentStatus.AWAITING_COUNTERSIGNATURE
                    else:
                        row.countersigned_by_id = self.staff(case.pdu_id, "spos")
                        row.countersigned_at = cast(datetime, row.submitted_at) + timedelta(hours=rng.randint(2, 48))
                elif awaiting:
                    row.status = AssessmentStatus.DRAFT
                    row.submitted_at = None
                assessments.append(row)
                flags_for.append(flags if latest else flags[:1])
        Induction.objects.bulk_create(inductions, batch_size=BATCH_SIZE)
        Assessment.objects.bulk_create(assessments, batch_size=BATCH_SIZE)
        through = Assessment.risk_flags.through
        through.objects.bulk_create(
            [
                through(assessment_id=a.pk, riskflag_id=flag)
                for a, flags in zip(assessments, flags_for, strict=True)
                for flag in flags
            ],
            batch_size=BATCH_SIZE,
        )
        progress.finish()
        self.counts["inductions"] = len(inductions)
        self.counts["assessments"] = len(assessments)
        self._non_associations()

    def _availability(self, employed: bool) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
        rng = self.rng
        availability: dict[str, list[str]] = {}
        commitments: list[dict[str, str]] = []
        if employed:
            for day in ("sat", "sun"):
                if rng.random() < 0.8:
                    availability[day] = ["morning", "afternoon"]
            if not availability:
                availability["sat"] = ["morning", "afternoon"]
            detail = rng.choice(COMMITMENT_DETAIL["employment"])
            for day in DAYS[:5]:
                commitments.append({"day": day, "part": "morning", "reason": "employment", "detail": detail})
            if rng.random() < 0.15:
                availability[rng.choice(DAYS[:5])] = ["evening"]
        else:
            days = rng.sample(DAYS[:5], rng.randint(2, 5))
            if rng.random() < 0.3:
                days.append("sat")
            for day in DAYS:
                if day in days:
                    availability[day] = ["morning", "afternoon"]
            busy = [d for d in DAYS[:5] if d not in days]
            if busy and rng.random() < 0.7:
                reason = rng.choice(("caring", "education", "other"))
                day = rng.choice(busy)
                commitments.append(
                    {"day": day, "part": "morning", "reason": reason, "detail": rng.choice(COMMITMENT_DETAIL[reason])}
                )
        return availability, commitments

    def _non_associations(self) -> None:
        rng = self.rng
        by_pdu: dict[int, list[_Case]] = defaultdict(list)
        for case in self.cases:
            by_pdu[case.pdu_id].append(case)
        rows: list[NonAssociation] = []
        for cases in by_pdu.values():
            pairs = round(len(cases) * 0.005) or (1 if len(cases) >= 60 else 0)
            seen: set[tuple[int, int]] = set()
            for _ in range(pairs):
                a, b = rng.sample(cases, 2)
                key = (min(a.person_id, b.person_id), max(a.person_id, b.person_id))
                if key in seen:
                    continue
                seen.add(key)
                recorded = _at(max(a.sentence_date, b.sentence_date), 14)
                rows.append(
                    NonAssociation(
                        person_id=key[0],
                        other_id=key[1],
                        reason=rng.choice(NON_ASSOCIATION_REASONS),
                        recorded_by_id=self.author(a),
                        recorded_at=recorded,
                    )
                )
        NonAssociation.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.counts["non_associations"] = len(rows)

    # ------------------------------------------------------------------------------------------
    # Beneficiaries, projects, nominations

    def projects(self) -> None:
        rng, fake, today = self.rng, self.fake, self.today
        people = Counter(case.pdu_id for case in self.cases)
        progress = Progress("Projects", len(self.pdus), "PDUs", self.out)
        beneficiaries: dict[tuple[int, str], Beneficiary] = {}
        projects: list[tuple[Project, _Template | None]] = []
        for pdu_id, pdu in self.pdus.items():
            lat0, lon0 = REGION_CENTRE.get(pdu.region.code, (52.5, -1.5))
            pdu_lat = lat0 + rng.uniform(-SPREAD, SPREAD)
            pdu_lon = lon0 + rng.uniform(-SPREAD, SPREAD)
            groups = max(3, round(people[pdu_id] / 10))
            shops = max(1, round(people[pdu_id] / 60))
            names: set[str] = set()
            for i in range(groups + shops):
                shop = i >= groups
                template = None if shop else rng.choice(TEMPLATES)
                for _ in range(20):
                    place, saint = rng.choice(PLACES), rng.choice(SAINTS)
                    if shop:
                        charity = rng.choice(SHOP_CHARITIES)
                        name = f"{place} {charity} shop"
                        ben_name = f"{pdu.name} {charity} Trust"
                    else:
                        assert template is not None
                        name = template.name.format(place=place, saint=saint)
                        ben_name = template.beneficiary.format(place=place, saint=saint)
                    if name not in names:
                        break
                names.add(name)
                kind = BeneficiaryKind.CHARITY if shop else cast(_Template, template).kind
                beneficiary = beneficiaries.get((pdu_id, ben_name))
                if beneficiary is None:
                    beneficiary = beneficiaries[(pdu_id, ben_name)] = Beneficiary(
                        name=ben_name,
                        kind=kind,
                        additionality_justification=(
                            "Work the club would not otherwise pay for: volunteers have cleared it in past years."
                            if kind == BeneficiaryKind.COMMERCIAL
                            else ""
                        ),
                        address=f"{rng.randint(1, 120)} {fake.street_name()}, {pdu.name}",
                        postcode=fake.postcode(),
                        pdu=pdu,
                        contact_name=fake.name(),
                        contact_email=f"contact{len(beneficiaries)}@beneficiary.example.org",
                        contact_phone=fake.phone_number(),
                        mou_signed_on=today - timedelta(days=rng.randint(30, 1_500)),
                        feedback_token=hashlib.sha256(f"{pdu.code}{ben_name}".encode()).hexdigest()[:32],
                        created_at=_at(today - timedelta(days=rng.randint(30, 1_500)), 10),
                    )
                status = rng.choices(list(ProjectStatus), weights=(3, 3, 86, 5, 3))[0]
                start, end = (clock(10, 0), clock(16, 0)) if shop else rng.choice(SESSION_HOURS)
                if shop:
                    days = ["mon", "tue", "wed", "thu", "fri", "sat"]
                else:
                    days = sorted(
                        rng.sample(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], rng.randint(1, 3)), key=DAYS.index
                    )
                    if rng.random() < 0.5 and "sat" not in days:
                        days.append("sat")
                review = status == ProjectStatus.ACTIVE and rng.random() < 0.03
                project = Project(
                    name=name,
                    beneficiary=beneficiary,
                    pdu=pdu,
                    project_type=ProjectType.INDIVIDUAL if shop else ProjectType.GROUP,
                    description=f"{name} for {ben_name}.",
                    address=f"{place}, {pdu.name}",
                    postcode=fake.postcode(),
                    latitude=Decimal(f"{pdu_lat + rng.uniform(-0.05, 0.05):.5f}"),
                    longitude=Decimal(f"{pdu_lon + rng.uniform(-0.08, 0.08):.5f}"),
                    days=days,
                    start_time=start,
                    end_time=end,
                    capacity=1 if shop else rng.randint(4, 8),
                    status=status,
                    review_needed=review,
                    review_reason="Near miss: strimmer debris hit a passer-by" if review else "",
                    review_raised_by_id=self.staff(pdu_id, "supervisors") if review else None,
                    review_raised_at=_at(today - timedelta(days=rng.randint(1, 10)), 15) if review else None,
                    created_at=_at(today - timedelta(days=rng.randint(60, 900)), 11),
                )
                projects.append((project, template))
            progress.advance(1)
        Beneficiary.objects.bulk_create(list(beneficiaries.values()), batch_size=BATCH_SIZE)
        for project, _ in projects:
            project.beneficiary_id = project.beneficiary.pk
        Project.objects.bulk_create([p for p, _ in projects], batch_size=BATCH_SIZE)
        tasks: list[ProjectTask] = []
        assessments: list[ProjectAssessment] = []
        excluded: list[list[int]] = []
        children_flags = [self.flags[c] for c in ("not-near-children", "sexual-offending") if c in self.flags]
        for project, template in projects:
            for position, text in enumerate(template.tasks if template else ("Sort donations", "Steam and hang"), 1):
                tasks.append(ProjectTask(project=project, position=position, description=text))
            if project.status == ProjectStatus.DRAFT:
                continue
            coordinator = self.staff(project.pdu_id, "coordinators")
            managers = self.managers.get(project.pdu.region_id) or [coordinator]
            assessed = project.created_at + timedelta(days=rng.randint(5, 30))
            children = bool(template and template.children)
            assessments.append(
                ProjectAssessment(
                    project=project,
                    hazards="Uneven ground, hand tools, weather, members of the public",
                    controls="Toolbox talk, PPE issued, tools counted out and in, site marked off",
                    welfare_toilets=True,
                    welfare_shelter=rng.random() < 0.7,
                    welfare_drinking_water=True,
                    all_weather=rng.random() < 0.5,
                    wet_weather_contingency="Indoor tasks at the depot",
                    max_people=project.capacity,
                    women_only=bool(template) and rng.random() < 0.03,
                    tools_provided="Spades, rakes, litter pickers, gloves" if template else "",
                    environmental_value="Cleaner, safer space for the community",
                    replaces_paid_work=False,
                    makes_profit=False,
                    involves_personal_care=False,
                    supervises_children_or_vulnerable_adults=False,
                    recommendation="Suitable for unpaid work",
                    status=AssessmentDecision.APPROVED,
                    assessed_by_id=coordinator,
                    recommended_at=assessed,
                    decided_by_id=rng.choice(managers),
                    decided_at=assessed + timedelta(days=rng.randint(1, 5)),
                    created_at=assessed - timedelta(days=1),
                )
            )
            excluded.append(children_flags if children else [])
        ProjectTask.objects.bulk_create(tasks, batch_size=BATCH_SIZE)
        ProjectAssessment.objects.bulk_create(assessments, batch_size=BATCH_SIZE)
        through = ProjectAssessment.excluded_flags.through
        through.objects.bulk_create(
            [
                through(projectassessment_id=a.pk, riskflag_id=flag)
                for a, flags in zip(assessments, excluded, strict=True)
                for flag in flags
            ],
            batch_size=BATCH_SIZE,
        )
        progress.finish()
        self.project_rows = [p for p, _ in projects]
        self.counts["beneficiaries"] = len(beneficiaries)
        self.counts["projects"] = len(projects)
        self._nominations()

    def _nominations(self) -> None:
        rng, fake, today = self.rng, self.fake, self.today
        by_pdu: dict[int, list[Project]] = defaultdict(list)
        for project in self.project_rows:
            by_pdu[project.pdu_id].append(project)
        rows: list[Nomination] = []
        existing = set(Nomination.objects.values_list("reference", flat=True))
        for pdu_id, pdu in self.pdus.items():
            for status in NominationStatus:
                for _ in range(2):
                    reference = f"N{rng.randrange(16**8):08X}"
                    while reference in existing:
                        reference = f"N{rng.randrange(16**8):08X}"
                    existing.add(reference)
                    place = rng.choice(PLACES)
                    work, who = rng.choice(NOMINATION_WORK)
                    submitted_day = today - timedelta(days=rng.randint(1, 4) if status == "new" else rng.randint(6, 60))
                    submitted = _at(submitted_day, rng.randint(8, 21), rng.randint(0, 59))
                    coordinator = self.staff(pdu_id, "coordinators")
                    row = Nomination(
                        reference=reference,
                        nominator_name=fake.name(),
                        nominator_email=f"{reference.lower()}@example.com",
                        nominator_phone=fake.phone_number() if rng.random() < 0.6 else "",
                        work_description=work.format(place=place),
                        location=f"{place}, {pdu.name}",
                        postcode=fake.postcode(),
                        who_benefits=who,
                        heard_about=rng.choice(list(HeardAbout)),
                        pdu=pdu,
                        referral_means=rng.choice(list(ReferralMeans)),
                        fingerprint=hashlib.sha256(reference.encode()).hexdigest(),
                        submitted_at=submitted,
                        acknowledge_by=add_working_days(submitted_day, 5),
                        status=status,
                    )
                    if status != NominationStatus.NEW:
                        row.acknowledged_at = submitted + timedelta(days=rng.randint(1, 4))
                        row.acknowledged_by_id = coordinator
                    if status in (NominationStatus.ACCEPTED, NominationStatus.REJECTED):
                        row.decided_at = cast(datetime, row.acknowledged_at) + timedelta(days=rng.randint(1, 10))
                        row.decided_by_id = coordinator
                    if status == NominationStatus.ACCEPTED and by_pdu[pdu_id]:
                        project = rng.choice(by_pdu[pdu_id])
                        row.project_id, row.beneficiary_id = project.pk, project.beneficiary_id
                    if status == NominationStatus.REJECTED:
                        row.rejection_reason = rng.choice(list(RejectionReason))
                        row.rejection_detail = "Explained to the nominator by email."
                    rows.append(row)
        Nomination.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.counts["nominations"] = len(rows)

    # ------------------------------------------------------------------------------------------
    # Vehicles, drivers, sessions and registers

    def sessions(self) -> None:
        rng, today = self.rng, self.today
        authorised = set(DriverAuthorisation.objects.values_list("driver_id", flat=True))
        registrations = set(Vehicle.objects.values_list("registration", flat=True))
        vehicles: list[Vehicle] = []
        drivers: list[DriverAuthorisation] = []
        for pdu_id, pdu in self.pdus.items():
            team = self.teams[pdu_id]
            for _ in range(max(1, len(team.supervisors) // 3)):
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
            for supervisor in team.supervisors:
                if supervisor not in authorised and rng.random() < 0.5:
                    authorised.add(supervisor)
                    checked = today - timedelta(days=rng.randint(10, 300))
                    drivers.append(
                        DriverAuthorisation(
                            driver_id=supervisor,
                            licence_checked_on=checked,
                            authorised_by_id=rng.choice(self.managers.get(pdu.region_id) or team.coordinators),
                            valid_until=checked + timedelta(days=365),
                        )
                    )
        Vehicle.objects.bulk_create(vehicles, batch_size=BATCH_SIZE)
        DriverAuthorisation.objects.bulk_create(drivers, batch_size=BATCH_SIZE)
        fleet: dict[int, list[Vehicle]] = defaultdict(list)
        for vehicle in vehicles:
            fleet[vehicle.pdu_id].append(vehicle)

        first, last = today - timedelta(days=28), today + timedelta(days=13)
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
            coordinator = self.staff(project.pdu_id, "coordinators")
            for day in project.days:
                weekday = DAYS.index(day)
                lead: int | None = rng.choice(team.supervisors) if team.supervisors else None
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

    def _session(
        self,
        series: SessionSeries,
        on: date,
        team: _Team,
        authorised: set[int],
        fleet: dict[int, list[Vehicle]],
        busy: set[tuple[int, date]],
        vehicle_busy: set[tuple[int, date]],
    ) -> Session:
        rng, today = self.rng, self.today
        supervisor = series.supervisor_id
        if supervisor is None or (supervisor, on) in busy:
            free = [s for s in team.supervisors if (s, on) not in busy]
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
            closed = _at(on, series.end_time.hour, series.end_time.minute) + timedelta(minutes=20)
            session.status = SessionStatus.CLOSED
            session.toolbox_talk_given = session.site_induction_given = True
            session.go_decision = True
            session.checks_recorded_at = _at(on, start.hour, start.minute) + timedelta(minutes=10)
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
        working: dict[int, list[_Case]] = defaultdict(list)
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
        share = {-4: 0.8, -3: 0.8, -2: 0.8, -1: 0.8, 0: 0.6, 1: 0.25}
        progress = Progress("Register", len(by_week), "PDU weeks", self.out)
        for (pdu_id, week), week_sessions in sorted(by_week.items(), key=lambda item: item[0]):
            # The demo supervisor's session today is filled first.
            week_sessions.sort(key=lambda s: (s.supervisor_id != demo_supervisor or s.date != today, s.date))
            people = working[pdu_id][:]
            rng.shuffle(people)
            booker = self.staff(pdu_id, "coordinators")
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

    def _appointment(self, session: Session, case: _Case, booker: int) -> Appointment:
        rng, today = self.rng, self.today
        booked = _at(session.date - timedelta(days=rng.randint(3, 14)), 11)
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
            weights=(84, 7, 5, 2, 2),
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
            row.evidence_due = add_working_days(session.date, 2)
            if outcome == Outcome.ATTENDED_FAILED_TO_COMPLY:
                row.behaviour = Rating.POOR
                row.note = "Refused to follow the supervisor's instructions after two warnings"
        return row


def seed_demo_work(
    *, size: str, seed: int = DEFAULT_SEED, out: Stream | None = None, today: date | None = None
) -> dict[str, int]:
    """Add the work data for the cases already seeded. `size` is accepted for symmetry with the
    cases seed: the amounts follow the caseload of each PDU."""
    rng = random.Random(seed + 1)
    fake = Faker("en_GB")
    fake.seed_instance(seed + 1)
    with transaction.atomic(), _historical_timestamps():
        builder = _Builder(rng, fake, today or timezone.localdate(), out)
        builder.inductions_and_assessments()
        builder.projects()
        builder.sessions()
    return dict(builder.counts)
