"""The enforcement rules, as pure functions of the facts (no database, no Django).

The step the rules give for an unacceptable failure depends on the dates of the failure, of the
warnings given and on whether breach action is already open: never on who the person is. The
step is returned with the rule that gave it, so it can be recorded beside what was done.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from payback.core.workingdays import add_working_days

NONE, WARNING, BREACH = "none", "warning", "breach"
ENFORCEABLE_INDUCTION = "failed_to_attend"


@dataclass(frozen=True)
class History:
    """What enforcement has already done on a requirement, as dates only.

    `warnings` are the days warning letters were given (not withdrawn); `breach_open` is whether
    breach action has started and the court has not yet dealt with it."""

    warnings: tuple[date, ...] = ()
    breach_open: bool = False


@dataclass(frozen=True)
class RuleStep:
    step: str
    code: str
    text: str


def evidence_due(asked_on: date, working_days: int) -> date:
    """The day evidence is due: `working_days` working days after the person was asked."""
    return add_working_days(asked_on, working_days)


def within_window(earlier: date, later: date, window_months: int) -> bool:
    """Whether `later` falls within `window_months` calendar months of `earlier` (the day itself
    counts; 12 months from 29 February ends on 28 February)."""
    return later <= earlier + relativedelta(months=window_months)


def step_for(*, failure_on: date, history: History, window_months: int) -> RuleStep:
    """The step for a failure decided unacceptable.

    - Breach action already open: the failure goes before the court with it.
    - A warning given within `window_months` before the failure (or since it): breach action is
      mandatory (Sentencing Act 2020 Sch 10 para 6: only one warning in 12 months).
    - Otherwise: a warning letter saying that a further failure within the window means court."""
    if history.breach_open:
        return RuleStep(BREACH, "breach_open", "Breach action is already open: add this failure to it")
    recent = [w for w in history.warnings if within_window(w, failure_on, window_months)]
    if recent:
        warned = max(recent)
        return RuleStep(
            BREACH,
            "second_failure_within_window",
            f"A further unacceptable failure within {window_months} months of the warning of "
            f"{warned:%-d %B %Y}: breach action is mandatory (Sentencing Act 2020 Sch 10 para 6)",
        )
    return RuleStep(
        WARNING,
        "first_failure",
        f"First unacceptable failure with no warning in the last {window_months} months: a warning letter",
    )


def departure_problem(*, rule_step: str, step: str, reason: str, agreed_by_senior: bool) -> str | None:
    """Why a chosen step cannot be recorded as it stands, or None. Departing from the rules' step
    needs a reason; not taking mandatory breach action needs a senior probation officer too."""
    if step == rule_step:
        return None
    if not reason.strip():
        return "Enter why you are not taking the step the rules give"
    if rule_step == BREACH and not agreed_by_senior:
        return "Breach action is mandatory here: only a senior probation officer can record not taking it"
    return None


# ---------------------------------------------------------------------------------------------
# Reviews: progress at 6 and 9 months


@dataclass(frozen=True)
class Progress:
    worked_minutes: int
    ordered_minutes: int
    remaining_minutes: int
    recent_minutes: int
    recent_weeks: int


@dataclass(frozen=True)
class Projection:
    weekly_minutes: int
    finish_on: date | None
    on_track: bool
    action: str
    action_text: str


CARRY_ON, INCREASE_HOURS, APPLY_TO_EXTEND, CONSIDER_BREACH = "carry_on", "increase_hours", "extend", "breach"
ACTIONS = {
    CARRY_ON: "Carry on: the person is on track to finish in time",
    INCREASE_HOURS: "Offer more hours each week: at this rate the person will not finish in time",
    APPLY_TO_EXTEND: "Apply to the court to extend the time to complete, before the 9-month point",
    CONSIDER_BREACH: "Consider breach: the person is not working and will not finish in time",
}


def projection(
    *, progress: Progress, on: date, completion: date | None, weekly_offer: int, extension_by: date | None
) -> Projection:
    """Where the person's own rate over the recent weeks takes them, and the action the rules
    suggest. With no completion date (no window in force) the person is on track while working."""
    weekly = progress.recent_minutes // max(1, progress.recent_weeks)
    if progress.remaining_minutes <= 0:
        return Projection(weekly, on, True, CARRY_ON, ACTIONS[CARRY_ON])
    finish = None if weekly <= 0 else on + timedelta(days=-(-progress.remaining_minutes * 7 // weekly))
    on_track = finish is not None and (completion is None or finish <= completion)
    if on_track:
        return Projection(weekly, finish, True, CARRY_ON, ACTIONS[CARRY_ON])
    if weekly <= 0:
        action = CONSIDER_BREACH
    elif completion is not None and _offer_finishes(progress, on, completion, weekly_offer):
        action = INCREASE_HOURS
    elif extension_by is None or on <= extension_by:
        action = APPLY_TO_EXTEND
    else:
        action = CONSIDER_BREACH
    return Projection(weekly, finish, False, action, ACTIONS[action])


def _offer_finishes(progress: Progress, on: date, completion: date, weekly_offer: int) -> bool:
    days_left = (completion - on).days
    return weekly_offer > 0 and progress.remaining_minutes * 7 <= weekly_offer * days_left


def extension_deadline(sentence_date: date, completion: date | None, months: int) -> date:
    """The last day to apply for an extension: `months` after sentence (policy: the 9-month point),
    and before the completion date."""
    point = sentence_date + relativedelta(months=months)
    return point if completion is None else min(point, completion)


# Sentencing Act 2020 s.209: a community order ends no more than 3 years after it is made.
ORDER_LONGEST_YEARS = 3
