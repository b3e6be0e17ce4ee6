"""Pure rules for the supervisor's register: which outcomes earn credit, how much, and which
become enforcement work. No database here."""

from dataclasses import dataclass
from datetime import time

ATTENDED = {
    "attended_complied",
    "attended_failed_to_comply",
    "sent_home_behaviour",
    "sent_home_refused_ppe",
    "sent_home_unfit",
    "sent_home_service",
}
SENT_HOME = {"sent_home_behaviour", "sent_home_refused_ppe", "sent_home_unfit", "sent_home_service"}
# Outcomes that are a possible failure to comply: the practitioner decides on each.
FAILURES = {
    "unacceptable_absence",
    "attended_failed_to_comply",
    "sent_home_behaviour",
    "sent_home_refused_ppe",
    "sent_home_unfit",
    "late_sent_away",
}
NO_SHOW = {"unacceptable_absence", "acceptable_absence", "late_sent_away", "stood_down", "rescheduled"}


def minutes_of(value: time) -> int:
    return value.hour * 60 + value.minute


@dataclass(frozen=True, kw_only=True)
class Attendance:
    """What the register says of one person at a session: the outcome and, for someone who attended,
    when they arrived and left and any penalty minutes; for an acceptable absence, its reason."""

    outcome: str
    arrived_at: time | None = None
    left_at: time | None = None
    penalty_minutes: int = 0
    absence_reason: str = ""


@dataclass(frozen=True, kw_only=True)
class OutcomeFacts(Attendance):
    """One person's attendance with the session's own start and finish, as the rules read it."""

    session_start: time
    session_end: time


def outcome_errors(facts: OutcomeFacts) -> dict[str, str]:
    """What is wrong with one line of the register, by field."""
    errors: dict[str, str] = {}
    if facts.outcome in ATTENDED:
        start = facts.arrived_at or facts.session_start
        end = facts.left_at or facts.session_end
        if facts.arrived_at and not facts.session_start <= facts.arrived_at <= facts.session_end:
            errors["arrived_at"] = (
                f"The start time must be within the session, {facts.session_start:%H:%M} to {facts.session_end:%H:%M}"
            )
        if facts.left_at and not facts.session_start <= facts.left_at <= facts.session_end:
            errors["left_at"] = (
                f"The finish time must be within the session, {facts.session_start:%H:%M} to {facts.session_end:%H:%M}"
            )
        if not errors and end <= start:
            errors["left_at"] = "The finish time must be after the start time"
        if facts.outcome in SENT_HOME and facts.left_at is None:
            errors["left_at"] = "Enter the time the person was sent home"
        if not errors and facts.penalty_minutes > minutes_of(end) - minutes_of(start):
            errors["penalty_minutes"] = "Penalty minutes cannot be more than the time worked"
    else:
        for name in ("arrived_at", "left_at"):
            if getattr(facts, name) is not None:
                errors[name] = "Times are recorded only for people who attended"
        if facts.penalty_minutes:
            errors["penalty_minutes"] = "Penalty minutes apply only to people who attended"
    if facts.penalty_minutes < 0:
        errors["penalty_minutes"] = "Penalty minutes cannot be negative"
    if facts.outcome == "acceptable_absence" and not facts.absence_reason:
        errors["absence_reason"] = "Select the reason the absence is acceptable"
    return errors


def credit_minutes(facts: OutcomeFacts) -> int:
    """Minutes worked − penalty, only for attended outcomes; a late arrival admitted earns
    nothing for the time missed, and someone sent home only up to the time they were sent."""
    if facts.outcome not in ATTENDED:
        return 0
    start = max(minutes_of(facts.arrived_at or facts.session_start), minutes_of(facts.session_start))
    end = min(minutes_of(facts.left_at or facts.session_end), minutes_of(facts.session_end))
    return max(0, end - start - facts.penalty_minutes)


def session_minutes(start: time, end: time) -> int:
    return max(0, minutes_of(end) - minutes_of(start))
