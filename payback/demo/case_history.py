"""What happens to a requirement after it is made: work, absences, adjustments and status changes."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from payback.cases import rules
from payback.core.workingdays import add_working_days
from payback.demo.case_records import Case, CaseRecords, Entry
from payback.demo.common import DemoDataError, K, S
from payback.demo.population import CORRECTION_REASONS, ETE_REASONS, PAUSE_REASONS, TRANSFER_REASONS, TRAVEL_REASONS


class CaseBuilder(CaseRecords):
    def completion(self, case: Case, on: date) -> date | None:
        return rules.completion_date(
            window_end=case.req.window_end,
            extended_until=case.req.extended_until,
            operational_period_end=case.order.operational_period_end,
            window_applies=self.window_applies(on),
        )

    def history(self, case: Case) -> None:
        """Induction, assessment, placement, then week by week to today."""
        rng, today = self.rng, self.today
        sentenced = case.order.sentence_date
        lag = rng.randint(1, 5) if rng.random() < 0.85 else rng.randint(6, 12)
        inducted = add_working_days(sentenced, lag)
        if inducted > today:
            return
        self.status(case, S.AWAITING_ASSESSMENT, inducted, "Induction completed", case.practitioner)
        if id(case.person) not in self.chunk.surveyed and rng.random() < 0.9:
            self.chunk.surveyed.add(id(case.person))
            london = case.person.pdu.region.code == "LON"
            self.diversity(case.person, london, case.person.pdu.region.code == "WA", self.at(inducted, 12))
        assessed = add_working_days(inducted, rng.randint(2, 10))
        if assessed > today:
            return
        self.status(
            case, S.AWAITING_PLACEMENT, assessed, "UPW assessment and risk assessment completed", case.practitioner
        )
        self.work(case, assessed + timedelta(days=rng.randint(4, 70)))

    def next_slot(self, case: Case, day: date) -> date:
        weekday = day.weekday()
        for offset in range(7):
            if (weekday + offset) % 7 in case.slots:
                return day + timedelta(days=offset)
        return day  # pragma: no cover - every case has a slot

    def work(self, case: Case, start: date) -> None:
        today = self.today
        day = self.next_slot(case, start)
        week_seen = -1
        while True:
            on = min(day, today)
            completion = self.completion(case, on)
            if completion is not None and on > completion and case.remaining > 0:
                if case.status == S.BACKLOG:
                    return
                resume = self.backlog(case, completion)
                if resume is None:
                    return
                day = self.next_slot(case, resume)
                continue
            if day > today:
                return
            week = day.toordinal() // 7
            if week != week_seen:
                week_seen = week
                resume = self.weekly_events(case, day, completion)
                if resume is not None:
                    if resume == day:
                        return
                    day = self.next_slot(case, resume)
                    continue
                if case.closed_on is not None:
                    return
            resume = self.session_day(case, day)
            if resume == day:
                return
            day = self.next_slot(case, resume if resume is not None else day + timedelta(days=1))

    def session_day(self, case: Case, day: date) -> date | None:
        """One of the case's session days: a place offered or not, then attended, missed or
        failed. Returns `day` itself to stop, the day to carry on from, or None for the next slot."""
        rng = self.rng
        if rng.random() > case.offered:
            return None  # no place offered this time (no capacity, or the session was stood down)
        if rng.random() < case.engagement:
            return day if self.attend(case, day) else None
        if rng.random() < case.unacceptable_share:
            return self.failure(case, day)
        return None

    def weekly_events(self, case: Case, day: date, completion: date | None) -> date | None:
        """Rare events checked once a week. Returns the day to carry on from, `day` itself to
        stop (nothing more happens before today), or None to carry on as usual."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.0005:
            self.status(case, S.TRANSFERRED_OUT, day, rng.choice(TRANSFER_REASONS), case.practitioner)
            return day
        if roll < 0.004:
            return self.pause(case, day, completion)
        if roll < 0.0042 and case.remaining > 1_200:
            self.reduce(case, day)
        if case.ete_rate and rng.random() < case.ete_rate:
            self.ete_credit(case, day)
            if case.remaining == 0:
                self.status(case, S.COMPLETED, day, "All hours credited", None, hour=16)
                return day
        return None

    def attend(self, case: Case, day: date) -> bool:
        """A session attended: hours credited (capped at what is owed). True when complete."""
        rng = self.rng
        wanted = self.pick_session()
        # The same rule as the live ledger: only the work still needed, counting its own reduction.
        decision = rules.credit_needed(
            kind=K.WORK,
            minutes=wanted,
            occurred_on=day,
            balance=self.balance(case),
            work=case.work,
            terms=self.earning_terms(case, day),
        )
        minutes = decision.credited
        note = f"Hours worked ({decision.note})" if decision.note else "Hours worked"
        at = self.at(day, 16)
        supervisor = rng.choice(case.supervisors) if case.supervisors else None
        original = self.entry(case, K.WORK, minutes, day, note, "appointment", supervisor, at)
        if case.status == S.AWAITING_PLACEMENT:
            self.status(case, S.WORKING, day, "Hours worked", None, hour=16)
        self.earned_reduction(case, day)
        if case.remaining > 0 and rng.random() < 0.008:
            self.correct(case, original, day)
        if case.remaining > 0 and case.travel_rate and rng.random() < case.travel_rate:
            cap = self.policy("travel_adjustment_cap_minutes", day)
            travel = min(rng.randrange(30, 181, 15), cap, case.remaining)
            entry = self.entry(
                case, K.TRAVEL, travel, day, rng.choice(TRAVEL_REASONS), "adjustment", case.practitioner, at
            )
            if case.remaining > 0 and rng.random() < 0.05:
                self.correct(case, entry, day)
        if case.remaining == 0:
            self.status(case, S.COMPLETED, day, "All hours credited", None, hour=17)
            return True
        return False

    def correct(self, case: Case, original: Entry, day: date) -> None:
        """A reversing entry a few days later, and sometimes the right figure re-entered."""
        rng = self.rng
        when = day + timedelta(days=rng.randint(1, 10))
        if when > self.today:
            return
        at = self.at(when, 10)
        reason = rng.choice(CORRECTION_REASONS)
        self.entry(
            case, original.kind, -original.minutes, day, reason, "correction", case.practitioner, at, reverses=original
        )
        if original.kind == K.WORK and not reason.startswith("Entered twice") and rng.random() < 0.7:
            minutes = min(max(60, original.minutes - rng.choice((30, 60, 90, 120))), case.remaining)
            self.entry(case, K.WORK, minutes, day, "Hours worked (re-entered)", "appointment", case.practitioner, at)
        self.earned_reduction(case, day)

    def ete_credit(self, case: Case, day: date) -> None:
        rng = self.rng
        cap = rules.ete_cap_minutes(case.total, self.policy("ete_cap_percent", day))
        minutes = min(rng.randrange(180, 901, 60), cap - case.ete, case.remaining)
        if minutes < 60:
            return
        at = self.at(day, 14)
        entry = self.entry(case, K.ETE, minutes, day, rng.choice(ETE_REASONS), "ete", case.practitioner, at)
        if case.remaining > 0 and rng.random() < 0.04:
            self.correct(case, entry, day)

    def balance(self, case: Case) -> rules.Balance:
        """What the rules need of a case's running sums (travel and stand-down lumped together)."""
        worked = sum(minutes for _, minutes in case.work)
        return rules.Balance(
            ordered_minutes=case.total,
            variation_minutes=0,
            work_minutes=worked,
            travel_minutes=case.credited - worked - case.ete - case.earned,
            ete_minutes=case.ete,
            earned_reduction_minutes=case.earned,
        )

    def earning_terms(self, case: Case, day: date) -> rules.EarningTerms:
        in_force = self.scheme_start is not None and day >= self.scheme_start
        return rules.EarningTerms(
            scheme=self.policy("earned_reduction", day) if in_force else None,
            scheme_start=self.scheme_start,
            earning_stopped_on=case.req.earning_stopped_on,
        )

    def earned_reduction(self, case: Case, day: date) -> None:
        if self.scheme_start is None or day < self.scheme_start:
            return
        delta = rules.reduction_change(balance=self.balance(case), work=case.work, terms=self.earning_terms(case, day))
        if delta:
            reason = (
                "Earned reduction for hours worked beyond the threshold"
                if delta > 0
                else "Earned reduction recalculated after a correction"
            )
            self.entry(case, K.EARNED_REDUCTION, delta, day, reason, "earned_reduction", None, self.at(day, 17))

    def court_variation(self, case: Case, day: date, minutes: int, extended_until: date | None, reason: str) -> None:
        at = self.at(day, 15)
        if extended_until is not None:
            before = case.req.extended_until
            case.req.extended_until = extended_until
            self.audit(
                at,
                case.practitioner,
                "requirement.extended",
                case.req,
                f"Court extended the time to complete to {extended_until:%d %B %Y}",
                case.person,
                before={"extended_until": before.isoformat() if before else None},
                after={"extended_until": extended_until.isoformat()},
            )
        self.entry(case, K.COURT_VARIATION, minutes, day, reason, "court", case.practitioner, at)

    def reduce(self, case: Case, day: date) -> None:
        """Rarely, the court takes hours away (on appeal or review)."""
        hours = self.rng.choice((10, 20))
        new_total = case.total - hours * 60
        cap = rules.ete_cap_minutes(new_total, self.policy("ete_cap_percent", day))
        if hours * 60 >= case.remaining or case.ete > cap:
            return
        reason = f"{case.court}: on appeal, {hours} hours taken off the order"
        self.court_variation(case, day, -hours * 60, None, reason)

    def extension_end(self, case: Case, base: date, hearing: date) -> date | None:
        """A new completion date 3 to 6 months on, never past an SSO's operational period."""
        end = max(base, hearing) + relativedelta(months=self.rng.randint(3, 6))
        op_end = case.order.operational_period_end
        if op_end is not None:
            end = min(end, op_end)
        return end if end > hearing + timedelta(days=28) else None

    def backlog(self, case: Case, completion: date) -> date | None:
        """The completion date passed with hours owed. Returns the day work resumes after the
        court extends, or None."""
        rng, today = self.rng, self.today
        marked = completion + timedelta(days=rng.randint(1, 10))
        if marked > today or rng.random() < 0.1:
            return None  # not moved yet: the caseload still flags it as backlog
        self.status(case, S.BACKLOG, marked, "Completion date passed with hours outstanding", None, hour=7)
        hearing = marked + timedelta(days=rng.randint(14, 70))
        if hearing > today:
            return None
        roll = rng.random()
        if roll < 0.45:
            end = self.extension_end(case, completion, hearing)
            if end is not None:
                reason = f"{case.court}: time to complete extended to {end:%d %B %Y}"
                self.court_variation(case, hearing, 0, end, reason)
                self.status(case, S.AWAITING_PLACEMENT, hearing, "Court varied the order", case.practitioner, hour=15)
                return hearing + timedelta(days=rng.randint(3, 14))
        if roll > 0.85:
            self.status(case, S.REVOKED, hearing, f"{case.court}: order revoked and re-sentenced", case.practitioner)
        return None

    def pause(self, case: Case, day: date, completion: date | None) -> date:
        """Paused for a few weeks (medical, custody). Returns the day to carry on from."""
        rng = self.rng
        why = rng.choice(PAUSE_REASONS)
        self.status(case, S.PAUSED, day, why, case.practitioner, hour=9)
        resume_to = S.WORKING if case.work else S.AWAITING_PLACEMENT
        back = day + timedelta(weeks=rng.randint(3, 26))
        if back > self.today:
            return day  # still paused today
        if completion is not None and back > completion:
            return completion + timedelta(days=1)  # the window ran out while paused
        self.status(case, resume_to, back, f"Back from pause ({why.lower()})", case.practitioner, hour=9)
        return back

    def failure(self, case: Case, day: date) -> date | None:
        """A session missed without a good reason in the older history: nothing is credited. What
        enforcement did about failures is done through the enforcement services, for the failures
        on the seeded registers (see `enforcement.py`), so nothing of it is written here."""
        return None

    def check(self, case: Case) -> None:
        """The ledger against the rules: nothing owed below zero, ETE within its cap."""
        balance = rules.balance_of(case.ordered, case.entries)
        cap = rules.ete_cap_minutes(balance.total_ordered_minutes, self.policy("ete_cap_percent", self.today))
        if balance.remaining_minutes < 0 or balance.ete_minutes > cap:
            raise DemoDataError(f"Requirement for {case.person.crn} breaks the rules: {balance}")
        if case.status == S.COMPLETED and balance.remaining_minutes != 0:
            raise DemoDataError(f"Requirement for {case.person.crn} is completed with hours owed")

    def finish(self, case: Case) -> None:
        self.check(case)
        case.req.status = case.status
