"""Outcomes by protected characteristic for an area (the country, a region or a PDU): the page, and
its table as CSV or Excel. Each rate has its 95% interval beside the rest of the area's, and small
numbers are hidden."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from payback.core.edge import staff_page, staff_user
from payback.staff.roles import VIEW_FIGURES

from . import charts, exports, fairness, selectors
from .forms import PeriodForm, period_query
from .models import Level
from .tables import Column, Table

SUPPRESSION_NOTE = (
    "Small numbers",
    "Counts from 1 to 4 are not shown, nor the next smallest where one hidden count could be worked out "
    "from the total. A rate is flagged when its 95% interval (Wilson) does not overlap the rest of the area's.",
)


def where_of(area: selectors.Area) -> dict[str, int]:
    """The outcomes of an area: everyone's, a region's or a PDU's."""
    if area.level == Level.NATIONAL:
        return {}
    if area.level == Level.PRACTITIONER:
        raise Http404("Outcomes by protected characteristic are shown for a PDU and wider")
    return {f"{area.level}_id": area.id}


def _read(request: HttpRequest, level: str, pk: int) -> dict[str, Any]:
    area = selectors.area_get(staff_user(request), level, pk)
    # With no period asked for, the financial year to date: a month holds too few to compare.
    asked = request.GET if "period" in request.GET else None
    form = PeriodForm(asked, today=timezone.localdate(), default="year")
    period = form.chosen()
    chosen = request.GET.get("characteristic", "sex")
    if chosen not in {c.key for c in fairness.CHARACTERISTICS}:
        raise Http404("No such characteristic")
    table = fairness.fairness_table(where=where_of(area), period=period, characteristic=chosen)
    return {"area": area, "form": form, "period": period, "query": period_query(form), "table": table}


def as_table(found: fairness.FairnessTable, area: selectors.Area) -> Table:
    columns = [Column("group", found.characteristic.label, numeric=False), Column("people", "People")]
    for outcome in fairness.OUTCOMES:
        columns += [
            Column(f"{outcome.key}_count", f"{outcome.label}: count"),
            Column(f"{outcome.key}_of", f"{outcome.label}: of"),
            Column(f"{outcome.key}_rate", f"{outcome.label}: %", unit="%"),
            Column(f"{outcome.key}_low", f"{outcome.label}: 95% from", unit="%"),
            Column(f"{outcome.key}_high", f"{outcome.label}: 95% to", unit="%"),
            Column(f"{outcome.key}_rest", f"{outcome.label}: rest of area %", unit="%"),
            Column(f"{outcome.key}_differs", f"{outcome.label}: differs", numeric=False),
        ]
    columns.append(Column("median_days", "Median days to first work"))
    rows = [_row(group) for group in found.groups]
    return Table(
        title=f"Outcomes by {found.characteristic.label.lower()}, {area.name}: "
        f"{found.period.start:%d %B %Y} to {found.period.end:%d %B %Y}",
        columns=columns,
        rows=rows,
        definitions=[
            *((o.label, o.definition) for o in fairness.OUTCOMES),
            ("Median days to first work", fairness.MEDIAN_DAYS_DEFINITION),
            SUPPRESSION_NOTE,
        ],
    )


def _pc(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _row(group: fairness.GroupRow) -> dict[str, Any]:
    row: dict[str, Any] = {"group": group.name, "people": group.people, "median_days": group.median_days}
    for key, figure in group.figures.items():
        rate = figure.rate
        row |= {
            f"{key}_count": figure.count,
            f"{key}_of": figure.total,
            f"{key}_rate": _pc(rate.value) if rate else None,
            f"{key}_low": _pc(rate.low) if rate else None,
            f"{key}_high": _pc(rate.high) if rate else None,
            f"{key}_rest": _pc(figure.rest.value) if figure.rest else None,
            f"{key}_differs": "Yes" if figure.differs else ("Not shown" if figure.suppressed else "No"),
        }
    return row


@require_safe
@staff_page(VIEW_FIGURES)
def fairness_page(request: HttpRequest, level: str, pk: int) -> HttpResponse:
    context = _read(request, level, pk)
    found: fairness.FairnessTable = context["table"]
    shown = [(g.name, g.figures["completion"].rate) for g in found.groups if g.figures["completion"].rate]
    if shown:
        rows = [{"group": name, "completed": _pc(rate.value) or 0} for name, rate in shown if rate is not None]
        context["chart"] = charts.bar_chart(
            key="completion",
            title=f"Completed, by {found.characteristic.label.lower()} (%)",
            summary="The share whose requirement ended with all its hours done: "
            + "; ".join(f"{r['group']} {r['completed']}%" for r in rows)
            + ". Groups with small numbers are not shown.",
            rows=rows,
            category="group",
            value="completed",
        )
    context |= {"characteristics": fairness.CHARACTERISTICS, "outcomes": fairness.OUTCOMES, "note": SUPPRESSION_NOTE}
    context["median_definition"] = fairness.MEDIAN_DAYS_DEFINITION
    return render(request, "insight/fairness.html", context)


@require_safe
@staff_page(VIEW_FIGURES)
def fairness_export(request: HttpRequest, level: str, pk: int, fmt: str) -> HttpResponseBase:
    context = _read(request, level, pk)
    table = as_table(context["table"], context["area"])
    return exports.csv_response(table) if fmt == "csv" else exports.xlsx_response([table], table.title)
