"""Looking up where a postcode is, and what a page says when it cannot be found."""

from pathlib import Path

import pytest

from payback.places.services import (
    find_place,
    postcode_place,
    postcode_places,
    postcodes_import,
    unknown_postcode_warning,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def directory(onspd_csv: Path) -> None:
    postcodes_import(onspd_csv)


def test_a_known_postcode_is_found_however_it_is_written() -> None:
    assert postcode_place("NE1 4BX") == (54.974706, -1.619188)
    assert postcode_place(" ne14bx") == (54.974706, -1.619188)


def test_an_unknown_or_malformed_postcode_has_no_place() -> None:
    assert postcode_place("NE1 9ZZ") is None
    assert postcode_place("NE99 1ZZ") is None  # in the directory, but without a place
    assert postcode_place("not a postcode") is None
    assert postcode_place("") is None and postcode_place(None) is None


def test_a_terminated_postcode_is_still_where_it_was() -> None:
    place = find_place("DL1 5QD")
    assert place is not None and place.terminated is not None
    assert (place.latitude, place.longitude) == (54.524531, -1.55349)


def test_many_postcodes_are_looked_up_at_once_by_the_text_given(django_assert_num_queries: object) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        found = postcode_places(["ne6 1bu", "NE1 4BX", "NE1 9ZZ", "", None, "rubbish"])
    assert found == {"ne6 1bu": (54.968241, -1.582636), "NE1 4BX": (54.974706, -1.619188)}


def test_the_warning_says_why_travel_cannot_be_checked() -> None:
    assert unknown_postcode_warning("NE1 4BX", whose="Home") is None
    assert unknown_postcode_warning("NE1 9ZZ", whose="Home") == (
        "Home postcode NE1 9ZZ was not found in the postcode directory: travel to work cannot be checked"
    )
    assert unknown_postcode_warning("12345", whose="Site") == (
        "Site postcode 12345 is not a valid postcode: travel to work cannot be checked"
    )
    assert (
        unknown_postcode_warning("", whose="Home") == "No home postcode is recorded: travel to work cannot be checked"
    )
