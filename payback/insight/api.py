"""Management information as JSON under /api/v1/insight/, with each figure's definition, for other
systems to read: the same kept figures, areas and periods as the pages, and the same rule on who
sees what (an area outside yours is 404)."""

from datetime import date, datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from payback.core.api_ops import Access, Operations
from payback.core.selectors import policy_book
from payback.staff.roles import REFUSALS, VIEW_FIGURES

from . import fairness, measures, selectors, services, tables
from .fairness_views import where_of
from .forms import PeriodForm, raise_if_invalid
from .rules import Period

router = Router(tags=["insight"])
ops = Operations(router)
access = Access(REFUSALS)

LevelName = Literal["national", "region", "pdu", "practitioner"]
LEVEL = Path(..., description="national, region, pdu or practitioner")
AREA_ID = Path(..., ge=0, description="Id of the region, PDU or practitioner (0 for national)")
CODE = Path(..., pattern=r"^[a-z0-9_]{1,40}$", description="The figure's code, as listed by /insight/definitions")


class PeriodQuery(Schema):
    period: Literal["week", "month", "quarter", "year", "range"] = Field(
        "month", description="This week, month, quarter (of the financial year), financial year to date, or a range"
    )
    start: date | None = Field(None, description="With period=range: the first day")
    end: date | None = Field(None, description="With period=range: the last day (today or before)")


class DefinitionOut(Schema):
    code: str
    label: str
    definition: str
    section: str
    kind: str = Field(description="flow (adds up over the period), stock (as it stood at the end) or rate")
    unit: str = Field(description="hours, count or %")


class PeriodOut(Schema):
    start: date
    end: date


class AreaOut(Schema):
    level: str
    id: int
    name: str


class FigureOut(Schema):
    code: str
    label: str
    section: str
    kind: str
    unit: str
    value: float | None = Field(description="This period (hours in hours, rates in %); null where not counted")
    last_year: float | None = Field(description="The same period a year before")
    detail: str = Field(description="For a rate, the figures it is made of; for the individual share, the target")


class FiguresOut(Schema):
    area: AreaOut
    period: PeriodOut
    last_year: PeriodOut
    stocks_on: date | None = Field(description="The day the stocks were counted")
    refreshed_at: datetime | None = Field(description="When the figures were last brought up to date")
    figures: list[FigureOut]
    areas_below: list[AreaOut]


class BreakdownRowOut(Schema):
    area: AreaOut
    value: float | None
    last_year: float | None


class BreakdownOut(Schema):
    area: AreaOut
    period: PeriodOut
    figure: DefinitionOut
    areas_below: list[BreakdownRowOut]


def _definitions() -> list[DefinitionOut]:
    found = [
        DefinitionOut(code=m.code, label=m.label, definition=m.definition, section=m.section, kind=m.kind, unit=m.unit)
        for m in measures.MEASURES
    ]
    found += [
        DefinitionOut(code=r.code, label=r.label, definition=r.definition, section=r.section, kind="rate", unit="%")
        for r in measures.RATES
    ]
    return found


def _period(query: PeriodQuery) -> Period:
    fields = ("period", "start", "end")
    data = {
        k: v.isoformat() if isinstance(v, date) else v for k, v in query.dict().items() if v is not None and k in fields
    }
    form = PeriodForm(data, today=timezone.localdate())
    raise_if_invalid(form)
    return form.chosen()


LINE_FIELDS = ("code", "label", "section", "kind", "unit", "last_year", "detail")


def _area_out(area: selectors.Area) -> AreaOut:
    return AreaOut(level=area.level, id=area.id, name=area.name)


@ops.get("/definitions", list[DefinitionOut], "listFigureDefinitions", "What each figure means")
def definitions(request: HttpRequest) -> list[DefinitionOut]:
    """Every figure and rate: its code, name, one-line definition, whether it is a flow, a stock or a rate,
    and its unit."""
    access(request, VIEW_FIGURES)
    return _definitions()


@ops.get("/areas/{level}/{id}", FiguresOut, "getAreaFigures", "The figures of an area for a period")
def area_figures(
    request: HttpRequest, query: Query[PeriodQuery], level: LevelName = LEVEL, id: int = AREA_ID
) -> FiguresOut:
    """Every figure for the area (the country, a region, a PDU or a practitioner's caseload) this period and the
    same period last year. `GET /insight/mine` names your own area."""
    user = access(request, VIEW_FIGURES)
    area = selectors.area_get(user, level, id)
    period = _period(query)
    now = selectors.figures_for(level, [id], period)[id]
    before = selectors.figures_for(level, [id], period.last_year())[id]
    lines = tables.dashboard_lines(area, now, before, policy_book(), period.end)
    refreshed = services.last_refresh()
    return FiguresOut(
        area=_area_out(area),
        period=PeriodOut(start=period.start, end=period.end),
        last_year=PeriodOut(start=period.last_year().start, end=period.last_year().end),
        stocks_on=now.stocks_on,
        refreshed_at=refreshed.finished_at if refreshed else None,
        figures=[FigureOut(value=x.now, **{k: getattr(x, k) for k in LINE_FIELDS}) for x in lines],
        areas_below=[_area_out(child) for child in selectors.children(area)],
    )


