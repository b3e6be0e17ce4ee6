"""Teams: a senior probation officer leads practitioners of one PDU; pages to create a team and to add
or move a practitioner, for seniors and operations managers of the area."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from payback.core.models import AuditEvent
from payback.staff.models import Pdu, Team, User
from payback.staff.roles import OPERATIONS_MANAGER, SENIOR_PROBATION_OFFICER
from payback.staff.services import team_create, team_member_add

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def spo(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("sue", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


def test_a_team_is_led_by_a_senior_of_its_pdu(
    spo: User, practitioner: User, pdu_a: Pdu, pdu_a2: Pdu, make_user: Callable[..., User]
) -> None:
    team = team_create(actor=spo, name=" Tyne A ", pdu=pdu_a, lead=spo)
    assert (team.name, team.pdu, team.lead) == ("Tyne A", pdu_a, spo)
    assert AuditEvent.objects.filter(action="staff.team_created").count() == 1
    cases = [
        ({"name": "", "pdu": pdu_a, "lead": spo}, "name", "Enter the team's name"),
        ({"name": "tyne a", "pdu": pdu_a, "lead": spo}, "name", f"{pdu_a} already has a team called tyne a"),
        ({"name": "B", "pdu": None, "lead": spo}, "pdu", "Select the PDU the team works in"),
        ({"name": "B", "pdu": pdu_a, "lead": practitioner}, "lead", "Pat Tester is not a senior probation officer"),
        ({"name": "B", "pdu": pdu_a2, "lead": spo}, "lead", f"Sue Tester does not work in {pdu_a2}"),
    ]
    for answers, field, message in cases:
        with pytest.raises(ValidationError) as error:
            team_create(actor=spo, **answers)
        assert list(error.value.message_dict) == [field]
        assert error.value.message_dict[field][0].startswith(message)
    assert Team.objects.count() == 1


def test_a_practitioner_moves_between_teams_and_the_move_is_audited(
    spo: User, practitioner: User, supervisor: User, pdu_a: Pdu, pdu_a2: Pdu, make_user: Callable[..., User]
) -> None:
    first = team_create(actor=spo, name="Tyne A", pdu=pdu_a, lead=spo)
    second = team_create(
        actor=spo, name="Tyne B", pdu=pdu_a, lead=make_user("sid", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    )
    team_member_add(actor=spo, team=first, practitioner=practitioner)
    moved = team_member_add(actor=spo, team=second, practitioner=practitioner)
    assert moved.team == second
    events = AuditEvent.objects.filter(action="staff.team_member_moved").order_by("id")
    assert [e.summary for e in events] == ["Pat Tester added to Tyne A", "Pat Tester moved from Tyne A to Tyne B"]
    assert events.last().subject == f"staff:{practitioner.pk}"  # type: ignore[union-attr]
    for who, message in [
        (practitioner, "Pat Tester is already in Tyne B"),
        (supervisor, "Sam Tester is not a probation practitioner"),
        (make_user("ned", pdu=pdu_a2), "Ned Tester does not work in"),
    ]:
        with pytest.raises(ValidationError) as error:
            team_member_add(actor=spo, team=second, practitioner=who)
        assert error.value.message_dict["practitioner"][0].startswith(message)


def test_a_senior_creates_a_team_and_adds_a_practitioner_through_the_pages(
    spo: User, practitioner: User, pdu_a: Pdu
) -> None:
    client = client_for(spo)
    assert client.get("/teams/new/").status_code == 200
    refused = client.post("/teams/new/", {"name": "", "pdu": pdu_a.pk, "lead": spo.pk})
    assert refused.context["form"].errors == {"name": ["Enter the team's name"]}
    done = client.post("/teams/new/", {"name": "Tyne A", "pdu": pdu_a.pk, "lead": spo.pk})
    team = Team.objects.get()
    assert done["Location"] == f"/teams/{team.pk}/"
    page = client.get(f"/teams/{team.pk}/")
    assert [str(p) for p in page.context["form"].fields["practitioner"].queryset] == ["Pat Tester"]
    assert client.post(f"/teams/{team.pk}/", {"practitioner": practitioner.pk})["Location"] == f"/teams/{team.pk}/"
    practitioner.refresh_from_db()
    assert practitioner.team == team
    listing = client.get("/teams/").content.decode()
    assert "Tyne A" in listing and "Sue Tester" in listing


def test_practitioners_see_teams_but_only_managers_change_them(
    spo: User, practitioner: User, pdu_a: Pdu, make_user: Callable[..., User]
) -> None:
    team = team_create(actor=spo, name="Tyne A", pdu=pdu_a, lead=spo)
    client = client_for(practitioner)
    assert client.get(f"/teams/{team.pk}/").status_code == 200
    assert client.get("/teams/new/").status_code == 403
    assert client.post(f"/teams/{team.pk}/", {"practitioner": practitioner.pk}).status_code == 403
    manager = make_user("om", role=OPERATIONS_MANAGER, pdu=pdu_a)
    assert client_for(manager).post(f"/teams/{team.pk}/", {"practitioner": practitioner.pk}).status_code == 302


def test_another_areas_team_is_not_found(spo: User, pdu_a: Pdu, make_user: Callable[..., User], pdu_b: Pdu) -> None:
    team = team_create(actor=spo, name="Tyne A", pdu=pdu_a, lead=spo)
    london = client_for(make_user("lsp", role=SENIOR_PROBATION_OFFICER, pdu=pdu_b))
    assert london.get(f"/teams/{team.pk}/").status_code == 404
    assert "Tyne A" not in london.get("/teams/").content.decode()
