"""The rules of quality assurance, as pure functions (no Django): what is due and when."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

# How far ahead the quality assurance page looks for what is due soon.
DUE_SOON_DAYS = 28


def add_months(day: date, months: int) -> date:
    """The same day `months` later; a day the later month lacks becomes its last day (31 August
    and 6 months is 28 February, or 29 February in a leap year)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def observation_interval_months(per_year: int) -> int:
    """Months between observations for `per_year` of them a year (at least one a month, at most one a year)."""
    return 12 // min(max(per_year, 1), 12)


def observation_due(*, started: date, last_observed: date | None, per_year: int) -> date:
    """When a supervisor's next observation is due: a share of a year (6 months for twice a year)
    after their last observation, or after they started if they have not yet been observed."""
    return add_months(last_observed or started, observation_interval_months(per_year))


def new_staff_until(joined: date, months: int) -> date:
    """The last day a member of staff who joined on `joined` is new."""
    return add_months(joined, months) - timedelta(days=1)


def reflective_supervision_due(
    *, joined: date, last_held: date | None, weeks: int, months: int, today: date
) -> date | None:
    """When a new member of staff's next reflective supervision is due: `weeks` after the last one
    (or after they joined). None once they are no longer new, or when the next would fall after."""
    until = new_staff_until(joined, months)
    if today > until or weeks <= 0:
        return None
    due = (last_held or joined) + timedelta(weeks=weeks)
    return due if due <= until else None


def is_overdue(due: date | None, today: date) -> bool:
    """Past its due day (something due today is not yet overdue)."""
    return due is not None and due < today


def is_due_soon(due: date | None, today: date, *, days: int = DUE_SOON_DAYS) -> bool:
    """Due today or within the next `days` days, and not overdue."""
    return due is not None and today <= due <= today + timedelta(days=days)


def audit_action_overdue(*, action_due: date | None, done_on: date | None, today: date) -> bool:
    """An audit finding's action is overdue when it has a due day that has passed and is not done."""
    return done_on is None and is_overdue(action_due, today)


@dataclass(frozen=True)
class Due:
    """One thing due: what, about whom or what, and when."""

    kind: str  # "observation", "reflective_supervision", "audit_action"
    subject_id: int
    subject: str
    due: date
    overdue: bool


def due_item(kind: str, subject_id: int, subject: str, due: date | None, today: date) -> Due | None:
    """A thing due that is overdue or due soon; None when it is neither."""
    if due is None or not (is_overdue(due, today) or is_due_soon(due, today)):
        return None
    return Due(kind=kind, subject_id=subject_id, subject=subject, due=due, overdue=is_overdue(due, today))


# The yes/no questions of a spot check, in the order they are asked.
SPOT_CHECK_ITEMS: tuple[tuple[str, str], ...] = (
    ("toolbox_talk_given", "Was a toolbox talk and site induction given?"),
    ("register_kept", "Was the register kept up to date?"),
    ("ppe_worn", "Was the right personal protective equipment (PPE) worn?"),
    ("tools_counted", "Were the tools counted out, and are they safe to use?"),
    ("risk_assessment_on_site", "Was the project risk assessment on site?"),
    ("welfare_facilities", "Were welfare facilities available?"),
    ("work_as_planned", "Was the work as agreed in the project plan?"),
    ("conduct_appropriate", "Did staff and people on probation behave appropriately?"),
)


def failed_items(answers: dict[str, bool]) -> list[str]:
    """The questions of a spot check answered no."""
    return [name for name, _ in SPOT_CHECK_ITEMS if answers.get(name) is False]


# The parts of a supervisor's practice an observation rates (the pro-social modelling checklist).
OBSERVATION_AREAS: tuple[tuple[str, str], ...] = (
    ("rating_briefing", "Briefing and toolbox talk"),
    ("rating_prosocial", "Pro-social modelling: firm, fair, respectful"),
    ("rating_safety", "Health and safety"),
    ("rating_engagement", "Engaging and motivating the group"),
    ("rating_compliance", "Managing behaviour and compliance"),
    ("rating_records", "Records: register, hours and tools"),
)
