"""The figures laid out as tables: one shape for pages, exports and the API alike. A table has
its columns, its rows of plain values (hours in hours, rates as percentages) and the definitions
of the figures it holds."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from payback.core.policy import PolicyBook

from . import measures, selectors
from .rules import Period


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True
    unit: str = ""  # "%" for a rate


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    definitions: list[tuple[str, str]] = field(default_factory=list)
    sheet: str = ""  # a short name for its sheet in a workbook (the title's start otherwise)


def plain(measure: measures.Measure, value: int | None) -> float | int | None:
    """A kept value as people read it: hours (to one decimal place) for minutes, else the count."""
    if value is None:
        return None
    return round(value / 60, 1) if measure.unit == measures.HOURS else value


def percent(pair: tuple[int, int] | None) -> float | None:
    return None if pair is None else round(100 * pair[0] / pair[1], 1)


@dataclass(frozen=True)
class Line:
    """One figure on a dashboard: this period and the same period last year."""

    code: str
    label: str
    definition: str
    section: str
    now: float | int | None
    last_year: float | int | None
    unit: str  # "hours", "count" or "%"
    kind: str  # "flow", "stock" or "rate"
    detail: str = ""  # for a rate: the figures it is made of; for the individual share: the target


def applies(area: selectors.Area, casework: bool) -> bool:
    """Sessions and incidents are not counted for a practitioner's caseload."""
    return casework or area.level != "practitioner"


def dashboard_lines(
    area: selectors.Area, now: selectors.Figures, before: selectors.Figures, book: PolicyBook, on: date
) -> list[Line]:
    lines = [
        Line(
            m.code,
            m.label,
            m.definition,
            m.section,
            plain(m, now.get(m.code)),
            plain(m, before.get(m.code)),
            m.unit,
            m.kind,
        )
        for m in measures.MEASURES
        if applies(area, m.casework)
    ]
    for rate in measures.RATES:
        if not applies(area, rate.casework):
            continue
        pair = now.rate(rate)
        detail = f"{pair[0]:,} of {pair[1]:,}" if pair else ""
        if rate.code == "individual_share":
            detail = f"Target {selectors.individual_target(area, book, on)}%"
        lines.append(
            Line(
                rate.code,
                rate.label,
                rate.definition,
                rate.section,
                percent(pair),
                percent(before.rate(rate)),
                "%",
                "rate",
                detail,
            )
        )
    order = {section: i for i, section in enumerate(measures.SECTIONS)}
    return sorted(lines, key=lambda line: order[line.section])


def dashboard_table(area: selectors.Area, period: Period, lines: list[Line]) -> Table:
    return Table(
        title=f"{area.name}: {period.start:%d %B %Y} to {period.end:%d %B %Y}",
        columns=[
            Column("section", "Section", numeric=False),
            Column("figure", "Figure", numeric=False),
            Column("now", "This period"),
            Column("last_year", "Same period last year"),
            Column("unit", "Unit", numeric=False),
        ],
        rows=[
            {"section": x.section, "figure": x.label, "now": x.now, "last_year": x.last_year, "unit": x.unit}
            for x in lines
        ],
        definitions=[(x.label, x.definition) for x in lines],
        sheet="Figures",
    )


HEADLINES = ("worked_minutes", "outstanding_minutes", "backlog_cases", "attendance_rate", "individual_share")


def breakdown_table(area: selectors.Area, period: Period, code: str, children: list[selectors.Area]) -> Table:
    """One figure (or rate) for each area one level down, with this period and last year."""
    now = selectors.figures_for(children[0].level, [c.id for c in children], period) if children else {}
    before = selectors.figures_for(children[0].level, [c.id for c in children], period.last_year()) if children else {}
    label, definition = _describe(code)
    rows = [
        {"area": c.name, "area_id": c.id, "now": _value(code, now[c.id]), "last_year": _value(code, before[c.id])}
        for c in children
    ]
    return Table(
        title=f"{label} by {area.child_label.lower()}, {area.name}: {period.start:%d %B %Y} to {period.end:%d %B %Y}",
        columns=[
            Column("area", area.child_label, numeric=False),
            Column("now", "This period"),
            Column("last_year", "Same period last year"),
        ],
        rows=rows,
        definitions=[(label, definition)],
    )


def _describe(code: str) -> tuple[str, str]:
    if code in measures.BY_CODE:
        return measures.BY_CODE[code].label, measures.BY_CODE[code].definition
    rate = RATES_BY_CODE[code]
    return rate.label, rate.definition


RATES_BY_CODE = {r.code: r for r in measures.RATES}


def _unit(code: str) -> str:
    return "%" if code in RATES_BY_CODE else ""


def known(code: str) -> bool:
    return code in measures.BY_CODE or code in RATES_BY_CODE


def _value(code: str, figures: selectors.Figures) -> float | int | None:
    if code in RATES_BY_CODE:
        return percent(figures.rate(RATES_BY_CODE[code]))
    return plain(measures.BY_CODE[code], figures.get(code))


def headline_table(area: selectors.Area, period: Period, children: list[selectors.Area]) -> Table:
    """A few headline figures for each area one level down."""
    now = selectors.figures_for(children[0].level, [c.id for c in children], period) if children else {}
    rows = [
        {"area": c.name, "area_id": c.id, **{code: _value(code, now[c.id]) for code in HEADLINES}} for c in children
    ]
    return Table(
        title=f"By {area.child_label.lower()}",
        columns=[
            Column("area", area.child_label, numeric=False),
            *(Column(code, _describe(code)[0], unit="%" if code in RATES_BY_CODE else "") for code in HEADLINES),
        ],
        rows=rows,
        definitions=[_describe(code) for code in HEADLINES],
    )
