"""The case page and the project page say when a postcode cannot be placed."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from payback.cases.models import Requirement
from payback.places.services import postcodes_import
from payback.staff.models import Pdu, User
from payback.testing.builders import active_project

pytestmark = pytest.mark.django_db

WARNING = 'data-testid="postcode-warning"'


@pytest.fixture(autouse=True)
def directory(onspd_csv: Path) -> None:
    postcodes_import(onspd_csv)


def summary(client: Client, user: User, requirement: Requirement) -> str:
    client.force_login(user)
    return client.get(f"/cases/{requirement.pk}/").content.decode()


def test_the_case_page_warns_when_the_home_postcode_is_not_in_the_directory(
    client: Client, practitioner: User, make_case: Callable[..., Requirement]
) -> None:
    unknown = make_case(postcode="NE1 9ZZ")
    page = summary(client, practitioner, unknown)
    assert WARNING in page
    assert "Home postcode NE1 9ZZ was not found in the postcode directory: travel to work cannot be checked" in page
    known = make_case(postcode="ne6 1bu")
    assert WARNING not in summary(client, practitioner, known)
    blank = make_case()
    assert "No home postcode is recorded: travel to work cannot be checked" in summary(client, practitioner, blank)


def test_the_project_page_warns_when_the_site_cannot_be_placed(
    client: Client, coordinator: User, manager: User, pdu_a: Pdu
) -> None:
    project = active_project(coordinator, manager, pdu_a)
    project.postcode = "DH1 9ZZ"
    project.save(update_fields=["postcode"])
    client.force_login(coordinator)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "Site postcode DH1 9ZZ was not found in the postcode directory: travel to work cannot be checked" in page
    project.latitude, project.longitude = Decimal("54.77632"), Decimal("-1.57432")
    project.save(update_fields=["latitude", "longitude"])
    assert WARNING not in client.get(f"/projects/{project.pk}/").content.decode()
    project.latitude = project.longitude = None
    project.postcode = "DH1 3AA"
    project.save(update_fields=["latitude", "longitude", "postcode"])
    assert WARNING not in client.get(f"/projects/{project.pk}/").content.decode()
