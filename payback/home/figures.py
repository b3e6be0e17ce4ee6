"""The head of unpaid work's headline figures for their area this month, read from the kept
management information exactly as the Figures dashboard reads them."""

from dataclasses import dataclass

from django.urls import reverse

from payback.insight import selectors as insight
from payback.insight.rules import Period, period_of
from payback.insight.tables import Line, dashboard_lines
from payback.insight.templatetags.insight import figure

from .items import Figure, Today

# Hours worked, completions, completions in time, compliance, inductions on time and the backlog.
HEADLINES = (
    "worked_minutes",
    "completed",
    "completed_in_time_rate",
    "compliance_rate",
    "inductions_on_time_rate",
    "backlog_cases",
)


@dataclass(frozen=True)
class Headlines:
    area: str
    period: Period
    figures: list[Figure]
    href: str


def headlines(t: Today) -> Headlines | None:
    """This month's headline figures for the widest area the user may see, or None without figures."""
    area = insight.home_area(t.user)
    if area is None:
        return None
    period = period_of("month", t.today)
    now = insight.figures_for(area.level, [area.id], period)[area.id]
    before = insight.figures_for(area.level, [area.id], period.last_year())[area.id]
    lines = {line.code: line for line in dashboard_lines(area, now, before, t.book, period.end)}
    here = reverse("insight:area", args=[area.level, area.id])
    cards = [_card(lines[code], here) for code in HEADLINES if code in lines]
    return Headlines(area=area.name, period=period, figures=cards, href=reverse("insight:index"))


def _card(line: Line, here: str) -> Figure:
    unit = "%" if line.unit == "%" else ""
    return Figure(
        label=line.label,
        value=figure(line.now, unit),
        last_year=figure(line.last_year, unit),
        href=f"{here}figures/{line.code}/",
    )
