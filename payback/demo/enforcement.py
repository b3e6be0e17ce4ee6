"""Demo enforcement, done through the enforcement services as practitioners would have done it:
for the failures on the seeded registers, the person asked for evidence, evidence received,
decisions (with the warnings and breach action the rules give, and their letters), the court's
outcomes on older breaches, and the reviews that have come due. Some failures are left waiting
on "To decide", a few of them overdue, so the lists have something in them.

Each step happens on its own day: the services' "today" is moved to that day while it runs."""

import heapq
import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from functools import partial
from itertools import count
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from payback.cases.models import CLOSED_STATUSES, Requirement
from payback.core.commands import as_command
from payback.core.selectors import policy_book
from payback.core.workingdays import add_working_days
from payback.delivery import rules as delivery_rules
from payback.delivery.models import Appointment
from payback.enforcement import services
from payback.enforcement.models import Action, Step
from payback.enforcement.review_selectors import review_figures, reviews_due
from payback.enforcement.selectors import FailureSource, failure_source_get
from payback.staff.models import User

from .common import LONDON, Progress, Stream

FAILURES_PER_PDU = 60  # the most taken up in each PDU: enough to show in the demo's own PDUs
FAILURES_IN_ALL = 1_500  # and in all: quick at national size (every PDU still gets some)
EVIDENCE = (
    "GP's fit note for the day",
    "Letter from the employer: called in to an extra shift",
    "Hospital appointment letter",
    "Text message saying the bus did not run",
)
REASONS_ACCEPTABLE = ("The note covers the day", "Confirmed with the employer", "Appointment confirmed")
REASONS_UNACCEPTABLE = ("No evidence given by the date", "The explanation does not cover the absence")
COURTS_SAY = (
    ("continues_extra_hours", 10 * 60, None),
    ("extended", 0, 91),  # days more to complete
    ("continues_fine", 0, None),
    ("continues", 0, None),
    ("revoked_resentenced", 0, None),
)


_ticks = count()


@contextmanager
def on_day(day: date) -> Iterator[None]:
    """The services see `day` as today while a step of the history is done, from 10:00 in London;
    the clock moves on a millisecond each time it is read, so the steps of one day keep their order."""
    opening = datetime.combine(day, time(10), tzinfo=LONDON)
    with (
        mock.patch("django.utils.timezone.localdate", return_value=day),
        mock.patch("django.utils.timezone.now", side_effect=lambda: opening + timedelta(milliseconds=next(_ticks))),
    ):
        yield


