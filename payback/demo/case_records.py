"""People, orders and requirements as they are first recorded, kept in memory until written."""

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta
from faker import Faker

from payback.cases import rules
from payback.cases.models import (
    CLOSED_STATUSES,
    DiversityInformation,
    LedgerEntry,
    Order,
    OrderType,
    Person,
    Requirement,
    Sex,
)
from payback.cases.services import STATUS_TRANSITIONS
from payback.core.formatting import format_minutes
from payback.core.policy import PolicyBook
from payback.core.workingdays import is_working_day
from payback.demo.common import LONDON, SENTENCE_SPAN_DAYS, DemoDataError, K, S, weighted
from payback.demo.home_postcodes import pdu_places
from payback.demo.places import ADDRESS_TOWN, COURTS, CRN_LETTERS, STREET_KINDS
from payback.demo.population import (
    DISABILITY,
    ETHNICITY,
    FEMALE_SHARE,
    GENDER_IDENTITY,
    HOURS,
    NEURODIVERSITY,
    OTHER_LANGUAGES,
    RELIGION,
    RELIGION_BY_ETHNICITY,
    SESSION_MINUTES,
    SEX_NOT_KNOWN_SHARE,
    SEXUAL_ORIENTATION,
    SSO_MONTHS,
    SSO_SHARE,
)
from payback.demo.staff import PduStaff
from payback.staff.models import Pdu, User

# ---------------------------------------------------------------------------------------------
# Cases


@dataclass(slots=True, eq=False)
class Entry:
    """A ledger entry to be written (its id is known once written)."""

    req: Requirement
    kind: str
    minutes: int
    occurred_on: date
    reason: str
    source: str
    created_at: datetime
    created_by: User | None
    reverses: "Entry | None" = None
    id: int | None = None

    @property
    def pk(self) -> int | None:
        return self.id


@dataclass(slots=True)
class Change:
    """A case status change to be written."""

    req: Requirement
    from_status: str
    to_status: str
    reason: str
    changed_at: datetime
    changed_by: User | None


@dataclass(slots=True)
class Audit:
    """An audit event to be written once its object has an id."""

    at: datetime
    actor: User | None
    action: str
    object_type: str
    obj: Person | Requirement | Entry
    summary: str
    person: Person
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(slots=True)
class Case:
    """One requirement while its history is being built."""

    req: Requirement
    order: Order
    person: Person
    practitioner: User | None
    supervisors: list[User]
    court: str
    offered: float
    engagement: float
    unacceptable_share: float
    slots: tuple[int, ...]
    travel_rate: float
    ete_rate: float
    status: str = S.AWAITING_INDUCTION
    ordered: int = 0
    variation: int = 0
    credited: int = 0
    ete: int = 0
    earned: int = 0
    work: list[tuple[date, int]] = field(default_factory=list)
    entries: list[tuple[str, int]] = field(default_factory=list)
    closed_on: date | None = None

    @property
    def total(self) -> int:
        return self.ordered + self.variation

    @property
    def remaining(self) -> int:
        return self.ordered + self.variation - self.credited


@dataclass
class Chunk:
    people: list[Person] = field(default_factory=list)
    diversity: list[DiversityInformation] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    concurrent: list[Requirement] = field(default_factory=list)
    ledger: list[Entry] = field(default_factory=list)  # originals, then corrections, in time order
    changes: list[Change] = field(default_factory=list)
    audits: list[Audit] = field(default_factory=list)
    surveyed: set[int] = field(default_factory=set)  # people whose diversity form is recorded

    @property
    def size(self) -> int:
        return len(self.requirements) + len(self.concurrent)


STATUS_LABELS = {value: label.lower() for value, label in S.choices}
KIND_LABELS = {value: label.lower() for value, label in K.choices}
TYPE_PERSON = Person._meta.label_lower
TYPE_REQUIREMENT = Requirement._meta.label_lower
TYPE_ENTRY = LedgerEntry._meta.label_lower


