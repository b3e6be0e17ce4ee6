"""Charts drawn on the server: an Altair specification rendered to SVG (no script in the browser,
so the Content Security Policy stays strict), always with a title, a one-line summary for those
who cannot see it, and the figures behind it for a table beside it."""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

import altair as alt
import vl_convert
from django.core.cache import cache

# GOV.UK colours: the chart reads in the service's palette.
BLUE, GREY, ORANGE = "#1d70b8", "#505a5f", "#f47738"


@dataclass(frozen=True)
class Chart:
    key: str  # unique on its page: names the chart's title and description
    title: str
    summary: str
    svg: str  # role="img", with <title> and <desc>
    rows: list[dict[str, Any]]  # the figures, for the table beside the chart


def _accessible(svg: str, key: str, title: str, summary: str) -> str:
    """The SVG as an image with its name and description, sized by its container."""
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    opening = svg.index(">") + 1
    labelled = svg[: opening - 1] + f' role="img" aria-labelledby="{key}-title {key}-desc">'
    named = f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(summary)}</desc>'
    return labelled + named + svg[opening:]


CACHE_SECONDS = 24 * 60 * 60


def _svg(inputs: list[Any], spec: Callable[[], alt.TopLevelMixin]) -> str:
    """The drawing of a chart. Building and drawing one takes tens of milliseconds and the same
    figures always give the same drawing, so each is kept for a day by a digest of what it shows."""
    key = "insight-chart-" + hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = vl_convert.vegalite_to_svg(spec().to_json(), config={"autosize": {"type": "fit", "contains": "padding"}})
        cache.set(key, svg, CACHE_SECONDS)
    return str(svg)


def _render(
    inputs: list[Any],
    spec: Callable[[], alt.TopLevelMixin],
    key: str,
    title: str,
    summary: str,
    rows: list[dict[str, Any]],
) -> Chart:
    return Chart(key, title, summary, _accessible(_svg(inputs, spec), key, title, summary), rows)


def _x(category: str, order: list[Any]) -> alt.X:
    """Categories along the bottom in the order given, their labels slanted to fit a phone's width."""
    return alt.X(f"{category}:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelColor=GREY))


def _axis() -> alt.Axis:
    return alt.Axis(labelColor=GREY, tickMinStep=1, format=",d")


def bar_chart(*, key: str, title: str, summary: str, rows: list[dict[str, Any]], category: str, value: str) -> Chart:
    """Bars of `value` for each `category`, in the order given."""
    order = [row[category] for row in rows]

    def spec() -> alt.TopLevelMixin:
        return (
            alt.Chart(alt.Data(values=rows))
            .mark_bar(color=BLUE)
            .encode(
                x=_x(category, order),
                y=alt.Y(f"{value}:Q", title=None, axis=_axis()),
            )
            .properties(width="container", height=240)
        )

    return _render(["bar", rows, category, value], spec, key, title, summary, rows)


def line_chart(
    *, key: str, title: str, summary: str, rows: list[dict[str, Any]], category: str, series: dict[str, str]
) -> Chart:
    """A line for each of `series` (field: label) across `category`, in the order given: a solid
    blue line for the first and a dashed orange one for the second, with a legend."""
    order = [row[category] for row in rows]
    long = [{category: row[category], "series": label, "value": row[f]} for row in rows for f, label in series.items()]
    labels = list(series.values())

    def spec() -> alt.TopLevelMixin:
        return (
            alt.Chart(alt.Data(values=long))
            .mark_line(point=True)
            .encode(
                x=_x(category, order),
                y=alt.Y("value:Q", title=None, axis=_axis()),
                color=alt.Color(
                    "series:N",
                    scale=alt.Scale(domain=labels, range=[BLUE, ORANGE][: len(labels)]),
                    legend=alt.Legend(orient="bottom", title=None, labelColor=GREY),
                ),
                strokeDash=alt.StrokeDash(
                    "series:N", scale=alt.Scale(domain=labels, range=[[1, 0], [6, 4]][: len(labels)]), legend=None
                ),
            )
            .properties(width="container", height=240)
        )

    return _render(["line", long, category, labels], spec, key, title, summary, rows)
