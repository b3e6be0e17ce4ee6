"""Pure rules of the service for people doing unpaid work: the shape of a case number and a code,
the sign-in limits, how long a signed-in visit lasts, what to wear and bring to a session, and
the earned reduction scheme as it applies to one person. No Django here."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

CODE_LENGTH = 6
_CRN = re.compile(r"^[A-Z][0-9]{6}$")
_CODE = re.compile(rf"^[0-9]{{{CODE_LENGTH}}}$")


def normalise_crn(text: str) -> str:
    """A case number as typed, without spaces and in capitals: ' x123 456 ' is 'X123456'."""
    return "".join(str(text).split()).upper()


def crn_problem(crn: str) -> str | None:
    """What is wrong with the shape of a (normalised) case number, or None. Says nothing about
    whether such a case exists."""
    if not crn:
        return "Enter your case number"
    if not _CRN.match(crn):
        return "Your case number is a letter and then 6 numbers, like X123456"
    return None


def normalise_code(text: str) -> str:
    return "".join(str(text).split())


def code_problem(code: str) -> str | None:
    """What is wrong with the shape of a (normalised) code, or None."""
    if not code:
        return "Enter the code we sent you"
    if not _CODE.match(code):
        return f"The code is {CODE_LENGTH} numbers, like 123456"
    return None


@dataclass(frozen=True)
class Limits:
    """How sign-in is limited. Each count is over the last `window_minutes`."""

    code_minutes: int = 10  # a code works for this long
    tries_per_code: int = 5  # wrong tries before a code stops working
    window_minutes: int = 15
    codes_per_crn: int = 5  # codes asked for one case number
    codes_per_address: int = 20  # codes asked for from one client address
    wrong_codes_per_crn: int = 10
    wrong_codes_per_address: int = 20
    idle_minutes: int = 20  # a signed-in visit (or API token) unused this long ends
    longest_minutes: int = 120  # and ends this long after signing in, however used

    @classmethod
    def with_overrides(cls, values: dict[str, Any]) -> "Limits":
        known = {name: int(value) for name, value in values.items() if name in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class Counts:
    """What the limits count, for one case number and one client address."""

    codes_for_crn: int
    codes_from_address: int
    wrong_for_crn: int
    wrong_from_address: int


def locked_out(counts: Counts, limits: Limits) -> bool:
    """Too many wrong codes for the case number, or from the address: no sign-in for a while."""
    return (
        counts.wrong_for_crn >= limits.wrong_codes_per_crn
        or counts.wrong_from_address >= limits.wrong_codes_per_address
    )


def too_many_codes(counts: Counts, limits: Limits) -> bool:
    """Too many codes asked for the case number, or from the address."""
    return counts.codes_for_crn >= limits.codes_per_crn or counts.codes_from_address >= limits.codes_per_address


def visit_is_live(*, signed_in_at: datetime, last_seen_at: datetime, now: datetime, limits: Limits) -> bool:
    """A signed-in visit (or a token) lasts while it is used at least every `idle_minutes`, and never
    more than `longest_minutes` from signing in."""
    return (
        now - last_seen_at <= timedelta(minutes=limits.idle_minutes)
        and now - signed_in_at <= timedelta(minutes=limits.longest_minutes)
        and last_seen_at <= now + timedelta(minutes=1)
    )


# ---------------------------------------------------------------------------------------------
# What to wear and bring (the operations manual: long trousers, a top that covers the shoulders,
# safety boots where the work needs them, nothing offensive; an orange vest is given on site)


@dataclass(frozen=True)
class SiteFacts:
    """What the session's project assessment says about the site (None where it is not assessed)."""

    individual: bool
    drinking_water: bool | None
    toilets: bool | None
    all_weather: bool | None


def what_to_wear(site: SiteFacts) -> list[str]:
    if site.individual:
        return [
            "Clean, tidy clothes that are fine to work in",
            "Shoes you can stand in all day",
            "Nothing with rude words or pictures on it",
        ]
    return [
        "Long trousers (not shorts or a short skirt)",
        "A top that covers your shoulders (not a vest)",
        "Strong shoes or boots. If you were given safety boots, wear them",
        "Nothing with rude words or pictures on it",
        "We give you an orange vest to wear when you get there",
    ]


def what_to_bring(site: SiteFacts) -> list[str]:
    items = ["Food for your lunch", "Any medicine you need"]
    items.append("Enough water to drink for the whole day" if site.drinking_water is not True else "A drink")
    if not site.individual:
        items.append("A warm, waterproof coat" if site.all_weather is not True else "A coat for the weather")
    return items


def site_notes(site: SiteFacts) -> list[str]:
    if site.toilets is False:
        return ["There are no toilets at the site. Your supervisor will tell you where the nearest ones are."]
    return []


# ---------------------------------------------------------------------------------------------
# Earned reduction (Sentencing Act 2026 s.37), as it applies to one person


@dataclass(frozen=True)
class Earning:
    """The earned reduction scheme for one order, in the numbers the person is told."""

    threshold_minutes: int  # work needed before time off starts
    minutes_off_per_hour: int  # each hour worked after that takes this much off
    most_minutes_off: int  # the most that can be taken off
    earned_minutes: int  # taken off so far
    worked_minutes: int
    stopped_on: date | None  # no more can be earned from this day

    @property
    def still_to_reach(self) -> int:
        """Work still needed before time off starts (0 once reached)."""
        return max(0, self.threshold_minutes - self.worked_minutes)

    @property
    def stopped(self) -> bool:
        return self.stopped_on is not None


def earning_for(
    *,
    scheme: dict[str, Any] | None,
    total_ordered_minutes: int,
    worked_minutes: int,
    earned_minutes: int,
    stopped_on: date | None,
    on: date,
) -> Earning | None:
    """The scheme's terms for an order of `total_ordered_minutes` (rounded down, as the ledger
    rounds them), or None where no scheme is in force and nothing was earned."""
    if not scheme and not earned_minutes:
        return None
    threshold = total_ordered_minutes * scheme["threshold_percent"] // 100 if scheme else 0
    cap = total_ordered_minutes * scheme["cap_percent"] // 100 if scheme else earned_minutes
    return Earning(
        threshold_minutes=threshold,
        minutes_off_per_hour=scheme["minutes_per_hour"] if scheme else 0,
        most_minutes_off=cap,
        earned_minutes=earned_minutes,
        worked_minutes=worked_minutes,
        stopped_on=stopped_on if stopped_on is not None and stopped_on <= on else None,
    )