@ops.get("/mine", AreaOut, "getMyArea", "The widest area you may see")
def mine(request: HttpRequest) -> AreaOut:
    """The country, your region, your PDU or (for a practitioner) your own caseload."""
    user = access(request, VIEW_FIGURES)
    area = selectors.home_area(user)
    return _area_out(area) if area else AreaOut(level="none", id=0, name="")


@ops.get(
    "/areas/{level}/{id}/figures/{code}", BreakdownOut, "getFigureBreakdown", "One figure for each area one level down"
)
def figure_breakdown(
    request: HttpRequest, query: Query[PeriodQuery], level: LevelName = LEVEL, id: int = AREA_ID, code: str = CODE
) -> BreakdownOut:
    """One figure (or rate) for each region of the country, PDU of a region or practitioner of a PDU."""
    user = access(request, VIEW_FIGURES)
    area = selectors.area_get(user, level, id)
    definition = next((d for d in _definitions() if d.code == code), None)
    if definition is None:
        raise Http404("No such figure")
    period = _period(query)
    kids = selectors.children(area)
    table = tables.breakdown_table(area, period, code, kids)
    by_id = {child.id: child for child in kids}
    return BreakdownOut(
        area=_area_out(area),
        period=PeriodOut(start=period.start, end=period.end),
        figure=definition,
        areas_below=[
            BreakdownRowOut(area=_area_out(by_id[row["area_id"]]), value=row["now"], last_year=row["last_year"])
            for row in table.rows
        ],
    )


class FairnessQuery(PeriodQuery):
    characteristic: Literal["sex", "ethnicity", "age_band", "disability", "religion"] = Field(
        "sex", description="The protected characteristic to compare by"
    )


class OutcomeOut(Schema):
    outcome: str
    label: str
    count: int | None = Field(description="null where hidden (small numbers)")
    total: int | None
    rate: float | None = Field(description="As a share from 0 to 1")
    low: float | None = Field(description="The 95% interval (Wilson)")
    high: float | None
    rest_of_area: float | None
    differs: bool = Field(description="The intervals of the group and the rest of the area do not overlap")
    hidden: bool


class GroupOut(Schema):
    name: str
    people: int | None
    median_days_to_first_work: float | None
    outcomes: list[OutcomeOut]


class FairnessOut(Schema):
    area: AreaOut
    period: PeriodOut
    characteristic: str
    people: int | None = Field(description="Requirements that ended in the period; null when fewer than 5")
    groups: list[GroupOut]
    definitions: dict[str, str]


@ops.get(
    "/areas/{level}/{id}/fairness", FairnessOut, "getOutcomesByCharacteristic", "Outcomes by protected characteristic"
)
def fairness_outcomes(
    request: HttpRequest, query: Query[FairnessQuery], level: LevelName = LEVEL, id: int = AREA_ID
) -> FairnessOut:
    """For the requirements that ended in the period in the area (the country, a region or a PDU), each
    outcome's rate for each group with its 95% interval beside the rest of the area's. Small numbers are hidden."""
    user = access(request, VIEW_FIGURES)
    area = selectors.area_get(user, level, id)
    period = _period(query)
    found = fairness.fairness_table(where=where_of(area), period=period, characteristic=query.characteristic)
    labels = {o.key: o.label for o in fairness.OUTCOMES}
    return FairnessOut(
        area=_area_out(area),
        period=PeriodOut(start=period.start, end=period.end),
        characteristic=query.characteristic,
        people=found.people,
        groups=[
            GroupOut(
                name=group.name,
                people=group.people,
                median_days_to_first_work=group.median_days,
                outcomes=[_outcome(key, labels[key], figure) for key, figure in group.figures.items()],
            )
            for group in found.groups
        ],
        definitions={o.key: o.definition for o in fairness.OUTCOMES},
    )


def _outcome(key: str, label: str, figure: fairness.Figure) -> OutcomeOut:
    rate = figure.rate
    return OutcomeOut(
        outcome=key,
        label=label,
        count=figure.count,
        total=figure.total,
        rate=rate.value if rate else None,
        low=rate.low if rate else None,
        high=rate.high if rate else None,
        rest_of_area=figure.rest.value if figure.rest else None,
        differs=figure.differs,
        hidden=figure.suppressed,
    )
