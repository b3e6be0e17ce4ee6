"""The projects forms: the public nomination form, nominations, beneficiaries, projects and their
assessments, and the beneficiary's feedback survey. Forms check only the shape of input (types,
lengths, formats); the rules are applied by services."""

from .assessments import (
    PRINCIPLE_QUESTIONS,
    WELFARE,
    AuditSampleForm,
    DecisionForm,
    ProjectAssessmentForm,
)
from .beneficiaries import (
    BeneficiaryFilterForm,
    BeneficiaryForm,
)
from .common import (
    EMAIL_FORMAT,
    PHONE_FORMAT,
    POSTCODE_FORMAT,
    from_yes_no,
    normalise_postcode,
    pdu_choices,
    yes_no,
)
from .nominations import (
    NOMINATION_PAGES,
    AboutYouPage,
    HeardAboutPage,
    NominationAcceptForm,
    NominationFilterForm,
    NominationPage,
    NominationRejectForm,
    ReferralMeansForm,
    TheWorkPage,
    WherePage,
    WhoBenefitsPage,
    nomination_page_of,
)
from .projects import (
    STATUS_ACTIONS,
    ProjectFilterForm,
    ProjectForm,
    ProjectStatusForm,
    ReviewNeededForm,
    TasksForm,
)
from .surveys import SurveyForm

__all__ = [
    "EMAIL_FORMAT",
    "NOMINATION_PAGES",
    "PHONE_FORMAT",
    "POSTCODE_FORMAT",
    "PRINCIPLE_QUESTIONS",
    "STATUS_ACTIONS",
    "WELFARE",
    "AboutYouPage",
    "AuditSampleForm",
    "BeneficiaryFilterForm",
    "BeneficiaryForm",
    "DecisionForm",
    "HeardAboutPage",
    "NominationAcceptForm",
    "NominationFilterForm",
    "NominationPage",
    "NominationRejectForm",
    "ProjectAssessmentForm",
    "ProjectFilterForm",
    "ProjectForm",
    "ProjectStatusForm",
    "ReferralMeansForm",
    "ReviewNeededForm",
    "SurveyForm",
    "TasksForm",
    "TheWorkPage",
    "WherePage",
    "WhoBenefitsPage",
    "from_yes_no",
    "nomination_page_of",
    "normalise_postcode",
    "pdu_choices",
    "yes_no",
]
