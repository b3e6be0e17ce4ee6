"""Charts drawn on the server: an Altair specification rendered to SVG (no script in the browser,
so the Content Security Policy stays strict), always with a title, a one-line summary for those
who cannot see it, and the figures behind it for a table beside it."""

import re
from dataclasses import dataclass
from html import escape
from typing import Any

import altair as alt
import vl_convert

# GOV.UK colours: the chart reads in the service's palette.
BLUE, GREY = "#1d70b8", "#505a5f"


@dataclass(frozen=True)
class Chart:
    title: str
    summary: str
    svg: str  # role="img", with <title> and <desc>
    rows: list[dict[str, Any]]  # the figures, for the table beside the chart


def _accessible(svg: str, title: str, summary: str) -> str:
    """The SVG as an image with its name and description, sized by its container."""
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    opening = svg.index(">") + 1
    labelled = svg[: opening - 1] + ' role="img" aria-labelledby="chart-title chart-desc">'
    named = f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(summary)}</desc>'
    return labelled + named + svg[opening:]


def bar_chart(*, title: str, summary: str, rows: list[dict[str, Any]], category: str, value: str) -> Chart:
    """Bars of `value` for each `category`, in the order given."""
    order = [row[category] for row in rows]
    spec = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X(f"{category}:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelColor=GREY)),
            y=alt.Y(f"{value}:Q", title=None, axis=alt.Axis(labelColor=GREY, tickMinStep=1)),
        )
        .properties(width="container", height=240)
    )
    svg = vl_convert.vegalite_to_svg(spec.to_json(), config={"autosize": {"type": "fit", "contains": "padding"}})
    return Chart(title, summary, _accessible(svg, title, summary), rows)
