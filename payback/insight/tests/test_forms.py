"""The period picker: each kind of period up to today, a range of days and what is wrong with one, and
the query string that asks for the same period again. Today is Wednesday 18 November 2026."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from payback.insight.forms import LONGEST_RANGE_DAYS, PeriodForm, period_query, raise_if_invalid
from payback.insight.rules import Period

TODAY = date(2026, 11, 18)


def form(**data: str) -> PeriodForm:
    return PeriodForm(data, today=TODAY)


@pytest.mark.parametrize(
    ("kind", "start"),
    [
        ("week", date(2026, 11, 16)),  # from Monday
        ("month", date(2026, 11, 1)),
        ("quarter", date(2026, 10, 1)),  # the third quarter of the financial year: October to December
        ("year", date(2026, 4, 1)),  # the financial year from 1 April
    ],
)
def test_each_period_runs_to_today(kind: str, start: date) -> None:
    chosen = form(period=kind)
    assert chosen.is_valid(), chosen.errors
    assert chosen.chosen() == Period(start, TODAY)


def test_in_february_the_quarter_is_from_january_and_the_year_from_last_april() -> None:
    february = date(2027, 2, 10)
    assert PeriodForm({"period": "quarter"}, today=february).chosen() == Period(date(2027, 1, 1), february)
    assert PeriodForm({"period": "year"}, today=february).chosen() == Period(date(2026, 4, 1), february)


def test_a_range_of_days_in_either_format() -> None:
    assert form(period="range", start="2026-01-05", end="2026-02-10").chosen() == Period(
        date(2026, 1, 5), date(2026, 2, 10)
    )
    assert form(period="range", start="05/01/2026", end="18/11/2026").chosen() == Period(date(2026, 1, 5), TODAY)


def test_nothing_or_nothing_valid_asked_for_is_this_month() -> None:
    assert PeriodForm(today=TODAY).chosen() == Period(date(2026, 11, 1), TODAY)
    assert form().chosen() == Period(date(2026, 11, 1), TODAY)
    assert form(period="range", start="2026-02-10", end="2026-01-05").chosen() == Period(date(2026, 11, 1), TODAY)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"start": "2026-02-10", "end": "2026-01-05"},
            {"end": ["The last day must be on or after the first day"]},
        ),
        ({"start": "2026-11-01", "end": "2026-11-19"}, {"end": ["The last day must be today or in the past"]}),
        ({"start": "2023-11-14", "end": "2026-11-18"}, {"end": ["Choose a period of 3 years or less"]}),
        ({"end": "2026-11-18"}, {"start": ["Enter the first day of the period"]}),
        ({"start": "2026-11-01"}, {"end": ["Enter the last day of the period"]}),
        ({"start": "1999-12-31", "end": "2000-01-31"}, {"start": ["The first day must be on or after 1 January 2000"]}),
        ({"start": "31 February", "end": "2026-11-18"}, {"start": ["Enter a valid date."]}),
    ],
)
def test_each_error_in_a_range_names_its_field(data: dict[str, str], errors: dict[str, list[str]]) -> None:
    chosen = form(period="range", **data)
    assert not chosen.is_valid()
    assert chosen.errors == errors


def test_a_range_of_3_years_is_allowed_and_a_day_more_is_not() -> None:
    longest = TODAY - timedelta(days=LONGEST_RANGE_DAYS)  # 3 x 366 days back, over 29 February 2024
    assert longest == date(2023, 11, 16)
    assert form(period="range", start="2023-11-16", end="2026-11-18").is_valid()
    assert not form(period="range", start="2023-11-15", end="2026-11-18").is_valid()


def test_an_unknown_period_names_the_period() -> None:
    chosen = form(period="decade")
    assert not chosen.is_valid()
    assert list(chosen.errors) == ["period"]


def test_a_bad_period_is_a_validation_error_naming_each_field() -> None:
    with pytest.raises(ValidationError) as bad:
        raise_if_invalid(form(period="range"))
    assert bad.value.message_dict == {
        "start": ["Enter the first day of the period"],
        "end": ["Enter the last day of the period"],
    }
    raise_if_invalid(form(period="week"))  # nothing wrong: nothing raised


@pytest.mark.parametrize(
    ("data", "query"),
    [
        ({"period": "week"}, "period=week"),
        ({"period": "quarter"}, "period=quarter"),
        (
            {"period": "range", "start": "05/01/2026", "end": "2026-02-10"},
            "period=range&start=2026-01-05&end=2026-02-10",
        ),
    ],
)
def test_the_query_asks_for_the_same_period_again(data: dict[str, str], query: str) -> None:
    first = form(**data)
    assert period_query(first) == query
    again = PeriodForm(QueryDict(query), today=TODAY)
    assert again.chosen() == first.chosen()
    assert period_query(again) == query


def test_no_query_for_a_period_not_asked_for_or_not_valid() -> None:
    assert period_query(PeriodForm(today=TODAY)) == ""
    assert period_query(form()) == ""
    assert period_query(form(period="range", start="2026-11-19", end="2026-11-20")) == ""