class CaseRecords:
    """Builds people, orders, requirements and their histories into a chunk."""

    def __init__(
        self, *, rng: random.Random, fake: Faker, book: PolicyBook, today: date, now: datetime, crns: set[str]
    ) -> None:
        self.rng, self.fake, self.book, self.today, self.now, self.crns = rng, fake, book, today, now, crns
        self.chunk = Chunk()
        self.pick_hours = weighted(rng, HOURS)
        self.pick_session = weighted(rng, SESSION_MINUTES)
        self.pick_sso_months = weighted(rng, SSO_MONTHS)
        self.pick_ethnicity = {
            london: weighted(rng, {k: v[1 if london else 0] for k, v in ETHNICITY.items()}) for london in (False, True)
        }
        self.pick_religion = weighted(rng, RELIGION)
        self.pick_religion_by = {k: weighted(rng, v) for k, v in RELIGION_BY_ETHNICITY.items()}
        self.pick_disability = weighted(rng, DISABILITY)
        self.pick_neuro = weighted(rng, NEURODIVERSITY)
        self.pick_gender_identity = weighted(rng, GENDER_IDENTITY)
        self.pick_orientation = weighted(rng, SEXUAL_ORIENTATION)
        self.pick_language = weighted(rng, OTHER_LANGUAGES)
        start = today - timedelta(days=SENTENCE_SPAN_DAYS)
        self.sentence_days = [
            start + timedelta(days=n) for n in range(SENTENCE_SPAN_DAYS + 1) if is_working_day(start + timedelta(n))
        ]
        self.scheme_start = book.first_date_with_value("earned_reduction")
        self.key_dates = lru_cache(maxsize=None)(lambda d: rules.key_dates(d, book))
        self.window_end = lru_cache(maxsize=None)(lambda d: rules.window_end(d, book))
        self.window_applies = lru_cache(maxsize=None)(lambda d: rules.window_in_force(book, d))
        self.policy = lru_cache(maxsize=None)(lambda key, d: book.value(key, d))
        self._capacity: dict[int, float] = {}

    def capacity(self, pdu_id: int) -> float:
        """The share of weeks a PDU can offer each person a place: some have too few."""
        if pdu_id not in self._capacity:
            self._capacity[pdu_id] = self.rng.uniform(0.6, 0.95)
        return self._capacity[pdu_id]

    # -- time ---------------------------------------------------------------------------------

    def at(self, day: date, hour: int, minute: int | None = None) -> datetime:
        moment = datetime.combine(
            day, clock(hour, self.rng.randint(0, 59) if minute is None else minute), tzinfo=LONDON
        )
        return min(moment, self.now) if day >= self.today else moment

    # -- records ------------------------------------------------------------------------------

    def audit(
        self,
        at: datetime,
        actor: User | None,
        action: str,
        obj: Person | Requirement | Entry,
        summary: str,
        person: Person,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        object_type = (
            TYPE_ENTRY if isinstance(obj, Entry) else TYPE_REQUIREMENT if isinstance(obj, Requirement) else TYPE_PERSON
        )
        self.chunk.audits.append(Audit(at, actor, action, object_type, obj, summary[:500], person, before, after))

    def status(self, case: Case, to: str, day: date, reason: str, actor: User | None, hour: int = 11) -> None:
        before = case.status
        if to not in STATUS_TRANSITIONS[before]:
            raise DemoDataError(f"Status change from {before} to {to} is not allowed")
        at = self.at(day, hour)
        self.chunk.changes.append(Change(case.req, before, to, reason, at, actor))
        self.audit(
            at,
            actor,
            "requirement.status_changed",
            case.req,
            f"Status changed from {STATUS_LABELS[before]} to {STATUS_LABELS[to]}: {reason}",
            case.person,
            before={"status": before},
            after={"status": to},
        )
        case.status = to
        if to in CLOSED_STATUSES:
            case.closed_on = day

    def entry(
        self,
        case: Case,
        kind: str,
        minutes: int,
        day: date,
        reason: str,
        source: str,
        actor: User | None,
        at: datetime,
        reverses: Entry | None = None,
    ) -> Entry:
        item = Entry(case.req, kind, minutes, day, reason[:500], source, at, actor, reverses)
        self.chunk.ledger.append(item)
        case.entries.append((kind, minutes))
        if kind == K.COURT_VARIATION:
            case.variation += minutes
        else:
            case.credited += minutes
            if kind == K.ETE:
                case.ete += minutes
            elif kind == K.EARNED_REDUCTION:
                case.earned += minutes
            elif kind == K.WORK:
                case.work.append((day, minutes))
        verb = "Correction of" if reverses is not None else "Recorded"
        self.audit(
            at,
            actor,
            "ledger.correction" if reverses is not None else f"ledger.{kind}",
            item,
            f"{verb} {KIND_LABELS[kind]}: {format_minutes(minutes)} ({reason})",
            case.person,
            after={"kind": kind, "minutes": minutes, "occurred_on": day.isoformat(), "source": source},
        )
        return item

    # -- people and orders --------------------------------------------------------------------

    def crn(self) -> str:
        while True:
            value = f"{self.rng.choice(CRN_LETTERS)}{self.rng.randint(0, 999_999):06d}"
            if value not in self.crns:
                self.crns.add(value)
                return value

    def person(self, pdu: Pdu, practitioner: User | None, sentenced: date) -> Person:
        rng, fake = self.rng, self.fake
        roll = rng.random()
        sex = Sex.FEMALE if roll < FEMALE_SHARE else Sex.NOT_KNOWN if roll > 1 - SEX_NOT_KNOWN_SHARE else Sex.MALE
        female = sex == Sex.FEMALE or (sex == Sex.NOT_KNOWN and rng.random() < 0.5)
        first = fake.first_name_female() if female else fake.first_name_male()
        last = fake.last_name()
        age = 18 + rng.gammavariate(2.0, 8.0)
        while age > 70:
            age = 18 + rng.gammavariate(2.0, 8.0)
        birthday = sentenced - relativedelta(years=int(age)) - timedelta(days=rng.randint(1, 364))
        _, towns = COURTS.get(pdu.name, (pdu.name, (pdu.name,)))
        town = "London" if pdu.region.code == "LON" else ADDRESS_TOWN.get(towns[0], towns[0])
        postcode = rng.choice(pdu_places(pdu.code)).postcode
        email = ""
        if rng.random() < 0.6:
            handle = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
            email = f"{handle}{rng.randint(1, 99)}@example.{rng.choice(('com', 'org', 'net'))}"
        person = Person(
            crn=self.crn(),
            first_name=first,
            last_name=last,
            date_of_birth=birthday,
            sex=sex,
            phone=f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.92 else "",
            email=email,
            address=f"{rng.randint(1, 180)} {fake.last_name()} {rng.choice(STREET_KINDS)}, {town}"[:300],
            postcode=postcode,
            pdu=pdu,
            practitioner=practitioner,
            created_at=self.at(sentenced, rng.randint(12, 16)),
        )
        self.chunk.people.append(person)
        return person

    def diversity(self, person: Person, london: bool, welsh: bool, recorded: datetime) -> None:
        rng = self.rng
        ethnicity = self.pick_ethnicity[london]()
        religion = self.pick_religion_by[ethnicity]() if ethnicity in self.pick_religion_by else self.pick_religion()
        english = 0.75 if london else 0.92
        language = "English"
        roll = rng.random()
        if welsh and roll < 0.08:
            language = "Welsh"
        elif roll > english:
            language = self.pick_language()
        self.chunk.diversity.append(
            DiversityInformation(
                person=person,
                ethnicity=ethnicity,
                religion_or_belief=religion,
                disability=self.pick_disability(),
                neurodiversity=self.pick_neuro(),
                gender_identity=self.pick_gender_identity(),
                sexual_orientation=self.pick_orientation(),
                first_language=language,
                interpreter_required=language not in ("English", "Welsh") and rng.random() < 0.35,
                recorded_at=recorded,
            )
        )

    def order(self, person: Person, pdu: Pdu, sentenced: date) -> Order:
        """An order made on the day, by the PDU's Crown Court or one of its magistrates' courts."""
        rng = self.rng
        sso = rng.random() < SSO_SHARE
        crown, towns = COURTS.get(pdu.name, (pdu.name, (pdu.name,)))
        crown_court = rng.random() < (0.45 if sso else 0.1)
        court = f"{crown} Crown Court" if crown_court else f"{rng.choice(towns)} Magistrates' Court"
        months = self.pick_sso_months() if sso else None
        order = Order(
            person=person,
            order_type=OrderType.SUSPENDED_SENTENCE_ORDER if sso else OrderType.COMMUNITY_ORDER,
            sentence_date=sentenced,
            court=court,
            operational_period_months=months,
            operational_period_end=sentenced + relativedelta(months=months) if months else None,
            created_at=self.at(sentenced, rng.randint(12, 16)),
        )
        self.chunk.orders.append(order)
        return order

    def engagement(self, hours: int) -> tuple[float, float, tuple[int, ...]]:
        """How well the person will engage: the share of sessions they attend, the share of those
        that go wrong, and the weekly slots (once a week, or twice for long orders now and then)."""
        rng = self.rng
        tier = rng.random()
        if tier < 0.5:
            engagement, unacceptable = rng.uniform(0.8, 0.97), 0.08
        elif tier < 0.82:
            engagement, unacceptable = rng.uniform(0.55, 0.8), 0.16
        else:
            engagement, unacceptable = rng.uniform(0.2, 0.55), 0.3
        twice = rng.random() < (0.4 if hours >= 150 else 0.1)
        slots = tuple(sorted(rng.sample(range(7), 2))) if twice else (rng.choice((0, 1, 2, 3, 4, 5, 5, 6, 6)),)
        return engagement, unacceptable, slots

    def requirement(
        self, order: Order, hours: int, team: PduStaff, actor: User | None, concurrent_with: Requirement | None = None
    ) -> Case:
        """The unpaid work requirement of the order, recorded by `actor`."""
        rng, person, court = self.rng, order.person, order.court
        sentenced = order.sentence_date
        dates = self.key_dates(sentenced)
        req = Requirement(
            order=order,
            person=person,
            ordered_minutes=hours * 60,
            concurrent_with=concurrent_with,
            status=S.AWAITING_INDUCTION,
            induction_due=dates.induction_due,
            assessment_due=dates.assessment_due,
            window_end=self.window_end(sentenced),
            created_at=order.created_at,
        )
        (self.chunk.concurrent if concurrent_with is not None else self.chunk.requirements).append(req)
        engagement, unacceptable, slots = self.engagement(hours)
        supervisors = rng.sample(team.supervisors, min(2, len(team.supervisors))) if team.supervisors else []
        age = rules.age_on(person.date_of_birth, sentenced)
        case = Case(
            req=req,
            order=order,
            person=person,
            practitioner=person.practitioner,
            supervisors=supervisors,
            court=court,
            offered=self.capacity(person.pdu_id),
            engagement=engagement,
            unacceptable_share=unacceptable,
            slots=slots,
            travel_rate=0.12 if rng.random() < 0.07 else 0.0,
            ete_rate=0.15 if rng.random() < (0.15 if age < 26 else 0.08) else 0.0,
            ordered=hours * 60,
        )
        at = req.created_at
        self.chunk.changes.append(Change(req, "", S.AWAITING_INDUCTION, "Order made", at, actor))
        self.audit(
            at,
            actor,
            "requirement.created",
            req,
            f"Unpaid work requirement of {hours} hours recorded",
            person,
            after={"ordered_minutes": hours * 60},
        )
        return case

    # -- history ------------------------------------------------------------------------------