class EnforcementBuilder:
    """Plays the enforcement of the seeded failures forward day by day: each step is an event on
    its day, and a step may put the next one in the diary (a decision after the evidence date, a
    hearing after breach action), so everything happens in the order it would have."""

    def __init__(self, rng: random.Random, today: date, out: Stream | None) -> None:
        self.rng, self.today, self.out = rng, today, out
        self.counts: Counter[str] = Counter()
        self.diary: list[tuple[date, int, Callable[[], None]]] = []
        self.order = count()
        self.progress = Progress("Enforcement", 0, "failures", None)

    def on(self, day: date, step: Callable[[], None]) -> None:
        """Put a step in the diary, if its day has come by today."""
        if day < self.today:
            heapq.heappush(self.diary, (day, next(self.order), step))

    def failures(self) -> None:
        for appointment in self._chosen_failures():
            practitioner = appointment.person.practitioner
            assert practitioner is not None  # chosen only where the person has one
            source = failure_source_get(practitioner, f"A{appointment.pk}")
            asked = add_working_days(appointment.date, self.rng.choice((1, 1, 2)))
            self.on(asked, partial(self._ask, practitioner, source, asked))
        self.progress = Progress("Enforcement", len(self.diary), "failures", self.out)
        while self.diary:
            day, _, step = heapq.heappop(self.diary)
            try:
                with on_day(day):
                    step()
            except ValidationError:
                self.counts["steps the rules refused"] += 1  # the case had closed, say: nothing done
        self.progress.finish()

    def _chosen_failures(self) -> list[Appointment]:
        taken: Counter[int] = Counter()
        chosen: list[Appointment] = []
        # Only failures after the case's last change of status in the seeded history, so that what
        # enforcement changes follows it.
        failures = (
            Appointment.objects.filter(outcome__in=sorted(delivery_rules.FAILURES), date__lt=self.today)
            .exclude(requirement__status__in=CLOSED_STATUSES)
            .filter(person__practitioner__isnull=False, cancelled_at__isnull=True)
            .annotate(settled=Max("requirement__status_changes__changed_at"))
            .filter(settled__date__lt=F("date"))
            .select_related("person", "person__practitioner")
            .order_by("date", "id")
        )
        pdus = failures.values("person__pdu_id").distinct().count()
        cap = max(10, min(FAILURES_PER_PDU, FAILURES_IN_ALL // max(1, pdus)))
        for appointment in failures:
            if taken[appointment.person.pdu_id] < cap:
                taken[appointment.person.pdu_id] += 1
                chosen.append(appointment)
        return chosen

    def _ask(self, practitioner: User, source: FailureSource, asked: date) -> None:
        self.progress.advance(1)
        rng = self.rng
        method = rng.choice(("letter", "phone", "text"))
        request = services.evidence_request_record(actor=practitioner, source=source, method=method, asked_on=asked)
        self.counts["evidence requests"] += 1
        if rng.random() < 0.15:
            return  # left waiting for the practitioner (overdue once the due date has passed)
        decide_on = request.due_on + timedelta(days=rng.randint(1, 4))
        if rng.random() < 0.4:
            self.on(decide_on, partial(self._acceptable, practitioner, source, request.due_on - timedelta(days=1)))
        else:
            self.on(decide_on, partial(self._unacceptable, practitioner, source))

    def _acceptable(self, practitioner: User, source: FailureSource, received: date) -> None:
        description = self.rng.choice(EVIDENCE)
        services.evidence_record(actor=practitioner, source=source, description=description, received_on=received)
        reason = self.rng.choice(REASONS_ACCEPTABLE)
        services.failure_decide(actor=practitioner, source=source, verdict="acceptable", reason=reason)
        self.counts["decided acceptable"] += 1

    def _unacceptable(self, practitioner: User, source: FailureSource) -> None:
        reason = self.rng.choice(REASONS_UNACCEPTABLE)
        decision = services.failure_decide(actor=practitioner, source=source, verdict="unacceptable", reason=reason)
        action = decision.failure.action
        self.counts[f"{action.step} steps"] += 1
        if action.step == Step.BREACH and action.rule_code != "breach_open":
            self.on(action.taken_on + timedelta(days=self.rng.randint(14, 21)), partial(self._hearing, action))

    def _hearing(self, breach: Action) -> None:
        """The court hears the breach; a choice that breaks a rule for this order (300 hours, an
        operational period) is not made."""
        hearing = timezone.localdate()
        outcome, extra, days = self.rng.choice(COURTS_SAY)
        services.court_outcome_record(
            actor=breach.taken_by,
            requirement=breach.requirement,
            kind="breach",
            hearing_on=hearing,
            court=breach.requirement.order.court,
            outcome=outcome,
            extra_minutes=extra,
            extended_until=hearing + timedelta(days=days) if days else None,
        )
        self.counts["court outcomes"] += 1

    def reviews(self) -> None:
        """Reviews that came due in the last four weeks: most done a few days after, with the action
        the figures suggest; the rest left due."""
        book = policy_book()
        for practitioner in User.objects.filter(caseload__isnull=False).distinct():
            for point in reviews_due(practitioner, book=book, on=self.today, mine_only=True):
                done_on = point.due_on + timedelta(days=self.rng.randint(0, 6))
                if point.due_on < self.today - timedelta(weeks=4) or done_on >= self.today:
                    continue
                if self.rng.random() < 0.25:
                    continue
                self._review(practitioner, point.requirement, point.point_months, done_on)

    def _review(self, practitioner: User, requirement: Requirement, point: int, on: date) -> None:
        with on_day(on):
            suggested = review_figures(requirement, book=policy_book(), on=on).projection.action
            services.review_complete(actor=practitioner, requirement=requirement, point_months=point, action=suggested)
        self.counts["reviews"] += 1


def seed_demo_enforcement(*, seed: int, today: date, out: Stream | None = None) -> dict[str, int]:
    """Enforcement for the failures on the seeded registers, the court on older breaches, and
    the reviews come due: all through the services, each on its own day."""
    builder = EnforcementBuilder(random.Random(seed + 2), today, out)
    with transaction.atomic(), as_command():
        builder.failures()
        builder.reviews()
    return dict(builder.counts)
