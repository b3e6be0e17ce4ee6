"""The yearly random sample of projects whose risk assessments are audited."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction

from payback.core.services import audit_record
from payback.staff.models import Region, User

from .. import rules
from ..models import (
    AssessmentDecision,
    Project,
    ProjectStatus,
    RiskAssessmentAuditSample,
)


@transaction.atomic
def audit_sample_draw(
    *, actor: User, region: Region, year: int, size: int, seed: int | None = None
) -> RiskAssessmentAuditSample:
    """Draw the year's random sample of projects whose risk assessments will be audited."""
    if RiskAssessmentAuditSample.objects.filter(region=region, year=year).exists():
        raise ValidationError({"year": f"The {year} sample for {region} has already been drawn"})
    if not 1 <= size <= 200:
        raise ValidationError({"size": "Enter a sample size between 1 and 200"})
    seed = seed if seed is not None else secrets.randbits(32)
    ids = list(
        Project.objects.filter(pdu__region=region, assessments__status=AssessmentDecision.APPROVED)
        .exclude(status=ProjectStatus.DRAFT)
        .values_list("pk", flat=True)
        .distinct()
    )
    if not ids:
        raise ValidationError({"year": "There are no assessed projects in the region to sample"})
    chosen = rules.draw_sample(ids, size=size, seed=seed)
    sample = RiskAssessmentAuditSample.objects.create(year=year, region=region, seed=seed, size=size, drawn_by=actor)
    sample.projects.set(chosen)
    summary = f"{len(chosen)} project risk assessments drawn for the {year} audit in {region} (seed {seed})"
    audit_record(actor=actor, action="audit_sample.drawn", obj=sample, summary=summary)
    return sample
