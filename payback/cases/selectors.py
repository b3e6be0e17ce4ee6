"""Reads of case data. Every read is scoped to the user's PDU, region or the country: an object
outside their scope is not found."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.utils import timezone

from payback.core.models import AuditEvent
from payback.core.policy import PolicyBook
from payback.core.selectors import audit_events_for, found_or_404, policy_book
from payback.staff.models import User
from payback.staff.selectors import in_area

from . import rules
from .models import (
    CLOSED_STATUSES,
    CaseAllocation,
    CaseStatus,
    LedgerEntry,
    LedgerKind,
    Person,
    Requirement,
    SbarConsultation,
)


def requirement_balance(requirement: Requirement) -> rules.Balance:
    rows = requirement.ledger.values("kind").annotate(total=Sum("minutes")).values_list("kind", "total")
    return rules.balance_of(requirement.ordered_minutes, rows)


def requirement_completion_date(requirement: Requirement, *, book: PolicyBook, on: date) -> date | None:
    return rules.completion_date(
        window_end=requirement.window_end,
        extended_until=requirement.extended_until,
        operational_period_end=requirement.order.operational_period_end,
        window_applies=rules.window_in_force(book, on),
    )


def requirement_is_backlog(requirement: Requirement, *, book: PolicyBook, on: date, remaining: int) -> bool:
    return rules.is_backlog(
        completion=requirement_completion_date(requirement, book=book, on=on),
        remaining_minutes=remaining,
        closed=requirement.status in CLOSED_STATUSES,
        on=on,
    )


class DaysBetween(Func):
    """Whole days from `start` to `end` (end - start), on PostgreSQL and SQLite."""

    output_field = IntegerField()
    arity = 2

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _completion_expression(book: PolicyBook, today: date) -> F:
    """The stored completion date for the regime in force today (see Requirement.due_date)."""
    return F("due_date") if rules.window_in_force(book, today) else F("due_date_without_window")


def requirements_for(user: User) -> QuerySet[Requirement]:
    """Every requirement the user may see, with the person and order."""
    return in_area(Requirement, user, "person__pdu").select_related(
        "person", "order", "person__pdu", "person__practitioner"
    )


def with_balance(qs: QuerySet[Requirement], *, book: PolicyBook, today: date) -> QuerySet[Requirement]:
    """Annotate remaining minutes and the completion date, in the database."""
    return qs.annotate(
        completion=_completion_expression(book, today),
        remaining=F("ordered_minutes") + F("variation_minutes") - F("credited_minutes"),
    )


@dataclass(frozen=True)
class CaseloadFilters:
    status: str = ""
    pdu: int | None = None
    flag: str = ""  # overdue, due_soon, at_risk, backlog
    q: str = ""
    mine: bool = False
    team: bool = False  # the cases of the teams the user leads or works in
    sort: str = "completion"
    descending: bool = False


SORTS = {
    "name": ("person__last_name", "person__first_name"),
    "crn": ("person__crn",),
    "sentenced": ("order__sentence_date",),
    "remaining": ("remaining",),
    "completion": ("completion",),
    "status": ("status",),
}
FLAGS = {
    "overdue": "Induction or assessment overdue",
    "due_soon": "Induction or assessment due in the next 7 days",
    "at_risk": "At risk of not finishing in time",
    "backlog": "Backlog (completion date passed)",
}


def caseload(
    user: User, filters: CaseloadFilters, *, today: date | None = None, book: PolicyBook | None = None
) -> QuerySet[Requirement]:
    today = today or timezone.localdate()
    book = book or policy_book()
    weekly = book.value("weekly_offer_minimum_minutes", today)
    qs = with_balance(requirements_for(user), book=book, today=today)
    if filters.status:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.exclude(status__in=CLOSED_STATUSES)
    if filters.pdu:
        qs = qs.filter(person__pdu_id=filters.pdu)
    if filters.mine:
        qs = qs.filter(person__practitioner=user)
    if filters.team:
        qs = qs.filter(team_q(user))
    if filters.q:
        term = filters.q.strip()
        if rules_crn_like(term):
            qs = qs.filter(person__crn=term.upper())
        else:
            for word in term.split()[:3]:
                qs = qs.filter(Q(person__first_name__istartswith=word) | Q(person__last_name__istartswith=word))
    open_cases = ~Q(status__in=CLOSED_STATUSES)
    induction_pending = Q(status=CaseStatus.AWAITING_INDUCTION)
    assessment_pending = Q(status__in=[CaseStatus.AWAITING_INDUCTION, CaseStatus.AWAITING_ASSESSMENT])
    if filters.flag == "overdue":
        qs = qs.filter(
            (induction_pending & Q(induction_due__lt=today)) | (assessment_pending & Q(assessment_due__lt=today))
        )
    elif filters.flag == "due_soon":
        soon = today + timedelta(days=7)
        qs = qs.filter(
            (induction_pending & Q(induction_due__range=(today, soon)))
            | (assessment_pending & Q(assessment_due__range=(today, soon)))
        )
    elif filters.flag == "backlog":
        qs = qs.filter(open_cases, Q(completion__lt=today), Q(remaining__gt=0))
    elif filters.flag == "at_risk":
        # remaining × 7 > weekly × days left: the hours cannot be worked at the weekly standard in time.
        qs = qs.annotate(days_left=DaysBetween(F("completion"), Value(today, output_field=DateField()))).filter(
            open_cases, Q(completion__gte=today), Q(remaining__gt=0)
        )
        qs = qs.alias(weekly_capacity=F("days_left") * weekly, remaining_weekly=F("remaining") * 7).filter(
            remaining_weekly__gt=F("weekly_capacity")
        )
        scheme = book.value("earned_reduction", today)
        if scheme:
            qs = _at_risk_on_work_still_needed(qs, scheme=scheme, weekly=weekly, book=book, today=today)
    fields = SORTS.get(filters.sort, SORTS["completion"])
    order: list[Any] = [f"-{f}" if filters.descending else f for f in fields]
    if filters.sort == "completion":
        order = [F("completion").desc(nulls_last=True) if filters.descending else F("completion").asc(nulls_last=True)]
    return qs.order_by(*order, "id")


def _at_risk_on_work_still_needed(
    candidates: QuerySet[Requirement], *, scheme: dict[str, Any], weekly: int, book: PolicyBook, today: date
) -> QuerySet[Requirement]:
    """Of open cases at risk on what remains, those at risk on the work still needed (the flag each
    case shows: `rules.is_at_risk` on `requirement_still_needed`). The earned reduction still to come
    is never more than the cap, so a case at risk on what remains less the whole cap, or whose
    earning has stopped, is at risk: decided in the database. Only the rest are worked out from
    their ledgers, all at once."""
    cap = (F("ordered_minutes") + F("variation_minutes")) * scheme["cap_percent"] / 100
    surely = Q(earning_stopped_on__lte=today) | Q(least_weekly__gt=F("weekly_capacity"))
    candidates = candidates.alias(least_weekly=(F("remaining") - cap) * 7)
    unsure = candidates.exclude(surely).select_related(None).only("id", "ordered_minutes", "earning_stopped_on")
    rows = list(unsure.order_by())
    needed = still_needed_of(rows, book=book, on=today)
    at_risk = [r.pk for r in rows if needed[r.pk] * 7 > weekly * vars(r)["days_left"]]
    return candidates.filter(surely | Q(pk__in=at_risk))


# What a row of the caseload page shows, or its flags need (see `case_flags`): nothing else is read.
LISTED_FIELDS = (
    "ordered_minutes",
    "credited_minutes",
    "variation_minutes",
    "status",
    "induction_due",
    "assessment_due",
    "window_end",
    "extended_until",
    "earning_stopped_on",
    "person",
    "person__first_name",
    "person__last_name",
    "person__crn",
    "order",
    "order__sentence_date",
    "order__operational_period_end",
)


def caseload_listed(
    user: User, filters: CaseloadFilters, *, today: date | None = None, book: PolicyBook | None = None
) -> QuerySet[Requirement]:
    """The caseload as its page lists it: the same cases in the same order, reading only the columns
    a row needs, with the person and the order."""
    qs = caseload(user, filters, today=today, book=book)
    return qs.select_related(None).select_related("person", "order").only(*LISTED_FIELDS)


def team_q(user: User) -> Q:
    """Cases whose practitioner is in a team the user leads, or in the user's own team."""
    q = Q(person__practitioner__team__lead=user)
    if user.team_id:
        q |= Q(person__practitioner__team_id=user.team_id)
    return q


