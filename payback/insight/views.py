"""The management information pages: a dashboard for each area, each figure broken down one level
down, the cases behind a figure, and every table as CSV or Excel."""

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from payback.core.edge import staff_page, staff_user
from payback.core.selectors import policy_book
from payback.staff.models import User
from payback.staff.roles import VIEW_FIGURES

from . import charts, exports, measures, returns, selectors, services, sources, tables
from .forms import PeriodForm, period_query
from .models import Level
from .rules import Period


def _period(request: HttpRequest, today: date) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET or None, today=today)
    return form, form.chosen()


@require_safe
@staff_page(VIEW_FIGURES)
def index(request: HttpRequest) -> HttpResponse:
    area = selectors.home_area(staff_user(request))
    if area is None:
        raise Http404("No figures for your account")
    return redirect("insight:area", level=area.level, pk=area.id)


def _dashboard(request: HttpRequest, level: str, pk: int) -> dict[str, Any]:
    user, today = staff_user(request), timezone.localdate()
    area = selectors.area_get(user, level, pk)
    form, period = _period(request, today)
    refreshed = services.current_refresh()
    now = selectors.figures_for(level, [pk], period)[pk]
    before = selectors.figures_for(level, [pk], period.last_year())[pk]
    lines = tables.dashboard_lines(area, now, before, policy_book(), period.end)
    kids = selectors.children(area)
    return {
        "area": area,
        "form": form,
        "period": period,
        "query": period_query(form),
        "lines": lines,
        "sections": _by_section(lines),
        "stocks_on": now.stocks_on,
        "children": tables.headline_table(area, period, kids) if kids else None,
        "refreshed": refreshed,
        "here": reverse("insight:area", args=[level, pk]),
        "today": today,
    }


def _by_section(lines: list[tables.Line]) -> list[tuple[str, list[tables.Line]]]:
    return [(s, [x for x in lines if x.section == s]) for s in measures.SECTIONS if any(x.section == s for x in lines)]


@require_safe
@staff_page(VIEW_FIGURES)
def area(request: HttpRequest, level: str, pk: int) -> HttpResponse:
    context = _dashboard(request, level, pk)
    context["charts"] = _charts(context["area"], context["period"], context["lines"])
    return render(request, "insight/dashboard.html", context)


@require_safe
@staff_page(VIEW_FIGURES)
def area_export(request: HttpRequest, level: str, pk: int, fmt: str) -> HttpResponseBase:
    context = _dashboard(request, level, pk)
    area, period = context["area"], context["period"]
    table = tables.dashboard_table(area, period, context["lines"])
    found = [table] + ([context["children"]] if context["children"] else [])
    return exports.csv_response(table) if fmt == "csv" else exports.xlsx_response(found, table.title)


def _figure(request: HttpRequest, level: str, pk: int, code: str) -> dict[str, Any]:
    if not tables.known(code):
        raise Http404("No such figure")
    user, today = staff_user(request), timezone.localdate()
    area = selectors.area_get(user, level, pk)
    form, period = _period(request, today)
    kids = selectors.children(area)
    table = tables.breakdown_table(area, period, code, kids)
    measure = measures.BY_CODE.get(code)
    cases_behind = measure is not None and measure.code in CASE_STOCKS and level in (Level.PDU, Level.PRACTITIONER)
    return {
        "area": area,
        "form": form,
        "period": period,
        "query": period_query(form),
        "code": code,
        "table": table,
        "label": table.definitions[0][0],
        "definition": table.definitions[0][1],
        "cases_behind": cases_behind,
    }


CASE_STOCKS = {code for code in measures.STOCKS if code != "decisions_overdue"}


@require_safe
@staff_page(VIEW_FIGURES)
def figure(request: HttpRequest, level: str, pk: int, code: str) -> HttpResponse:
    context = _figure(request, level, pk, code)
    table: tables.Table = context["table"]
    if table.rows:
        context["chart"] = _breakdown_chart(context["label"], table)
    return render(request, "insight/figure.html", context)


@require_safe
@staff_page(VIEW_FIGURES)
def figure_export(request: HttpRequest, level: str, pk: int, code: str, fmt: str) -> HttpResponseBase:
    table: tables.Table = _figure(request, level, pk, code)["table"]
    if level == Level.PRACTITIONER:
        raise Http404("A caseload has no areas below it to break a figure down by")
    return exports.csv_response(table) if fmt == "csv" else exports.xlsx_response([table], table.title)


