"""The catalogue of rules that law or policy can change.

Each rule is kept as effective-dated versions in `PolicyVersion`; this module only says
which rules exist, what shape their values take and what they were when the service began.
A value of None means the rule is not in force from that date (for example the 12-month
completion window once Sentencing Act 2026 s.36 commences).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

SERVICE_START = date(2020, 1, 1)


@dataclass(frozen=True)
class PolicyRule:
    key: str
    title: str
    description: str
    kind: str  # "int", "flag", "int_list", "earned_reduction", "weights", "percent_by_region"
    initial: Any
    nullable: bool = False
    unit: str = ""


RULES: dict[str, PolicyRule] = {
    rule.key: rule
    for rule in [
        PolicyRule(
            "completion_window_months",
            "Completion window",
            "Months from sentence within which all hours must be worked. Set to none from the date "
            "Sentencing Act 2026 s.36 commences: the window then no longer applies to any order.",
            "int",
            12,
            nullable=True,
            unit="months",
        ),
        PolicyRule(
            "induction_deadline_working_days",
            "Induction deadline",
            "Working days from sentence by which the first appointment (induction) must happen.",
            "int",
            5,
            unit="working days",
        ),
        PolicyRule(
            "assessment_deadline_working_days",
            "Assessment deadline",
            "Working days from sentence by which the UPW assessment and risk assessment are due.",
            "int",
            15,
            unit="working days",
        ),
        PolicyRule(
            "review_points_months",
            "Review points",
            "Months from sentence at which progress is reviewed.",
            "int_list",
            [6, 9],
            unit="months",
        ),
        PolicyRule(
            "ete_cap_percent",
            "ETE cap",
            "Most of the ordered hours that Education, Training and Employment may count for (rounded "
            "down in minutes).",
            "int",
            30,
            unit="%",
        ),
        PolicyRule(
            "travel_adjustment_cap_minutes",
            "Travel adjustment cap",
            "Most minutes the travel time adjustments for one day may credit together (net of corrections).",
            "int",
            180,
            unit="minutes",
        ),
        PolicyRule(
            "earned_reduction",
            "Earned reduction",
            "Sentencing Act 2026 s.37: once the threshold share of hours is worked with no "
            "unacceptable failure, each further hour worked reduces the total by the set minutes, up "
            "to the cap. None until the scheme starts: add a version from its start date.",
            "earned_reduction",
            None,
            nullable=True,
        ),
        PolicyRule(
            "induction_counts_towards_hours",
            "Induction counts towards hours",
            "Whether the minutes of an attended induction are credited as work (1) or not (0).",
            "flag",
            1,
        ),
        PolicyRule(
            "nomination_acknowledgement_working_days",
            "Nomination acknowledgement",
            "Working days within which a nomination from the public or a group is acknowledged.",
            "int",
            5,
            unit="working days",
        ),
        PolicyRule(
            "stand_down_credit_minutes",
            "Stand-down credit",
            "Minutes credited to each person when the service stands a session down.",
            "int",
            60,
            unit="minutes",
        ),
        PolicyRule(
            "failure_evidence_working_days",
            "Evidence for a failure",
            "Working days the person has to give evidence after a failure to attend or comply.",
            "int",
            5,
            unit="working days",
        ),
        PolicyRule(
            "warning_window_months",
            "Warning window",
            "Months after a warning within which a further unacceptable failure means breach action "
            "(Sentencing Act 2020 Sch 10 para 6: one warning in 12 months).",
            "int",
            12,
            unit="months",
        ),
        PolicyRule(
            "extension_deadline_months",
            "Extension deadline",
            "Months from sentence by which an application to extend the time to complete must be made "
            "(and always before the completion date).",
            "int",
            9,
            unit="months",
        ),
        PolicyRule(
            "review_rate_weeks",
            "Rate at review",
            "Weeks of the person's own recent work used at a review to project when they will finish.",
            "int",
            8,
            unit="weeks",
        ),
        PolicyRule(
            "allocation_weights",
            "Allocation goal weights",
            "How much each goal counts when the weekly plan is made: placed, shortfall_per_hour (hours towards "
            "the weekly minimum), urgency, female_supervisor, continuity, travel_per_minute, individual_share, "
            "half_empty_session, change_published.",
            "weights",
            {
                "placed": 1000,
                "shortfall_per_hour": 3000,
                "urgency": 20,
                "female_supervisor": 150,
                "continuity": 120,
                "travel_per_minute": 8,
                "individual_share": 20,
                "half_empty_session": 80,
                "change_published": 5000,
            },
        ),
        PolicyRule(
            "individual_placement_target_percent",
            "Individual placement target",
            "The share of hours to be worked through individual placements, set quarter by quarter: "
            '"default" for every region, and a region\'s code (like "NE") for a region with its own target.',
            "percent_by_region",
            {"default": 20},
            unit="%",
        ),
        PolicyRule(
            "weekly_offer_minimum_minutes",
            "Weekly hours offered",
            "Minutes of work each person should be offered a week (national standard: 6 hours). "
            "Also the rate used to flag cases at risk of not finishing in time.",
            "int",
            360,
            unit="minutes",
        ),
        PolicyRule(
            "supervisor_observations_per_year",
            "Observations of each supervisor",
            "How many times a year an operations manager observes each supervisor at work (at least twice): "
            "the next observation is due this share of a year after the last, or after the supervisor started.",
            "int",
            2,
            unit="a year",
        ),
        PolicyRule(
            "new_staff_supervision_weeks",
            "Reflective supervision for new staff",
            "Weeks between the formal reflective supervision appointments a new supervisor or placement "
            "coordinator is offered during their first months.",
            "int",
            6,
            unit="weeks",
        ),
        PolicyRule(
            "new_staff_months",
            "New staff period",
            "Months from joining during which a member of staff is new and offered reflective supervision "
            "(the probationary period).",
            "int",
            6,
            unit="months",
        ),
        PolicyRule(
            "supervision_weeks",
            "1:1 supervision",
            "Weeks between a senior probation officer's 1:1 supervision meetings with each practitioner "
            "(wellbeing, development and cases): the next is due this long after the last, or after they started.",
            "int",
            6,
            unit="weeks",
        ),
        PolicyRule(
            "reflective_practice_per_year",
            "Reflective practice supervision",
            "Reflective practice supervision sessions a senior probation officer holds with each practitioner "
            "in a financial year (1 April to 31 March), observations and in-depth case reviews together.",
            "int",
            4,
            unit="a year",
        ),
        PolicyRule(
            "reflective_observations_per_year",
            "Reflective practice observations",
            "How many of the year's reflective practice sessions are a live observation of the practitioner; "
            "the rest are in-depth reflective reviews of one or two of their cases.",
            "int",
            1,
            unit="a year",
        ),
        PolicyRule(
            "countersignature_working_days",
            "Countersignature due",
            "Working days after a high or very high risk assessment is submitted by which a senior probation "
            "officer should countersign it (or return it); once it is overdue, the seniors who may countersign "
            "it are told.",
            "int",
            2,
            unit="working days",
        ),
        PolicyRule(
            "touch_point_weeks_very_high",
            "Touch points: very high risk",
            "Weeks between touch points on a case whose risk of serious harm is very high (after the last, "
            "or after the sentence). 0 means none are due.",
            "int",
            2,
            unit="weeks",
        ),
        PolicyRule(
            "touch_point_weeks_high",
            "Touch points: high risk",
            "Weeks between touch points on a case whose risk of serious harm is high. 0 means none are due.",
            "int",
            4,
            unit="weeks",
        ),
        PolicyRule(
            "touch_point_weeks_medium",
            "Touch points: medium risk",
            "Weeks between touch points on a case whose risk of serious harm is medium. 0 means none are due; "
            "none are due for a low risk.",
            "int",
            8,
            unit="weeks",
        ),
    ]
}


class PolicyValueError(ValueError):
    pass


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_int(rule: PolicyRule, value: Any) -> Any:
    if not _whole(value) or value < 0:
        raise PolicyValueError(f"{rule.title} must be a whole number, 0 or more")
    return value


def _check_weights(rule: PolicyRule, value: Any) -> Any:
    if not isinstance(value, dict) or set(value) != set(rule.initial):
        raise PolicyValueError(f"{rule.title} needs a whole number for each of: {', '.join(sorted(rule.initial))}")
    if not all(_whole(v) and 0 <= v <= 100000 for v in value.values()):
        raise PolicyValueError(f"{rule.title}: each weight must be a whole number from 0 to 100,000")
    return value


def _check_percent_by_region(rule: PolicyRule, value: Any) -> Any:
    if not isinstance(value, dict) or "default" not in value:
        raise PolicyValueError(f'{rule.title} needs a "default" percentage, and any region\'s own by its code')
    for key, percent in value.items():
        if key != "default" and not (isinstance(key, str) and 0 < len(key) <= 8 and key.isalnum()):
            raise PolicyValueError(f"{rule.title}: {key!r} is not a region code")
        if not _whole(percent) or not 0 <= percent <= 100:
            raise PolicyValueError(f"{rule.title}: the target for {key} must be a whole number from 0 to 100")
    return value


def _check_flag(rule: PolicyRule, value: Any) -> Any:
    if value not in (0, 1) or isinstance(value, bool):
        raise PolicyValueError(f"{rule.title} must be 1 (yes) or 0 (no)")
    return value


def _check_int_list(rule: PolicyRule, value: Any) -> Any:
    if not isinstance(value, list) or not value or not all(_whole(v) and v > 0 for v in value):
        raise PolicyValueError(f"{rule.title} must be a list of whole numbers, like 6, 9")
    return sorted(value)


def _check_earned_reduction(rule: PolicyRule, value: Any) -> Any:
    expected = {"threshold_percent", "minutes_per_hour", "cap_percent"}
    if not isinstance(value, dict) or set(value) != expected:
        raise PolicyValueError(f"{rule.title} needs a threshold, minutes per hour and a cap")
    for part in expected:
        if not _whole(value[part]) or not 0 <= value[part] <= 100:
            raise PolicyValueError(f"{rule.title}: {part.replace('_', ' ')} must be 0 to 100")
    return value


# How a value of each kind of rule is checked (and normalised).
CHECKS = {
    "int": _check_int,
    "weights": _check_weights,
    "percent_by_region": _check_percent_by_region,
    "flag": _check_flag,
    "int_list": _check_int_list,
    "earned_reduction": _check_earned_reduction,
}


def validate_policy_value(key: str, value: Any) -> Any:
    """Check a proposed value against the rule's shape; return it normalised."""
    rule = RULES.get(key)
    if rule is None:
        raise PolicyValueError("Choose a rule from the list")
    if value is None:
        if not rule.nullable:
            raise PolicyValueError(f"{rule.title} must have a value")
        return None
    return CHECKS[rule.kind](rule, value)


@dataclass
class PolicyBook:
    """All versions of every rule, loaded once; answers 'what was the rule on this date'."""

    versions: dict[str, list[tuple[date, Any]]] = field(default_factory=dict)

    def value(self, key: str, on: date) -> Any:
        if key not in RULES:
            raise KeyError(key)
        in_force = None
        found = False
        for effective_from, value in self.versions.get(key, []):
            if effective_from <= on:
                in_force, found = value, True
            else:
                break
        if not found:
            return RULES[key].initial
        return in_force

    def first_date_with_value(self, key: str) -> date | None:
        for effective_from, value in self.versions.get(key, []):
            if value is not None:
                return effective_from
        return None