def rules_crn_like(term: str) -> bool:
    return len(term) == 7 and term[0].isalpha() and term[1:].isdigit()


# ---------------------------------------------------------------------------------------------
# The hours from here: what earned reduction can still come, and the work still needed


def work_of(requirement: Requirement) -> list[tuple[date, int]]:
    """Every credit of work, as (day, minutes), in date order."""
    return list(
        requirement.ledger.filter(kind=LedgerKind.WORK).values_list("occurred_on", "minutes").order_by("occurred_on")
    )


def earning_terms_on(requirement: Requirement, *, book: PolicyBook, on: date) -> rules.EarningTerms:
    """The earned reduction scheme as it applies to the requirement. Worked out afresh from every
    hour worked, on the scheme's terms as they stand: an entry dated before the scheme began must
    not take back what later hours earned."""
    return rules.EarningTerms(
        scheme=book.value("earned_reduction", on),
        scheme_start=book.first_date_with_value("earned_reduction"),
        earning_stopped_on=requirement.earning_stopped_on,
    )


@dataclass(frozen=True)
class Outlook:
    remaining: int
    earned: int
    most_still_earnable: int
    still_needed: int


def requirement_outlook(requirement: Requirement, *, book: PolicyBook, on: date) -> Outlook:
    return _outlook(requirement, requirement_balance(requirement), work_of(requirement), book=book, on=on)


