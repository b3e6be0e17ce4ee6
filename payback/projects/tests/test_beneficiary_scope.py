"""A beneficiary may have work in more than one area (a national charity, say): its page, its place
in the list and the API show only the projects and nominations in the user's own area."""

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from payback.api.tests.client import ApiClient, token_for
from payback.projects import services
from payback.projects.models import Nomination
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import HEAD_OF_UNPAID_WORK, OPERATIONS_MANAGER, PLACEMENT_COORDINATOR

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]


def nominate(pdu: Pdu, place: str) -> Nomination:
    nomination, _ = services.nomination_submit(
        nominator_name="Jo Bloggs",
        nominator_email="jo@example.org",
        nominator_phone="",
        organisation="",
        on_behalf_of_group=False,
        work_description=f"Clear the canal towpath in {place}",
        location=f"{place} canal",
        postcode="DH1 3AA" if pdu.code.startswith("NE") else "SE1 7PB",
        who_benefits="Walkers",
        heard_about="word_of_mouth",
        pdu=pdu,
    )
    return nomination


@pytest.fixture
def charity(make_user: MakeUser, pdu_a: Pdu, pdu_b: Pdu) -> SimpleNamespace:
    """The Canal Trust, recorded in Durham, with a nomination and project in Durham and in London."""
    national = make_user("nat", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)
    trust = services.beneficiary_create(
        actor=national, pdu=pdu_a, name="Canal Trust", kind="charity", contact_name="Kit Lock"
    )
    durham, london = nominate(pdu_a, "Durham"), nominate(pdu_b, "Southwark")
    services.nomination_accept(actor=national, nomination=durham, project_name="Durham towpath", beneficiary=trust)
    services.nomination_accept(actor=national, nomination=london, project_name="Southwark towpath", beneficiary=trust)
    return SimpleNamespace(trust=trust, durham=durham, london=london)


def page_text(user: User, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("scope", ["pdu", "region"])
def test_a_beneficiary_page_lists_only_the_projects_and_nominations_in_the_users_area(
    scope: str, make_user: MakeUser, pdu_a: Pdu, charity: SimpleNamespace
) -> None:
    if scope == "pdu":
        user = make_user("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    else:
        user = make_user("reg", role=OPERATIONS_MANAGER, scope=Scope.REGION, region=pdu_a.region)
    page = page_text(user, f"/projects/beneficiaries/{charity.trust.pk}/")
    assert "Durham towpath" in page and charity.durham.reference in page
    assert "Southwark towpath" not in page and charity.london.reference not in page
    assert "Clear the canal towpath in Southwark" not in page


def test_the_beneficiary_list_counts_only_the_projects_in_the_users_area(
    make_user: MakeUser, pdu_a: Pdu, charity: SimpleNamespace
) -> None:
    user = make_user("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    page = page_text(user, "/projects/beneficiaries/")
    row = re.search(r"Canal Trust.*?</tr>", page)
    assert row is not None
    assert re.findall(r'govuk-table__cell--numeric">(\d+)<', row.group(0)) == ["1"]


def test_the_api_shows_a_beneficiary_with_only_the_projects_in_the_users_area(
    make_user: MakeUser, pdu_a: Pdu, charity: SimpleNamespace
) -> None:
    api = ApiClient(token_for(make_user("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)))
    detail: dict[str, Any] = api.get(f"/beneficiaries/{charity.trust.pk}").json()
    assert [p["name"] for p in detail["projects"]] == ["Durham towpath"]
    assert detail["project_count"] == 1
    listed = api.get("/beneficiaries").json()["items"]
    assert [(b["name"], b["project_count"]) for b in listed] == [("Canal Trust", 1)]
    national = ApiClient(token_for(make_user("hana", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)))
    assert national.get(f"/beneficiaries/{charity.trust.pk}").json()["project_count"] == 2
