"""Coordinator and manager pages for nominations, beneficiaries, projects, their assessments and
the yearly audit sample. Thin: check the shape of input, call one service, show GOV.UK errors.
Every object is read through a scoped selector, so anything outside the user's area is a 404."""

from .assessments import approval_decide, approval_list, assessment, assessment_start, audit_samples
from .beneficiaries import beneficiary_create, beneficiary_detail, beneficiary_edit, beneficiary_list
from .nominations import (
    nomination_accept,
    nomination_acknowledge,
    nomination_detail,
    nomination_list,
    nomination_referral,
    nomination_reject,
)
from .projects import (
    project_create,
    project_detail,
    project_edit,
    project_list,
    project_review,
    project_status,
    project_tasks,
)
from .surveys import project_survey_send

__all__ = [
    "approval_decide",
    "approval_list",
    "assessment",
    "assessment_start",
    "audit_samples",
    "beneficiary_create",
    "beneficiary_detail",
    "beneficiary_edit",
    "beneficiary_list",
    "nomination_accept",
    "nomination_acknowledge",
    "nomination_detail",
    "nomination_list",
    "nomination_referral",
    "nomination_reject",
    "project_create",
    "project_detail",
    "project_edit",
    "project_list",
    "project_review",
    "project_status",
    "project_survey_send",
    "project_tasks",
]
