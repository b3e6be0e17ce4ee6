"""Demo inductions, UPW assessments with the risk picture, and non-associations."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any, cast

from payback.cases.assessment.rules import DAYS
from payback.cases.models import (
    Assessment,
    AssessmentStatus,
    DiversityInformation,
    Induction,
    InductionOutcome,
    NonAssociation,
    PlacementPreference,
    PlacementType,
    RoshLevel,
    Sex,
    Transport,
)
from payback.core.workingdays import add_working_days
from payback.demo.common import LONDON, Progress, bulk_link
from payback.demo.work_base import WorkBase, WorkCase, at, working_day_on_or_before
from payback.demo.work_tables import (
    BATCH_SIZE,
    CLOTHING,
    COMMITMENT_DETAIL,
    DISABILITY_ADJUSTMENTS,
    EMPLOYED_SHARE,
    FLAG_RATE,
    GROUP_UNSUITABLE_SHARE,
    HEALTH,
    INTERPRETER_SHARE,
    NEURODIVERSITY_ADJUSTMENTS,
    NO_ASSESSMENT_SHARE,
    NON_ASSOCIATION_REASONS,
    PRAYER_TIMES,
    ROSH,
    SKILLS,
    SUPERSEDED_SHARE,
    S,
)
from payback.staff.roles import SENIOR_PROBATION_OFFICER


class AssessmentsBuilder(WorkBase):
    def inductions_and_assessments(self) -> None:
        rng = self.rng
        progress = Progress("Assessments", len(self.cases), "people", self.out)
        diversity = {
            row[0]: row[1:]
            for row in DiversityInformation.objects.values_list(
                "person_id", "first_language", "interpreter_required", "religion_or_belief", "disability"
            )
        }
        inductions: list[Induction] = []
        assessments: list[Assessment] = []
        flags_for: list[list[int]] = []
        for case in self.cases:
            progress.advance(1)
            inducted = self._induction(case, inductions)
            if inducted is None:
                continue
            awaiting = case.status == S.AWAITING_ASSESSMENT
            if awaiting and rng.random() < 0.7:
                continue
            if not awaiting and rng.random() < NO_ASSESSMENT_SHARE:
                continue
            rows, flags = self._assessments(case, diversity.get(case.person_id, ("", False, "", "")), inducted)
            assessments.extend(rows)
            flags_for.extend(flags if row.version == len(rows) else flags[:1] for row in rows)
        Induction.objects.bulk_create(inductions, batch_size=BATCH_SIZE)
        Assessment.objects.bulk_create(assessments, batch_size=BATCH_SIZE)
        bulk_link(Assessment.risk_flags, assessments, flags_for)
        progress.finish()
        self.counts["inductions"] = len(inductions)
        self.counts["assessments"] = len(assessments)
        self._non_associations()

    def _induction(self, case: WorkCase, inductions: list[Induction]) -> date | None:
        """Book the case's induction (attended, unless the case still awaits it): the day it was
        attended, or None."""
        rng, today = self.rng, self.today
        author = self.author(case)
        booked = datetime.combine(case.sentence_date, clock(11, 0), tzinfo=LONDON)
        location = f"{self.pdus[case.pdu_id].name} probation office"
        if case.status == S.AWAITING_INDUCTION:
            # Booked at sentence when the induction is not yet due; some overdue ones are still unbooked.
            if case.induction_due >= today or rng.random() < 0.6:
                day = add_working_days(today, rng.randint(1, 8))
                inductions.append(
                    Induction(
                        requirement_id=case.requirement_id,
                        starts_at=at(day, rng.choice((9, 10, 13, 14))),
                        location=location,
                        booked_by_id=author,
                        booked_at=booked,
                    )
                )
            return None
        inducted = working_day_on_or_before(min(case.induction_due, today - timedelta(days=1)))
        inducted = max(inducted, case.sentence_date)
        starts_at = at(inducted, rng.choice((9, 10, 13, 14)))
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
        return inducted

    def _assessments(
        self, case: WorkCase, diversity: tuple[Any, ...], inducted: date
    ) -> tuple[list[Assessment], list[int]]:
        """The case's assessment (and, now and then, the one it superseded), and its risk flags."""
        rng, today = self.rng, self.today
        awaiting = case.status == S.AWAITING_ASSESSMENT
        employed = rng.random() < EMPLOYED_SHARE
        availability, commitments = self._availability(employed)
        case.availability = availability
        rosh = rng.choices(list(ROSH), weights=list(ROSH.values()))[0]
        submitted_day = min(today, inducted + timedelta(days=rng.randint(0, 10)))
        submitted = at(submitted_day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
        versions = 2 if (not awaiting and rng.random() < SUPERSEDED_SHARE) else 1
        base = self._assessment_answers(case, diversity, commitments)
        flags = [self.flags[code] for code, rate in FLAG_RATE.items() if code in self.flags and rng.random() < rate]
        rows = []
        for version in range(1, versions + 1):
            latest = version == versions
            when = submitted if latest else at(max(case.sentence_date, inducted), 15)
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
                row.submitted_at = when = max(submitted, at(inducted, 15) + timedelta(days=14))
                if when.date() > today:
                    row.submitted_at = when = at(today, 9)
                row.risk_assessed_on = when.date()
                row.created_at = when - timedelta(hours=2)
            self._assessment_status(case, row, awaiting=awaiting)
            rows.append(row)
        return rows, flags

    def _assessment_status(self, case: WorkCase, row: Assessment, *, awaiting: bool) -> None:
        """A high risk needs a senior probation officer's countersignature; awaiting: a draft."""
        rng = self.rng
        if row.rosh_level in (RoshLevel.HIGH, RoshLevel.VERY_HIGH):
            if awaiting and rng.random() < 0.5:
                row.status = AssessmentStatus.AWAITING_COUNTERSIGNATURE
            else:
                row.countersigned_by_id = self.staff(case.pdu_id, SENIOR_PROBATION_OFFICER)
                row.countersigned_at = cast(datetime, row.submitted_at) + timedelta(hours=rng.randint(2, 48))
        elif awaiting:
            row.status = AssessmentStatus.DRAFT
            row.submitted_at = None

    def _assessment_answers(
        self, case: WorkCase, diversity: tuple[Any, ...], commitments: list[dict[str, str]]
    ) -> dict[str, Any]:
        """What every version of the case's assessment says about the person."""
        rng = self.rng
        first_language, interpreter, religion, disability = diversity
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
            "author_id": self.author(case),
        }
        unsuitable = rng.random() < GROUP_UNSUITABLE_SHARE
        base["group_work_unsuitable"] = unsuitable
        base["group_work_unsuitable_reason"] = "Severe anxiety in groups, supported by GP letter" if unsuitable else ""
        base["suitable_placement_types"] = (
            [PlacementType.INDIVIDUAL] if unsuitable else [PlacementType.GROUP, PlacementType.INDIVIDUAL]
        )
        if unsuitable:
            base["placement_preference"] = PlacementPreference.INDIVIDUAL
        return base

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
        by_pdu: dict[int, list[WorkCase]] = defaultdict(list)
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
                recorded = at(max(a.sentence_date, b.sentence_date), 14)
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
