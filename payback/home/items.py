"""The shapes of the home page: a piece of work (how many, where it is done, how urgent) with its
most urgent records, and what every kind of work reads from (the user, today, the policy book)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone

from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.staff.models import User

from .rules import TAGS, Urgency, rank_key, urgency_of

T = TypeVar("T")
M = TypeVar("M", bound=Model)

# How many of the most urgent records a piece of work lists under its link.
SHOWN = 3


@dataclass(frozen=True)
class Record:
    """One record behind a piece of work: who or what, where it is done, and its date."""

    label: str
    href: str
    when: date | None = None
    when_label: str = "Due"  # "Due", "Raised", "Evidence due": what the date is
    urgency: Urgency = Urgency.WAITING

    @property
    def overdue(self) -> bool:
        return self.urgency == Urgency.OVERDUE


@dataclass(frozen=True)
class WorkItem:
    """A kind of work waiting for the user: how many, the page where it is done, how urgent the most
    urgent is (and its date), how many are overdue, and the most urgent few."""

    key: str
    label: str
    count: int
    href: str
    urgency: Urgency
    due: date | None = None
    overdue: int = 0
    records: tuple[Record, ...] = ()
    noun: str = ""  # what the count counts, for the sentence under the link ("3 cases")

    @property
    def tag(self) -> tuple[str, str]:
        return TAGS[self.urgency]

    @property
    def sort_key(self) -> tuple[int, date, str]:
        return rank_key(self.urgency, self.due, self.label)

    @property
    def counted(self) -> str:
        """How many, in words: "1 case", "3 cases", "2 people"."""
        return f"{self.count} {self.noun if self.count == 1 else plural(self.noun)}"

    @property
    def tag_text(self) -> str:
        """The words of the item's tag: how many are overdue, due today, waiting, or when the first is due."""
        if self.urgency == Urgency.OVERDUE:
            return f"{self.overdue} overdue"
        if self.urgency == Urgency.LATER and self.due is not None:
            return f"Due {self.due.day} {self.due:%B}"
        return TAGS[self.urgency][1]

    @property
    def more(self) -> int:
        """How many are not listed under the link."""
        return max(0, self.count - len(self.records))


@dataclass(frozen=True)
class Figure:
    """A headline figure: its name, its value and the same days' last year as read, and where its
    breakdown is."""

    label: str
    value: str
    last_year: str
    href: str


@dataclass
class Section:
    """The work of one role the user holds, most urgent first; the kinds with nothing to do named apart."""

    role: str
    items: list[WorkItem] = field(default_factory=list)
    clear: list[WorkItem] = field(default_factory=list)
    headlines: Any = None  # the head of unpaid work's figures (`figures.Headlines`)


@dataclass
class Today:
    """What every kind of work reads from: the user, today's date and time, and the policy book (read once)."""

    user: User
    today: date
    now: datetime
    _memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_user(cls, user: User) -> "Today":
        return cls(user=user, today=timezone.localdate(), now=timezone.now())

    @cached_property
    def book(self) -> PolicyBook:
        return policy_book()

    def memo(self, key: str, read: Callable[[], T]) -> T:
        """What `read` returns, read once however many kinds of work ask for it."""
        if key not in self._memo:
            self._memo[key] = read()
        return self._memo[key]  # type: ignore[no-any-return]


def work(
    key: str,
    label: str,
    href: str,
    records: Iterable[Record],
    *,
    count: int | None = None,
    overdue: int | None = None,
    noun: str = "",
    undated: Urgency = Urgency.WAITING,
) -> WorkItem:
    """A piece of work from its records, most urgent first: the count is how many records there are
    unless given (with how many are overdue, when only the first few were read); its urgency and date
    are the most urgent record's."""
    ranked = sorted(records, key=lambda r: rank_key(r.urgency, r.when, r.label))
    first = ranked[0] if ranked else None
    return WorkItem(
        key=key,
        label=label,
        count=len(ranked) if count is None else count,
        href=href,
        urgency=first.urgency if first else undated,
        due=first.when if first else None,  # for work waiting, the day the longest wait began
        overdue=sum(1 for r in ranked if r.urgency == Urgency.OVERDUE) if overdue is None else overdue,
        records=tuple(ranked[:SHOWN]),
        noun=noun,
    )


def record(
    label: str,
    href: str,
    when: date | None,
    today: date,
    *,
    when_label: str = "Due",
    undated: Urgency = Urgency.WAITING,
) -> Record:
    """A record dated `when` (a due date), its urgency from the date."""
    return Record(label, href, when, when_label, urgency_of(when, today, undated=undated))


def waiting(label: str, href: str, since: date | None, *, when_label: str = "Raised") -> Record:
    """A record with no deadline, waiting on the user since a day."""
    return Record(label, href, since, when_label, Urgency.WAITING)


# Nouns whose plural is not made with an "s".
PLURALS = {"person": "people"}


def plural(noun: str) -> str:
    return PLURALS.get(noun, f"{noun}s")


def url(name: str, *args: object, query: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "")


def first_few(records: QuerySet[M]) -> tuple[list[M], int]:
    """The most urgent few of an ordered queryset and how many there are in all (counted only when
    there may be more)."""
    first = list(records[:SHOWN])
    return first, records.count() if len(first) == SHOWN else len(first)


def local_day(moment: datetime | None) -> date | None:
    """The day in London of a moment recorded, if there is one."""
    return timezone.localdate(moment) if moment is not None else None
