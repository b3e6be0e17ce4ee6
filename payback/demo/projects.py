"""Demo beneficiaries, projects with their assessments and tasks, nominations, and the feedback
surveys their beneficiaries answered over the last year."""

import hashlib
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import cast

from payback.cases.assessment.rules import DAYS
from payback.core.workingdays import add_working_days
from payback.demo.assessments import AssessmentsBuilder
from payback.demo.common import Progress, bulk_link
from payback.demo.home_postcodes import pdu_places
from payback.demo.work_base import at
from payback.demo.work_tables import (
    BATCH_SIZE,
    NOMINATION_WORK,
    PLACES,
    SAINTS,
    SESSION_HOURS,
    SHOP_CHARITIES,
    TEMPLATES,
    Template,
)
from payback.projects import rules
from payback.projects.models import (
    AssessmentDecision,
    Beneficiary,
    BeneficiaryKind,
    BeneficiarySurvey,
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
    SurveyKind,
)
from payback.staff.models import Pdu
from payback.staff.roles import PLACEMENT_COORDINATOR, SUPERVISOR

# The feedback surveys draw on a generator of their own, so the rest of the demo is the same with
# or without them.
SURVEY_SEED = 2026_11
SURVEYS_PER_PDU = 4
SATISFACTION_WEIGHTS = (4, 6, 10, 35, 45)  # very dissatisfied ... very satisfied
STARTED = (ProjectStatus.ACTIVE, ProjectStatus.PAUSED, ProjectStatus.CLOSED)