def _outlook(
    requirement: Requirement, balance: rules.Balance, work: list[tuple[date, int]], *, book: PolicyBook, on: date
) -> Outlook:
    terms = earning_terms_on(requirement, book=book, on=on)
    return Outlook(
        remaining=balance.remaining_minutes,
        earned=balance.earned_reduction_minutes,
        most_still_earnable=rules.most_still_earnable(balance=balance, terms=terms, on=on),
        still_needed=rules.work_still_needed(balance=balance, work=work, terms=terms, on=on),
    )


def _earning_may_change(requirement: Requirement, *, book: PolicyBook, on: date, remaining: int) -> bool:
    """Whether earned reduction can still come, so that the work still needed is less than what remains."""
    stopped = requirement.earning_stopped_on
    return remaining > 0 and bool(book.value("earned_reduction", on)) and (stopped is None or stopped > on)


def still_needed_of(requirements: Sequence[Requirement], *, book: PolicyBook, on: date) -> dict[int, int]:
    """The work still needed (see `requirement_still_needed`) of requirements annotated with what
    remains (see `with_balance`), read for all of them in two queries rather than two each."""
    remaining = {r.pk: int(vars(r)["remaining"]) for r in requirements}  # annotated: see `with_balance`
    needed = {pk: max(minutes, 0) for pk, minutes in remaining.items()}
    earning = [r for r in requirements if _earning_may_change(r, book=book, on=on, remaining=remaining[r.pk])]
    if not earning:
        return needed
    ids = [r.pk for r in earning]
    kinds: dict[int, list[tuple[str, int]]] = {pk: [] for pk in ids}
    sums = LedgerEntry.objects.filter(requirement_id__in=ids).values("requirement_id", "kind")
    for pk, kind, total in sums.annotate(total=Sum("minutes")).values_list("requirement_id", "kind", "total"):
        kinds[pk].append((kind, total))
    work: dict[int, list[tuple[date, int]]] = {pk: [] for pk in ids}
    worked = LedgerEntry.objects.filter(requirement_id__in=ids, kind=LedgerKind.WORK).order_by("occurred_on")
    for pk, day, minutes in worked.values_list("requirement_id", "occurred_on", "minutes"):
        work[pk].append((day, minutes))
    for r in earning:
        balance = rules.balance_of(r.ordered_minutes, kinds[r.pk])
        needed[r.pk] = _outlook(r, balance, work[r.pk], book=book, on=on).still_needed
    return needed


def requirement_still_needed(
    requirement: Requirement, *, book: PolicyBook, on: date, remaining: int | None = None
) -> int:
    """The work still needed (see `rules.work_still_needed`): "at risk" and what may be booked go by
    it. Simply what remains where no earned reduction can still come."""
    if remaining is None:
        remaining = requirement_balance(requirement).remaining_minutes
    if not _earning_may_change(requirement, book=book, on=on, remaining=remaining):
        return max(remaining, 0)
    return requirement_outlook(requirement, book=book, on=on).still_needed


@dataclass(frozen=True)
class CaseFlags:
    remaining: int
    still_needed: int
    completion: date | None
    backlog: bool
    at_risk: bool
    induction: str  # "", "due", "overdue"
    assessment: str


