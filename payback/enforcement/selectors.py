"""Reads for enforcement, scoped to the user's area like every read.

A failure starts life as an appointment outcome in `delivery` (or a missed induction in `cases`):
these selectors find them there. It becomes a `Failure` record the first time anything is done
about it (the person asked for evidence, evidence recorded, a decision), so a source is named by
a reference: "A" and the appointment's id, or "I" and the induction's id.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from payback.cases.models import CaseStatus, Induction, InductionOutcome, Requirement
from payback.core.policy import PolicyBook
from payback.delivery import rules as delivery_rules
from payback.delivery.models import Appointment
from payback.staff.models import User
from payback.staff.selectors import scope_q

from . import rules
from .models import Action, CourtOutcome, Decision, Evidence, Failure, HearingKind, Letter, Step, Verdict


@dataclass(frozen=True)
class FailureSource:
    """An enforceable outcome and the facts enforcement keeps about it."""

    ref: str
    requirement: Requirement
    occurred_on: date
    outcome: str
    outcome_label: str
    where: str
    supervisor_note: str
    recorded_by_id: int | None
    register_evidence_due: date | None
    appointment: Appointment | None = None
    induction: Induction | None = None


def _appointments(user: User) -> QuerySet[Appointment]:
    return Appointment.objects.filter(
        scope_q(user, pdu_field="person__pdu"),
        outcome__in=sorted(delivery_rules.FAILURES),
        cancelled_at__isnull=True,
    ).select_related(
        "person", "person__practitioner", "session", "session__project", "requirement", "requirement__order"
    )


def _inductions(user: User) -> QuerySet[Induction]:
    return Induction.objects.filter(
        scope_q(user, pdu_field="requirement__person__pdu"), outcome=InductionOutcome.FAILED_TO_ATTEND
    ).select_related("requirement", "requirement__person", "requirement__person__practitioner", "requirement__order")


def _from_appointment(a: Appointment) -> FailureSource:
    return FailureSource(
        ref=f"A{a.pk}",
        requirement=a.requirement,
        occurred_on=a.date,
        outcome=a.outcome,
        outcome_label=a.get_outcome_display(),
        where=a.session.project.name,
        supervisor_note=a.note,
        recorded_by_id=a.outcome_recorded_by_id,
        register_evidence_due=a.evidence_due,
        appointment=a,
    )


def _from_induction(i: Induction) -> FailureSource:
    return FailureSource(
        ref=f"I{i.pk}",
        requirement=i.requirement,
        occurred_on=i.starts_at.date(),
        outcome="induction_failed_to_attend",
        outcome_label="Failed to attend induction",
        where=i.location,
        supervisor_note=i.outcome_reason,
        recorded_by_id=i.outcome_recorded_by_id,
        register_evidence_due=None,
        induction=i,
    )


def failure_source_get(user: User, ref: str) -> FailureSource:
    """The enforceable outcome named by `ref`, if the user may see it; 404 otherwise."""
    kind, number = ref[:1], ref[1:]
    if not number.isdigit():
        raise Http404("No such failure")
    if kind.upper() == "A":
        appointment = _appointments(user).filter(pk=int(number)).first()
        if appointment is not None:
            return _from_appointment(appointment)
    elif kind.upper() == "I":
        induction = _inductions(user).filter(pk=int(number)).first()
        if induction is not None:
            return _from_induction(induction)
    raise Http404("No such failure")


def failure_of(source: FailureSource) -> Failure | None:
    if source.appointment is not None:
        return Failure.objects.filter(appointment=source.appointment).first()
    return Failure.objects.filter(induction=source.induction).first()


def current_decision(failure: Failure | None) -> Decision | None:
    """The decision that stands: the latest one not reversed."""
    return None if failure is None else failure.standing


@dataclass(frozen=True)
class OpenFailure:
    source: FailureSource
    failure: Failure | None
    evidence_due: date | None


def _decided(model_field: str) -> Exists:
    return Exists(Decision.objects.filter(**{f"failure__{model_field}": OuterRef("pk")}, reversed_by__isnull=True))


def failures_to_decide(user: User, *, mine_only: bool = True, overdue_on: date | None = None) -> list[OpenFailure]:
    """Enforceable outcomes with no decision standing, earliest evidence date first. `mine_only`
    keeps the user's own caseload (otherwise everyone in their area, as a senior sees their
    team's); `overdue_on` keeps those whose evidence date has passed by that day."""
    appointments = _appointments(user).exclude(_decided("appointment"))
    inductions = _inductions(user).exclude(_decided("induction"))
    if mine_only:
        appointments = appointments.filter(person__practitioner=user)
        inductions = inductions.filter(requirement__person__practitioner=user)
    sources = [_from_appointment(a) for a in appointments] + [_from_induction(i) for i in inductions]
    failures = _failures_for(sources)
    rows = [OpenFailure(s, failures.get(s.ref), _evidence_due(s, failures.get(s.ref))) for s in sources]
    if overdue_on is not None:
        rows = [r for r in rows if r.evidence_due is not None and r.evidence_due < overdue_on]
    return sorted(rows, key=lambda r: (r.evidence_due or date.max, r.source.ref))