@require_safe
@staff_page(VIEW_FIGURES)
def cases(request: HttpRequest, level: str, pk: int, code: str) -> HttpResponse:
    """The live cases a case stock counts today, in a PDU or a practitioner's caseload."""
    if code not in CASE_STOCKS or level not in (Level.PDU, Level.PRACTITIONER):
        raise Http404("No cases behind this figure")
    user = staff_user(request)
    area = selectors.area_get(user, level, pk)
    where = _cases_of(user, area)
    today = timezone.localdate()
    rows = sources.cases_behind(code, today, policy_book(), where)
    measure = measures.BY_CODE[code]
    return render(request, "insight/cases.html", {"area": area, "measure": measure, "rows": rows, "today": today})


@require_safe
@staff_page(VIEW_FIGURES)
def national_return(request: HttpRequest, year: int, month: int) -> HttpResponseBase:
    """The monthly national return as one workbook: for national staff, for a month that has begun."""
    home = selectors.home_area(staff_user(request))
    if home is None or home.level != Level.NATIONAL:
        raise Http404("The national return is for national staff")
    if (
        not 1 <= month <= 12
        or not 2000 <= year <= timezone.localdate().year
        or date(year, month, 1) > timezone.localdate()
    ):
        raise Http404("No return for that month")
    found = returns.national_return(date(year, month, 1))
    return exports.xlsx_response(found, f"National return {year}-{month:02d}")


def _cases_of(user: User, area: selectors.Area) -> sources.Where:
    """Whose cases: a PDU's; a practitioner's own, all of them; another's, only those in their PDU
    (a caseload may still hold cases of a PDU the practitioner has left)."""
    if area.level == Level.PDU:
        return sources.Where(pdu=area.id)
    if area.id == user.pk or area.parent is None:
        return sources.Where(practitioner=area.id)
    return sources.Where(pdu=area.parent.id, practitioner=area.id)


# ---------------------------------------------------------------------------------------------
# Charts


def _charts(area: selectors.Area, period: Period, lines: list[tables.Line]) -> list[charts.Chart]:
    found = [_trend(area, period)]
    values = {line.code: line.now for line in lines}
    if area.level != Level.PRACTITIONER:
        reasons = [
            (m.label.removeprefix("Stood down: ").capitalize(), values.get(m.code) or 0)
            for m in measures.MEASURES
            if m.code.startswith("stood_down_")
        ]
        found.append(_bars("stand-downs", "Sessions stood down, by reason", reasons, "reason", "sessions"))
    ages = [
        (m.label, values.get(m.code) or 0)
        for m in measures.MEASURES
        if m.code.startswith("backlog_") and m.code != "backlog_minutes" and m.code != "backlog_cases"
    ]
    if values.get("backlog_cases") is not None:
        found.append(_bars("backlog-age", "Backlog, by time past the completion date", ages, "age", "requirements"))
    return found


def _trend(area: selectors.Area, period: Period) -> charts.Chart:
    last = period.end.replace(day=1)
    first = last - relativedelta(months=11)
    this = selectors.monthly(area, "worked_minutes", first, last)
    before = selectors.monthly(area, "worked_minutes", first - relativedelta(years=1), last - relativedelta(years=1))
    rows: list[dict[str, Any]] = [
        {"month": f"{month:%b %Y}", "hours": round(now / 60), "year_before": round(then / 60)}
        for (month, now), (_, then) in zip(this, before, strict=True)
    ]
    total, total_before = sum(r["hours"] for r in rows), sum(r["year_before"] for r in rows)
    summary = (
        f"Hours worked in the 12 months to {last:%B %Y}: {total:,}, against {total_before:,} in the 12 months before. "
        f"The busiest month was {max(rows, key=lambda r: r['hours'])['month']}."
    )
    return charts.line_chart(
        key="trend",
        title="Hours worked each month",
        summary=summary,
        rows=rows,
        category="month",
        series={"hours": "Last 12 months", "year_before": "The year before"},
    )


def _bars(key: str, title: str, pairs: list[tuple[str, float | int]], category: str, unit: str) -> charts.Chart:
    rows = [{category: label, unit: value} for label, value in pairs]
    total = sum(value for _, value in pairs)
    top = max(pairs, key=lambda pair: pair[1]) if pairs else ("", 0)
    summary = f"In all: {total:,}." + (f" The most: {top[0].lower()} ({top[1]:,})." if total else "")
    return charts.bar_chart(key=key, title=title, summary=summary, rows=rows, category=category, value=unit)


def _breakdown_chart(label: str, table: tables.Table) -> charts.Chart:
    pairs = [(str(row["area"]), row["now"] or 0) for row in table.rows]
    return _bars("breakdown", f"{label}, this period", pairs, "area", "value")
