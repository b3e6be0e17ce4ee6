from math import degrees

import pytest

from payback.places.grid import grid_to_osgb36, grid_to_wgs84
from payback.places.rules import normalise_postcode


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        ("  ne1   4bx ", "NE1 4BX"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("gir 0aa", "GIR 0AA"),
    ],
)
def test_postcodes_are_put_in_their_normal_form(text: str, normal: str) -> None:
    assert normalise_postcode(text) == normal


@pytest.mark.parametrize(
    "text", [None, "", "   ", "NE1", "1NE 4BX", "NE1 4B", "NE1 44X", "NEW1 4BX", "NE1-4BX", "SW1A 1AAA"]
)
def test_text_not_shaped_like_a_postcode_has_no_normal_form(text: str | None) -> None:
    assert normalise_postcode(text) is None


def test_grid_references_convert_as_ordnance_survey_publish() -> None:
    # Ordnance Survey's worked example (A guide to coordinate systems in Great Britain, annex C):
    # 651409.903 E, 313177.270 N is 52° 39′ 27.2531″ N, 1° 43′ 4.5177″ E on OSGB36.
    lat, lon = grid_to_osgb36(651409.903, 313177.270)
    assert degrees(lat) == pytest.approx(52 + 39 / 60 + 27.2531 / 3600, abs=1e-8)
    assert degrees(lon) == pytest.approx(1 + 43 / 60 + 4.5177 / 3600, abs=1e-8)
    # SW1A 1AA's grid reference in Code-Point Open, against the ONSPD's latitude and longitude.
    assert grid_to_wgs84(529090, 179645) == pytest.approx((51.501009, -0.141588), abs=2e-5)
