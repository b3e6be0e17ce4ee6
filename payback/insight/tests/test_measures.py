"""Every figure is defined once, named once, and documented as defined."""

from pathlib import Path

from payback.insight import fairness, measures

DOC = Path(__file__).resolve().parents[3] / "docs" / "management-information.md"


def test_codes_and_labels_are_unique_across_figures_and_rates() -> None:
    codes = [m.code for m in measures.MEASURES] + [r.code for r in measures.RATES]
    labels = [m.label for m in measures.MEASURES] + [r.label for r in measures.RATES]
    assert len(codes) == len(set(codes))
    assert len(labels) == len(set(labels))


def test_each_rate_is_made_of_two_figures_of_the_same_kind() -> None:
    for rate in measures.RATES:
        numerator, denominator = measures.BY_CODE[rate.numerator], measures.BY_CODE[rate.denominator]
        assert numerator.kind == denominator.kind == measures.FLOW, rate.code
        assert numerator.unit == denominator.unit, rate.code


def test_every_figure_sits_in_a_known_section_with_a_one_line_definition() -> None:
    for item in (*measures.MEASURES, *measures.RATES):
        assert item.section in measures.SECTIONS, item.code
        assert item.definition.endswith(".") and "\n" not in item.definition, item.code


def test_the_documentation_gives_every_definition_word_for_word() -> None:
    text = DOC.read_text()
    for item in (*measures.MEASURES, *measures.RATES):
        assert f"`{item.code}`" in text and item.definition in text, item.code
    for outcome in fairness.OUTCOMES:
        assert outcome.definition in text, outcome.key
    assert fairness.MEDIAN_DAYS_DEFINITION in text
