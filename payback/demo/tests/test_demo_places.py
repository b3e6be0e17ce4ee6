"""The demo's places are real: the extract of the postcode directory it ships, and the postcodes
its people and project sites are given from it."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from payback.cases.models import Person
from payback.demo.home_postcodes import PDU_ANCHORS, extract_places, pdu_places
from payback.places.models import Postcode
from payback.places.onspd import Reading, open_text, read_rows
from payback.places.services import EXTRACT, postcode_places
from payback.projects.models import Project
from payback.staff.regions import REGIONS


def test_the_extract_is_in_the_directorys_layout_and_inside_great_britain() -> None:
    with open_text(EXTRACT) as (text, size):
        reading = Reading(total=size)
        rows = list(read_rows(text, reading))
    assert reading.skipped == 0 and len(rows) == len({r.postcode for r in rows}) > 5_000
    assert all(49.8 < r.latitude < 60.9 and -8.7 < r.longitude < 1.8 for r in rows)
    assert all(r.terminated is None and r.local_authority and r.country for r in rows)


def test_every_pdu_has_an_anchor_with_real_postcodes_around_it() -> None:
    codes = {f"{region}{i:02d}" for region, (_, pdus) in REGIONS.items() for i in range(1, len(pdus) + 1)}
    assert set(PDU_ANCHORS) == codes
    places = extract_places()
    for code in sorted(codes):
        assert PDU_ANCHORS[code] in places
        assert len(pdu_places(code)) >= 20, code


@pytest.mark.django_db
def test_seeding_loads_the_extract_and_places_people_and_projects_from_it() -> None:
    out = StringIO()
    call_command("seed_demo", size="small", stdout=out)
    assert "Postcodes [" in out.getvalue()
    assert Postcode.objects.count() == len(extract_places())
    homes = dict(Person.objects.values_list("pk", "postcode"))
    found = postcode_places(homes.values())
    assert set(homes.values()) <= set(found)  # every home is a real, known postcode
    for pdu_code, postcode in Person.objects.values_list("pdu__code", "postcode"):
        assert postcode in {p.postcode for p in pdu_places(pdu_code)}
    for project in Project.objects.select_related("pdu"):
        place = extract_places()[project.postcode]
        assert (project.latitude, project.longitude) == (
            Decimal(f"{place.latitude:.5f}"),
            Decimal(f"{place.longitude:.5f}"),
        )
        assert place in pdu_places(project.pdu.code)
