"""The work on cases: a practitioner's decisions, reviews, inductions and assessments, risk
concerns and bookings that now break a rule; a senior's countersigning, consultations, overdue
decisions, 1:1s and touch points. Each reads the selectors behind the page where the work is done,
so it counts exactly what that page lists, for the same area."""

from datetime import date

from payback.cases import sbar_selectors
from payback.cases.assessment.selectors import countersign_queue
from payback.cases.models import CaseStatus, Requirement
from payback.cases.selectors import CaseloadFilters, caseload
from payback.delivery import conflicts
from payback.delivery.selectors import concerns_for_practitioner
from payback.enforcement.review_selectors import reviews_due
from payback.enforcement.selectors import OpenFailure, failures_to_decide
from payback.oversight.selectors import OversightDue, oversight_due

from .items import Record, Today, WorkItem, local_day, record, url, waiting, work
from .rules import Urgency, within_horizon

# ---------------------------------------------------------------------------------------------
# A probation practitioner


def _failure_record(row: OpenFailure, t: Today) -> Record:
    source = row.source
    person = source.appointment.person if source.appointment else source.requirement.person
    label = f"{person.full_name}: {source.outcome_label.lower()}"
    return record(label, url("enforcement:failure", source.ref), row.evidence_due, t.today, when_label="Evidence due")


def decisions_due(t: Today) -> WorkItem:
    rows = failures_to_decide(t.user, mine_only=True)
    records = [_failure_record(row, t) for row in rows]
    return work("decisions", "Decisions to make", url("enforcement:to-decide"), records, noun="possible failure")


def reviews(t: Today) -> WorkItem:
    points = reviews_due(t.user, book=t.book, on=t.today, mine_only=True)
    records = [
        record(
            f"{p.requirement.person.full_name}: {p.point_months}-month review",
            url("enforcement:review", p.requirement.pk, p.point_months),
            p.due_on,
            t.today,
        )
        for p in points
    ]
    return work("reviews", "Reviews due", url("enforcement:reviews"), records, noun="review")


def _key_date(case: Requirement) -> tuple[str, date]:
    """The first key date still to meet: the induction's while it is awaited, else the assessment's."""
    if case.status == CaseStatus.AWAITING_INDUCTION:
        return "Induction due", case.induction_due
    return "Assessment due", case.assessment_due


def inductions_and_assessments(t: Today) -> WorkItem:
    """The caseload's "overdue" and "due in the next 7 days" filters, on the practitioner's own cases."""
    found: dict[int, Record] = {}  # a case overdue for one date may be due soon for the other
    for flag in ("overdue", "due_soon"):
        for case in caseload(t.user, CaseloadFilters(flag=flag, mine=True), today=t.today, book=t.book):
            what, due = _key_date(case)
            found.setdefault(
                case.pk, record(case.person.full_name, url("cases:summary", case.pk), due, t.today, when_label=what)
            )
    overdue = any(r.urgency == Urgency.OVERDUE for r in found.values())
    href = url("cases:caseload", query=f"mine=1&flag={'overdue' if overdue else 'due_soon'}")
    return work("starts", "Inductions and assessments due", href, found.values(), noun="case")


def risk_concerns(t: Today) -> WorkItem:
    records = [
        waiting(
            f"{c.person.full_name}: {c.get_category_display().lower()}",
            url("delivery:concern", c.pk),
            local_day(c.raised_at),
        )
        for c in concerns_for_practitioner(t.user)
    ]
    return work("concerns", "Risk concerns to acknowledge", url("delivery:concerns"), records, noun="concern")


def bookings_to_fix(t: Today) -> WorkItem:
    href = url("delivery:bookings-to-fix")
    records = [
        record(f"{a.person.full_name}: {a.session.project.name}", href, a.date, t.today, when_label="Session on")
        for a in conflicts.bookings_to_fix(t.user, today=t.today)
    ]
    return work("bookings", "Bookings that now break a rule", href, records, noun="booking")


# ---------------------------------------------------------------------------------------------
# A senior probation officer


def countersigning(t: Today) -> WorkItem:
    records = [
        waiting(a.person.full_name, url("cases:countersign", a.pk), local_day(a.submitted_at), when_label="Submitted")
        for a in countersign_queue(t.user)
    ]
    return work("countersign", "Assessments to countersign", url("cases:countersign-list"), records, noun="assessment")


def consultations(t: Today) -> WorkItem:
    records = [
        waiting(c.requirement.person.full_name, url("cases:sbar-answer", c.requirement_id), local_day(c.raised_at))
        for c in sbar_selectors.consultations_to_answer(t.user)
    ]
    return work("consultations", "Consultations to answer", url("cases:sbar-list"), records, noun="consultation")


def overdue_decisions(t: Today) -> WorkItem:
    rows = failures_to_decide(t.user, mine_only=False, overdue_on=t.today)
    records = [_failure_record(row, t) for row in rows]
    return work("overdue", "Overdue decisions", url("enforcement:overdue"), records, noun="decision")


def _oversight(t: Today) -> OversightDue:
    return t.memo("oversight", lambda: oversight_due(t.user, today=t.today, book=t.book))


def one_to_ones(t: Today) -> WorkItem:
    records = [
        record(row.practitioner.get_full_name(), url("oversight:supervision", row.practitioner.pk), due, t.today)
        for row in _oversight(t).practitioners
        if within_horizon(due := row.supervision_due, t.today)
    ]
    return work("one_to_ones", "1:1 supervision due", url("oversight:index"), records, noun="practitioner")


def touch_points(t: Today) -> WorkItem:
    records = [
        record(
            f"{row.requirement.person.full_name}: {row.risk_label.lower()} risk",
            url("oversight:touch-point", row.requirement.pk),
            row.due,
            t.today,
        )
        for row in _oversight(t).cases
        if within_horizon(row.due, t.today)
    ]
    return work("touch_points", "Touch points due", url("oversight:index"), records, noun="case")
