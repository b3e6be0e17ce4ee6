"""The monthly national return: one workbook for a calendar month with the national figures, every
region's and every PDU's, outcomes by each protected characteristic, and the definitions."""

from datetime import date

from dateutil.relativedelta import relativedelta

from payback.core.selectors import policy_book

from . import fairness, measures, selectors, tables
from .fairness_views import as_table
from .rules import Period
from .tables import Column, Table


def month_period(month: date) -> Period:
    first = month.replace(day=1)
    return Period(first, first + relativedelta(months=1, days=-1))


def _every_figure(level: str, areas: list[selectors.Area], period: Period, title: str, sheet: str) -> Table:
    """Every figure (as a column) for each area (as a row)."""
    found = selectors.figures_for(level, [a.id for a in areas], period) if areas else {}
    columns = [Column("area", "Area", numeric=False)]
    columns += [Column(m.code, m.label) for m in measures.MEASURES if level != "practitioner" or m.casework]
    columns += [Column(r.code, r.label, unit="%") for r in measures.RATES]
    rows = []
    for area in areas:
        figures = found[area.id]
        row: dict[str, object] = {"area": area.name}
        for m in measures.MEASURES:
            row[m.code] = tables.plain(m, figures.get(m.code))
        for r in measures.RATES:
            row[r.code] = tables.percent(figures.rate(r))
        rows.append(row)
    return Table(title=title, columns=columns, rows=rows, definitions=_definitions(), sheet=sheet)


def _definitions() -> list[tuple[str, str]]:
    return [(m.label, m.definition) for m in measures.MEASURES] + [(r.label, r.definition) for r in measures.RATES]


def national_return(month: date) -> list[Table]:
    """The tables of the return for the calendar month holding `month`."""
    period = month_period(month)
    national = selectors.Area("national", 0, selectors.NATIONAL_NAME)
    now = selectors.figures_for("national", [0], period)[0]
    before = selectors.figures_for("national", [0], period.last_year())[0]
    lines = tables.dashboard_lines(national, now, before, policy_book(), period.end)
    regions = selectors.children(national)
    pdus = [pdu for region in regions for pdu in selectors.children(region)]
    found = [
        tables.dashboard_table(national, period, lines),
        _every_figure("region", regions, period, f"Regions, {period.start:%B %Y}", "Regions"),
        _every_figure("pdu", pdus, period, f"PDUs, {period.start:%B %Y}", "PDUs"),
    ]
    found[0].sheet = "National"
    for characteristic in fairness.CHARACTERISTICS:
        table = as_table(fairness.fairness_table(where={}, period=period, characteristic=characteristic.key), national)
        table.sheet = f"By {characteristic.label.lower()}"
        found.append(table)
    return found