def _failures_for(sources: list[FailureSource]) -> dict[str, Failure]:
    appointment_ids = [s.appointment.pk for s in sources if s.appointment is not None]
    induction_ids = [s.induction.pk for s in sources if s.induction is not None]
    found = Failure.objects.filter(Q(appointment_id__in=appointment_ids) | Q(induction_id__in=induction_ids))
    return {(f"A{f.appointment_id}" if f.appointment_id else f"I{f.induction_id}"): f for f in found}


def _evidence_due(source: FailureSource, failure: Failure | None) -> date | None:
    if failure is not None:
        return failure.evidence_due
    return source.register_evidence_due


def history_of(requirement: Requirement, *, excluding: Failure | None = None) -> rules.History:
    """The warnings given on the person's orders and whether breach action is open: the facts the
    rules' step depends on."""
    actions = Action.objects.filter(requirement__person_id=requirement.person_id, withdrawn_at__isnull=True).exclude(
        failure=excluding
    )
    warnings = tuple(sorted(a.taken_on for a in actions if a.step == Step.WARNING))
    requirements = Requirement.objects.filter(person_id=requirement.person_id)
    return rules.History(warnings=warnings, breach_open=any(open_breach(r) is not None for r in requirements))


def rule_step_for(
    failure_on: date, requirement: Requirement, *, book: PolicyBook, excluding: Failure | None = None
) -> rules.RuleStep:
    """The step the rules give for an unacceptable failure on `failure_on` (see `rules.step_for`)."""
    return rules.step_for(
        failure_on=failure_on,
        history=history_of(requirement, excluding=excluding),
        window_months=book.value("warning_window_months", failure_on),
    )


def _heard() -> Exists:
    """A breach hearing of the action's requirement after it: a later day, or the same day recorded
    after the action was taken (a hearing deals with every breach action before it)."""
    return Exists(
        CourtOutcome.objects.filter(requirement_id=OuterRef("requirement_id"), kind=HearingKind.BREACH).filter(
            Q(hearing_on__gt=OuterRef("taken_on"))
            | Q(hearing_on=OuterRef("taken_on"), recorded_at__gte=OuterRef("taken_at"))
        )
    )


def open_breach(requirement: Requirement) -> Action | None:
    """The first breach action on this requirement that the court has not yet dealt with."""
    breaches = Action.objects.filter(requirement=requirement, step=Step.BREACH, withdrawn_at__isnull=True)
    return breaches.exclude(_heard()).order_by("taken_on", "id").first()


def breach_heard(action: Action) -> bool:
    """Whether the court has heard the breach this action began."""
    return action.step == Step.BREACH and Action.objects.filter(pk=action.pk).filter(_heard()).exists()


