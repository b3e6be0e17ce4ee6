"""Every enforcement write: see each module for its rules."""

from .court import court_outcome_record, extension_apply, requirement_add
from .decisions import AGREE_DEPARTURE, decision_reverse, evidence_request_record, failure_decide
from .evidence import check_evidence_file, evidence_record
from .letters import (
    appointment_letter_issue,
    completion_letter_issue,
    letter_issue,
    letter_send,
    letters_send_waiting,
)
from .reviews import review_complete

__all__ = [
    "AGREE_DEPARTURE",
    "appointment_letter_issue",
    "check_evidence_file",
    "completion_letter_issue",
    "court_outcome_record",
    "decision_reverse",
    "evidence_record",
    "evidence_request_record",
    "extension_apply",
    "failure_decide",
    "letter_issue",
    "letter_send",
    "letters_send_waiting",
    "requirement_add",
    "review_complete",
]
