"""Every write to a case, and the rules applied when writing. Each service runs in one
transaction, writes an audit event and either saves everything or nothing.

By aggregate: `cases` (recording a case), `status` (status changes), `ledger` (posting entries,
totals, completion dates, earned reduction, idempotent answers), `credits` (work, travel, ETE,
stand-down), `corrections` (court variations and corrections), `allocation` (reallocating a case)
and `sbar` (SBAR consultations with a senior probation officer)."""

from .allocation import case_reallocate
from .cases import (
    CRN_PATTERN,
    YOUTH_REHABILITATION_ORDER,
    YRO_REFUSAL,
    case_create,
    order_type_check,
    requirement_create,
)
from .corrections import ledger_correct, ledger_correct_entry, ledger_record_court_variation
from .credits import (
    ADJUSTMENT_KINDS,
    ledger_credit_stand_down,
    ledger_credit_work,
    ledger_credit_work_noted,
    ledger_record_adjustment,
    ledger_record_ete,
    ledger_record_travel,
)
from .ledger import LedgerWrite, ledger_totals_rebuild, requirement_due_dates, requirement_due_dates_rebuild
from .sbar import SBAR_LENGTH, sbar_answer, sbar_raise, sbar_senior_for
from .status import ACTIVE, ENDINGS, STATUS_TRANSITIONS, requirement_change_status, status_set

__all__ = [
    "ACTIVE",
    "ADJUSTMENT_KINDS",
    "CRN_PATTERN",
    "ENDINGS",
    "SBAR_LENGTH",
    "STATUS_TRANSITIONS",
    "YOUTH_REHABILITATION_ORDER",
    "YRO_REFUSAL",
    "LedgerWrite",
    "case_create",
    "case_reallocate",
    "ledger_correct",
    "ledger_correct_entry",
    "ledger_credit_stand_down",
    "ledger_credit_work",
    "ledger_credit_work_noted",
    "ledger_record_adjustment",
    "ledger_record_court_variation",
    "ledger_record_ete",
    "ledger_record_travel",
    "ledger_totals_rebuild",
    "order_type_check",
    "requirement_change_status",
    "requirement_create",
    "requirement_due_dates",
    "requirement_due_dates_rebuild",
    "sbar_answer",
    "sbar_raise",
    "sbar_senior_for",
    "status_set",
]
