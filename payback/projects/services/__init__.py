"""Every write about nominations, beneficiaries, projects, their assessments and the beneficiaries'
feedback surveys. Each service runs in one transaction, writes an audit event, and saves everything
or nothing."""

from .assessments import (
    ASSESSMENT_FIELDS,
    project_assessment_decide,
    project_assessment_recommend,
    project_assessment_start,
    project_assessment_update,
)
from .audit_samples import audit_sample_draw
from .beneficiaries import BENEFICIARY_FIELDS, beneficiary_create, beneficiary_update
from .nominations import (
    DUPLICATE_WINDOW,
    MAX_TEXT,
    nomination_accept,
    nomination_acknowledge,
    nomination_reject,
    nomination_set_referral_means,
    nomination_submit,
)
from .projects import (
    PROJECT_FIELDS,
    project_change_status,
    project_create,
    project_flag_review,
    project_set_tasks,
    project_update,
)
from .surveys import (
    LINK_REFUSALS,
    SURVEY_ANSWERS,
    DueSurvey,
    link_refusal,
    survey_answer,
    survey_answer_record,
    survey_send_due,
    survey_send_now,
    surveys_due,
)

__all__ = [
    "ASSESSMENT_FIELDS",
    "BENEFICIARY_FIELDS",
    "DUPLICATE_WINDOW",
    "LINK_REFUSALS",
    "MAX_TEXT",
    "PROJECT_FIELDS",
    "SURVEY_ANSWERS",
    "DueSurvey",
    "audit_sample_draw",
    "beneficiary_create",
    "beneficiary_update",
    "link_refusal",
    "nomination_accept",
    "nomination_acknowledge",
    "nomination_reject",
    "nomination_set_referral_means",
    "nomination_submit",
    "project_assessment_decide",
    "project_assessment_recommend",
    "project_assessment_start",
    "project_assessment_update",
    "project_change_status",
    "project_create",
    "project_flag_review",
    "project_set_tasks",
    "project_update",
    "survey_answer",
    "survey_answer_record",
    "survey_send_due",
    "survey_send_now",
    "surveys_due",
]
