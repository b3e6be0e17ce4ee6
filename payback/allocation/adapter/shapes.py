"""What a week read from the database is made of: the week itself (the engine's instance and what
the pages show), the days read, and the appointments already made."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..engine.model import Instance


class NoSessions(ValueError):
    """The week has no session the plan could use."""


@dataclass
class Week:
    """A week read from the database: the engine's instance and what the pages show about it."""

    instance: Instance
    people: dict[int, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[int, dict[str, Any]] = field(default_factory=dict)
    not_placeable: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Pairs kept apart because of someone already booked by hand, with the rule, in words.
    blocked: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Span:
    """The week read, and today: sessions before today are not planned."""

    start: date
    end: date
    today: date


@dataclass
class Bookings:
    """Appointments already made: who is booked on each session, the minutes booked against each
    requirement and the days each person is booked."""

    in_session: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    minutes: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    days: dict[int, set[date]] = field(default_factory=lambda: defaultdict(set))
