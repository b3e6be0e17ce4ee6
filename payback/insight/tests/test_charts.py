"""A chart is an accessible SVG with its title and summary, and keeps its figures for the table."""

from xml.etree import ElementTree

from payback.insight.charts import bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_a_bar_chart_is_an_image_named_and_described_with_its_figures_kept() -> None:
    rows = [{"week": "1 Jun", "hours": 120}, {"week": "8 Jun", "hours": 95}]
    chart = bar_chart(
        key="hours",
        title="Hours worked each week",
        summary="Hours fell from 120 to 95.",
        rows=rows,
        category="week",
        value="hours",
    )
    root = ElementTree.fromstring(chart.svg)  # noqa: S314 - the service's own drawing, not input
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "hours-title hours-desc"
    assert root.find(f"{SVG}title").text == "Hours worked each week"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Hours fell from 120 to 95."  # type: ignore[union-attr]
    assert "<script" not in chart.svg.lower()
    assert chart.rows == rows
    # the bars are there: one for each week
    assert "1 Jun" in chart.svg and "8 Jun" in chart.svg


def test_a_line_chart_draws_each_series_with_a_legend_and_keeps_its_figures() -> None:
    rows = [{"month": "Apr", "this": 10, "last": 8}, {"month": "May", "this": 12, "last": 9}]
    chart = line_chart(
        key="trend",
        title="Hours worked each month",
        summary="Up on last year in both months.",
        rows=rows,
        category="month",
        series={"this": "This year", "last": "Last year"},
    )
    root = ElementTree.fromstring(chart.svg)  # noqa: S314 - the service's own drawing, not input
    assert root.get("aria-labelledby") == "trend-title trend-desc"
    assert "This year" in chart.svg and "Last year" in chart.svg  # the legend names both lines
    assert chart.rows == rows
