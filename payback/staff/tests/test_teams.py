"""Teams: a senior probation officer leads practitioners of one PDU; pages to create a team and to add
or move a practitioner, for seniors and operations managers of the area."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from payback.core.models import AuditEvent
from payback.staff.models import Pdu, Team, User
from payback.staff.roles import OPERATIONS_MANAGER, SENIOR_PROBATION_OFFICER
from payback.staff.services import team_create, team_lead_change, team_member_add, team_member_remove

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


def test_a_teams_lead_changes_to_another_senior_of_its_pdu_and_it_is_audited(
    spo: User, practitioner: User, pdu_a: Pdu, pdu_a2: Pdu, make_user: Callable[..., User]
) -> None:
    team = team_create(actor=spo, name="Tyne A", pdu=pdu_a, lead=spo)
    sid = make_user("sid", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    assert team_lead_change(actor=spo, team=team, lead=sid).lead == sid
    event = AuditEvent.objects.get(action="staff.team_lead_changed")
    assert event.summary == "Tyne A is now led by Sid Tester (before, Sue Tester)"
    assert (event.before, event.after) == ({"lead": spo.pk}, {"lead": sid.pk})
    for who, message in [
        (None, "Select the senior probation officer who leads the team"),
        (sid, "Sid Tester already leads Tyne A"),
        (practitioner, "Pat Tester is not a senior probation officer"),
        (make_user("ned", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a2), "Ned Tester does not work in"),
    ]:
        with pytest.raises(ValidationError) as error:
            team_lead_change(actor=spo, team=team, lead=who)
        assert list(error.value.message_dict) == ["lead"]
        assert error.value.message_dict["lead"][0].startswith(message)
    team.refresh_from_db()
    assert team.lead == sid


def test_a_practitioner_is_removed_from_a_team_and_it_is_audited(spo: User, practitioner: User, pdu_a: Pdu) -> None:
    team = team_create(actor=spo, name="Tyne A", pdu=pdu_a, lead=spo)
    team_member_add(actor=spo, team=team, practitioner=practitioner)
    assert team_member_remove(actor=spo, team=team, practitioner=practitioner).team is None
    event = AuditEvent.objects.get(action="staff.team_member_removed")
    assert (event.summary, event.subject) == ("Pat Tester removed from Tyne A", f"staff:{practitioner.pk}")
    with pytest.raises(ValidationError) as error:
        team_member_remove(actor=spo, team=team, practitioner=practitioner)
    assert error.value.message_dict == {"practitioner": ["Pat Tester is not in Tyne A"]}
    with pytest.raises(ValidationError) as error:
        team_member_remove(actor=spo, team=team, practitioner=None)
    assert error.value.message_dict == {"practitioner": ["Select the practitioner to remove from the team"]}


def test_a_manager_changes_the_lead_and_removes_a_practitioner_through_the_pages(
    spo: User, practitioner: User, pdu_a: Pdu, pdu_a2: Pdu, make_user: Callable[..., User]
) -> None:
    team = team_create(actor=spo, name="Tyne A", pdu=pdu_a, lead=spo)
    team_member_add(actor=spo, team=team, practitioner=practitioner)
    sid = make_user("sid", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    make_user("ned", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a2)
    client = client_for(make_user("om", role=OPERATIONS_MANAGER, pdu=pdu_a))
    page = client.get(f"/teams/{team.pk}/").content.decode()
    assert f'href="/teams/{team.pk}/lead/"' in page and f'href="/teams/{team.pk}/remove/"' in page
    lead_page = client.get(f"/teams/{team.pk}/lead/")
    assert [str(s) for s in lead_page.context["form"].fields["lead"].queryset] == ["Sid Tester", "Sue Tester"]
    refused = client.post(f"/teams/{team.pk}/lead/", {"lead": spo.pk})
    assert refused.context["form"].errors == {"lead": ["Sue Tester already leads Tyne A"]}
    assert client.post(f"/teams/{team.pk}/lead/", {"lead": sid.pk})["Location"] == f"/teams/{team.pk}/"
    refused = client.post(f"/teams/{team.pk}/remove/", {})
    assert refused.context["form"].errors == {"practitioner": ["Select the practitioner to remove"]}
    assert client.post(f"/teams/{team.pk}/remove/", {"practitioner": practitioner.pk}).status_code == 302
    team.refresh_from_db()
    practitioner.refresh_from_db()
    assert team.lead == sid and practitioner.team is None


def test_only_managers_of_the_area_change_a_teams_lead_or_members(
    spo: User, practitioner: User, pdu_a: Pdu, pdu_b: Pdu, make_user: Callable[..., User]
) -> None:
    team = team_create(actor=spo, name="Tyne A", pdu=pdu_a, lead=spo)
    team_member_add(actor=spo, team=team, practitioner=practitioner)
    for path in (f"/teams/{team.pk}/lead/", f"/teams/{team.pk}/remove/"):
        assert client_for(practitioner).get(path).status_code == 403
        london = client_for(make_user(f"l{len(path)}", role=SENIOR_PROBATION_OFFICER, pdu=pdu_b))
        assert london.get(path).status_code == 404
        assert london.post(path, {"practitioner": practitioner.pk, "lead": spo.pk}).status_code == 404
    practitioner.refresh_from_db()
    assert practitioner.team == team
    assert f'href="/teams/{team.pk}/lead/"' not in client_for(practitioner).get(f"/teams/{team.pk}/").content.decode()