def unacceptable_failures(requirement: Requirement) -> list[Failure]:
    """Failures on this requirement whose standing decision is unacceptable, in date order."""
    failures = Failure.objects.filter(requirement=requirement).prefetch_related("decisions")
    return [f for f in failures if (d := f.standing) is not None and d.verdict == Verdict.UNACCEPTABLE]


def enforcement_record(requirement: Requirement) -> dict[str, object]:
    """Everything enforcement holds on a requirement, for the case page and the breach pack."""
    failures = list(
        Failure.objects.filter(requirement=requirement)
        .select_related("recorded_by")
        .select_related("action")
        .prefetch_related("decisions__decided_by", "evidence_requests", "evidence")
    )
    return {
        "failures": failures,
        "actions": list(Action.objects.filter(requirement=requirement).select_related("taken_by", "agreed_by")),
        "court_outcomes": list(CourtOutcome.objects.filter(requirement=requirement)),
        "applications": list(requirement.extension_applications.all()),
        "breach": open_breach(requirement),
        "closed": requirement.status in (CaseStatus.COMPLETED, CaseStatus.REVOKED, CaseStatus.TRANSFERRED_OUT),
    }


def evidence_get(user: User, pk: int) -> Evidence:
    """A piece of evidence on a case the user may see, or 404."""
    evidence = Evidence.objects.filter(scope_q(user, pdu_field="failure__person__pdu"), pk=pk).first()
    if evidence is None:
        raise Http404("No such evidence")
    return evidence


def letter_get(user: User, pk: int) -> Letter:
    letter = Letter.objects.filter(scope_q(user, pdu_field="requirement__person__pdu"), pk=pk).first()
    if letter is None:
        raise Http404("No such letter")
    return letter


def letters_for(requirement: Requirement) -> list[Letter]:
    return list(Letter.objects.filter(requirement=requirement).order_by("-issued_at", "-id"))


def upcoming_appointments(requirement: Requirement, *, on: date) -> list[Appointment]:
    """Sessions the person is booked on from `on`, that have not happened."""
    return list(
        Appointment.objects.filter(requirement=requirement, date__gte=on, cancelled_at__isnull=True, outcome="")
        .select_related("session", "session__project")
        .order_by("date")
    )


def booked_appointment_get(user: User, requirement_pk: int, pk: int) -> Appointment:
    appointment = (
        Appointment.objects.filter(scope_q(user, pdu_field="person__pdu"), requirement_id=requirement_pk, pk=pk)
        .select_related("session", "session__project", "requirement", "requirement__person")
        .first()
    )
    if appointment is None:
        raise Http404("No such appointment")
    return appointment


def overdue_decisions(
    on: date, *, pdu_id: int | None = None, practitioner_id: int | None = None
) -> list[tuple[int, int | None]]:
    """The PDU and practitioner of each failure still awaiting a decision after the day its evidence
    was due, across the country (or one PDU, or one caseload): for management information."""
    person = {k: v for k, v in (("pdu_id", pdu_id), ("practitioner_id", practitioner_id)) if v is not None}
    appointments = (
        Appointment.objects.filter(outcome__in=sorted(delivery_rules.FAILURES), cancelled_at__isnull=True)
        .filter(**{f"person__{k}": v for k, v in person.items()})
        .exclude(_decided("appointment"))
        .annotate(due=Coalesce("failure__evidence_due", "evidence_due"))
        .filter(due__lt=on)
        .values_list("person__pdu_id", "person__practitioner_id")
    )
    inductions = (
        Induction.objects.filter(outcome=InductionOutcome.FAILED_TO_ATTEND, failure__evidence_due__lt=on)
        .filter(**{f"requirement__person__{k}": v for k, v in person.items()})
        .exclude(_decided("induction"))
        .values_list("requirement__person__pdu_id", "requirement__person__practitioner_id")
    )
    return [*appointments, *inductions]