class ProjectsBuilder(AssessmentsBuilder):
    def projects(self) -> None:
        rng = self.rng
        people = Counter(case.pdu_id for case in self.cases)
        progress = Progress("Projects", len(self.pdus), "PDUs", self.out)
        beneficiaries: dict[tuple[int, str], Beneficiary] = {}
        projects: list[tuple[Project, Template | None]] = []
        for pdu_id, pdu in self.pdus.items():
            groups = max(3, round(people[pdu_id] / 10))
            shops = max(1, round(people[pdu_id] / 60))
            names: set[str] = set()
            for i in range(groups + shops):
                shop = i >= groups
                template = None if shop else rng.choice(TEMPLATES)
                name, ben_name, place = self._project_name(pdu, template, names)
                names.add(name)
                kind = BeneficiaryKind.CHARITY if shop else cast(Template, template).kind
                beneficiary = beneficiaries.get((pdu_id, ben_name))
                if beneficiary is None:
                    beneficiary = beneficiaries[(pdu_id, ben_name)] = self._beneficiary(
                        pdu, ben_name, kind, len(beneficiaries)
                    )
                project = self._project(pdu, name=name, place=place, beneficiary=beneficiary, shop=shop)
                projects.append((project, template))
            progress.advance(1)
        Beneficiary.objects.bulk_create(list(beneficiaries.values()), batch_size=BATCH_SIZE)
        for project, _ in projects:
            project.beneficiary_id = project.beneficiary.pk
        Project.objects.bulk_create([p for p, _ in projects], batch_size=BATCH_SIZE)
        self._tasks_and_assessments(projects)
        progress.finish()
        self.project_rows = [p for p, _ in projects]
        self.counts["beneficiaries"] = len(beneficiaries)
        self.counts["projects"] = len(projects)
        self._nominations()
        self._surveys()

    def _project_name(self, pdu: Pdu, template: Template | None, names: set[str]) -> tuple[str, str, str]:
        """A project name not yet used in the PDU (after 20 tries, one that is), its beneficiary's
        name and its place. No template: a charity shop."""
        rng = self.rng
        for _ in range(20):
            place, saint = rng.choice(PLACES), rng.choice(SAINTS)
            if template is None:
                charity = rng.choice(SHOP_CHARITIES)
                name = f"{place} {charity} shop"
                ben_name = f"{pdu.name} {charity} Trust"
            else:
                name = template.name.format(place=place, saint=saint)
                ben_name = template.beneficiary.format(place=place, saint=saint)
            if name not in names:
                break
        return name, ben_name, place

    def _beneficiary(self, pdu: Pdu, name: str, kind: str, index: int) -> Beneficiary:
        rng, fake, today = self.rng, self.fake, self.today
        return Beneficiary(
            name=name,
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
            contact_email=f"contact{index}@beneficiary.example.org",
            contact_phone=fake.phone_number(),
            mou_signed_on=today - timedelta(days=rng.randint(30, 1_500)),
            feedback_token=hashlib.sha256(f"{pdu.code}{name}".encode()).hexdigest()[:32],
            created_at=at(today - timedelta(days=rng.randint(30, 1_500)), 10),
        )

    def _project_days(self, shop: bool) -> list[str]:
        if shop:
            return ["mon", "tue", "wed", "thu", "fri", "sat"]
        rng = self.rng
        days = sorted(rng.sample(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], rng.randint(1, 3)), key=DAYS.index)
        if rng.random() < 0.5 and "sat" not in days:
            days.append("sat")
        return days

    def _project(self, pdu: Pdu, *, name: str, place: str, beneficiary: Beneficiary, shop: bool) -> Project:
        rng, today = self.rng, self.today
        status = rng.choices(list(ProjectStatus), weights=(3, 3, 86, 5, 3))[0]
        start, end = (clock(10, 0), clock(16, 0)) if shop else rng.choice(SESSION_HOURS)
        days = self._project_days(shop)
        site = rng.choice(pdu_places(pdu.code))  # a real postcode near the PDU's main town, and its place
        review = status == ProjectStatus.ACTIVE and rng.random() < 0.03
        project = Project(
            name=name,
            beneficiary=beneficiary,
            pdu=pdu,
            project_type=ProjectType.INDIVIDUAL if shop else ProjectType.GROUP,
            description=f"{name} for {beneficiary.name}.",
            address=f"{place}, {pdu.name}",
            postcode=site.postcode,
            latitude=Decimal(f"{site.latitude:.5f}"),
            longitude=Decimal(f"{site.longitude:.5f}"),
            days=days,
            start_time=start,
            end_time=end,
            capacity=1 if shop else rng.randint(4, 8),
            status=status,
            review_needed=review,
            review_reason="Near miss: strimmer debris hit a passer-by" if review else "",
            review_raised_by_id=self.staff(pdu.pk, SUPERVISOR) if review else None,
            review_raised_at=at(today - timedelta(days=rng.randint(1, 10)), 15) if review else None,
            created_at=at(today - timedelta(days=rng.randint(60, 900)), 11),
        )
        # Work starts about five weeks after the project is recorded; a closed one ran for up to half a year.
        if status in STARTED:
            project.started_on = project.created_at.date() + timedelta(days=35)
        if status == ProjectStatus.CLOSED and project.started_on is not None:
            project.closed_on = min(project.started_on + timedelta(days=180), today - timedelta(days=1))
        return project

    def _tasks_and_assessments(self, projects: list[tuple[Project, Template | None]]) -> None:
        tasks: list[ProjectTask] = []
        assessments: list[ProjectAssessment] = []
        excluded: list[list[int]] = []
        children_flags = [self.flags[c] for c in ("not-near-children", "sexual-offending") if c in self.flags]
        for project, template in projects:
            for position, text in enumerate(template.tasks if template else ("Sort donations", "Steam and hang"), 1):
                tasks.append(ProjectTask(project=project, position=position, description=text))
            if project.status == ProjectStatus.DRAFT:
                continue
            assessments.append(self._project_assessment(project, template))
            excluded.append(children_flags if template and template.children else [])
        ProjectTask.objects.bulk_create(tasks, batch_size=BATCH_SIZE)
        ProjectAssessment.objects.bulk_create(assessments, batch_size=BATCH_SIZE)
        bulk_link(ProjectAssessment.excluded_flags, assessments, excluded)

    def _project_assessment(self, project: Project, template: Template | None) -> ProjectAssessment:
        """The approved assessment of a project past its draft."""
        rng = self.rng
        coordinator = self.staff(project.pdu_id, PLACEMENT_COORDINATOR)
        managers = self.managers.get(project.pdu.region_id) or [coordinator]
        assessed = project.created_at + timedelta(days=rng.randint(5, 30))
        return ProjectAssessment(
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
                    submitted = at(submitted_day, rng.randint(8, 21), rng.randint(0, 59))
                    coordinator = self.staff(pdu_id, PLACEMENT_COORDINATOR)
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

    def _surveys(self) -> None:
        """A few feedback surveys in each PDU over the last year, most of them answered."""
        rng, today = random.Random(SURVEY_SEED), self.today
        started: dict[int, list[Project]] = defaultdict(list)
        for project in self.project_rows:
            if project.started_on is not None:
                started[project.pdu_id].append(project)
        rows: list[BeneficiarySurvey] = []
        for pdu_id in self.pdus:
            for project in rng.sample(started[pdu_id], min(SURVEYS_PER_PDU, len(started[pdu_id]))):
                kind, point = self._survey_point(project, rng)
                answered = rng.random() < 0.8 and point + timedelta(days=3) < today
                answered_on = min(today, point + timedelta(days=rng.randint(1, 20))) if answered else None
                rows.append(
                    BeneficiarySurvey(
                        project=project,
                        kind=kind,
                        point=point,
                        token_hash=hashlib.sha256(f"demo survey {project.pk} {kind} {point}".encode()).hexdigest(),
                        sent_to=project.beneficiary.contact_email,
                        sent_on=point,
                        expires_on=rules.survey_expires_on(point),
                        used_at=at(answered_on, rng.randint(8, 20)) if answered_on else None,
                        answered_on=answered_on,
                        overall_satisfaction=rng.choices(range(1, 6), SATISFACTION_WEIGHTS)[0] if answered else None,
                        work_quality=rng.choices(range(1, 6), SATISFACTION_WEIGHTS)[0] if answered else None,
                        would_have_again=rng.random() < 0.9 if answered else None,
                        comments=rng.choice(("", "", "The group worked hard.", "Please come back in the spring."))
                        if answered
                        else "",
                    )
                )
        BeneficiarySurvey.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.counts["beneficiary surveys"] = len(rows)

    def _survey_point(self, project: Project, rng: random.Random) -> tuple[str, date]:
        """What a demo survey was for: the project's end, its latest anniversary in the last year, or
        feedback asked for on a day since it started."""
        today, started = self.today, cast(date, project.started_on)
        if project.closed_on is not None and (today - project.closed_on).days < 365:
            return SurveyKind.PROJECT_END, project.closed_on
        anniversary = rules.latest_anniversary(started, today)
        if anniversary is not None and (today - anniversary).days < 365:
            return SurveyKind.YEARLY, anniversary
        return SurveyKind.ONGOING, today - timedelta(days=rng.randint(0, min(364, (today - started).days)))

    # ------------------------------------------------------------------------------------------
    # Vehicles, drivers, sessions and registers