def case_flags_of(requirements: list[Requirement], *, book: PolicyBook, today: date) -> list[CaseFlags]:
    """The flags of each of a page of requirements annotated with what remains (see `with_balance`)."""
    needed = still_needed_of(requirements, book=book, on=today)
    return [case_flags(r, book=book, today=today, still_needed=needed[r.pk]) for r in requirements]


def case_flags(
    requirement: Requirement,
    *,
    book: PolicyBook,
    today: date,
    remaining: int | None = None,
    still_needed: int | None = None,
) -> CaseFlags:
    """Key-date and risk flags for one requirement: annotated (see `with_balance`), or with the
    minutes `remaining` already read from its ledger; with the work `still_needed` if already known."""
    if remaining is None:
        remaining = getattr(requirement, "remaining", None)
    if remaining is None:
        remaining = requirement_balance(requirement).remaining_minutes
    completion = rules.completion_date(
        window_end=requirement.window_end,
        extended_until=requirement.extended_until,
        operational_period_end=requirement.order.operational_period_end,
        window_applies=rules.window_in_force(book, today),
    )
    closed = requirement.status in CLOSED_STATUSES
    weekly = book.value("weekly_offer_minimum_minutes", today)
    if still_needed is None:
        still_needed = requirement_still_needed(requirement, book=book, on=today, remaining=remaining)

    def tag(due: date, pending: bool) -> str:
        if not pending:
            return ""
        return "overdue" if due < today else "due"

    return CaseFlags(
        remaining=remaining,
        still_needed=still_needed,
        completion=completion,
        backlog=rules.is_backlog(completion=completion, remaining_minutes=remaining, closed=closed, on=today),
        at_risk=rules.is_at_risk(
            completion=completion, remaining_minutes=still_needed, weekly_minutes=weekly, closed=closed, on=today
        ),
        induction=tag(requirement.induction_due, requirement.status == CaseStatus.AWAITING_INDUCTION),
        assessment=tag(
            requirement.assessment_due,
            requirement.status in (CaseStatus.AWAITING_INDUCTION, CaseStatus.AWAITING_ASSESSMENT),
        ),
    )


def requirement_get(
    user: User, pk: int, *, related: tuple[str, ...] = (), marks: dict[str, Exists] | None = None
) -> Requirement:
    """One requirement the user may see, or 404; with `related` and `marks` (whether it has records
    of a kind, as attributes) read in the same query."""
    return found_or_404(requirements_for(user).select_related(*related).annotate(**(marks or {})), "case", pk=pk)


def summary_marks() -> dict[str, Exists]:
    """Whether the case has reallocations and consultations: the summary reads them only if so."""
    return {
        "has_allocations": Exists(CaseAllocation.objects.filter(person=OuterRef("person"))),
        "has_consultations": Exists(SbarConsultation.objects.filter(requirement=OuterRef("pk"))),
    }


def person_get(user: User, crn: str) -> Person:
    return found_or_404(people_for(user), "person", crn=crn.upper())


def allocations_of(person: Person) -> QuerySet[CaseAllocation]:
    """The case's reallocations, newest first."""
    return person.allocations.select_related("from_practitioner", "to_practitioner", "created_by").order_by(
        "-created_at", "-id"
    )


def people_for(user: User) -> QuerySet[Person]:
    return in_area(Person, user, "pdu").select_related("pdu")


def ledger_entries_for(user: User) -> QuerySet[LedgerEntry]:
    return in_area(LedgerEntry, user, "requirement__person__pdu").select_related(
        "requirement", "created_by", "reverses"
    )


def ledger_entry_get(user: User, pk: int) -> LedgerEntry:
    return found_or_404(ledger_entries_for(user), "ledger entry", pk=pk)


def ledger_for(requirement: Requirement) -> list[LedgerEntry]:
    """The requirement's ledger in order, each entry knowing whether it has been corrected."""
    entries = list(requirement.ledger.select_related("created_by").order_by("occurred_on", "created_at", "id"))
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    for entry in entries:
        entry.is_reversed = entry.pk in reversed_ids  # type: ignore[attr-defined]
    return entries


def case_history(requirement: Requirement) -> QuerySet[AuditEvent]:
    return audit_events_for(f"person:{requirement.person_id}")


def review_dates(requirement: Requirement, *, book: PolicyBook) -> tuple[date, ...]:
    return rules.key_dates(requirement.order.sentence_date, book).reviews
