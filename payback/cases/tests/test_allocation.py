"""Reallocating a case: the change recorded with its reason, refusals naming the field, an
idempotent repeat, the area, the page from the case and the caseload's default."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from payback.cases.models import CaseAllocation, Requirement
from payback.cases.services import case_reallocate
from payback.core.idempotency import KeyReused
from payback.core.models import AuditEvent
from payback.staff.models import Pdu, Team, User
from payback.staff.roles import OPERATIONS_MANAGER, SENIOR_PROBATION_OFFICER, SUPERVISOR
from payback.staff.services import team_create, team_member_add
from payback.testing.builders import new_case

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def spo(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("sue", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


@pytest.fixture
def colleague(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("col", pdu=pdu_a)


@pytest.fixture
def case(practitioner: User) -> Requirement:
    return new_case(practitioner, last_name="Moved")


def refusal(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_a_case_moves_to_another_practitioner_with_the_reason_recorded_and_audited(
    spo: User, practitioner: User, colleague: User, case: Requirement
) -> None:
    allocation = case_reallocate(actor=spo, person=case, to_practitioner=colleague, reason="  Balancing caseloads ")
    case.person.refresh_from_db()
    assert case.person.practitioner == colleague
    assert (allocation.from_practitioner, allocation.to_practitioner, allocation.created_by) == (
        practitioner,
        colleague,
        spo,
    )
    assert allocation.reason == "Balancing caseloads"
    event = AuditEvent.objects.get(action="person.reallocated")
    assert event.subject == f"person:{case.person_id}"
    assert event.before == {"practitioner": practitioner.pk} and event.after == {"practitioner": colleague.pk}
    assert event.summary == "Case reallocated from Pat Tester to Col Tester: Balancing caseloads"


@pytest.mark.parametrize(
    ("who", "field", "message"),
    [
        ("nobody", "to_practitioner", "Select the practitioner to allocate the case to"),
        ("supervisor", "to_practitioner", "Sam Tester is not a probation practitioner: choose one to own the case"),
        ("elsewhere", "to_practitioner", "Ned Tester does not work in"),
        ("same", "to_practitioner", "The case is already allocated to Pat Tester"),
        ("blank_reason", "reason", "Enter why the case is being reallocated"),
    ],
)
def test_a_reallocation_that_breaks_a_rule_is_refused_naming_the_field(
    who: str,
    field: str,
    message: str,
    spo: User,
    practitioner: User,
    colleague: User,
    supervisor: User,
    case: Requirement,
    make_user: Callable[..., User],
    pdu_a2: Pdu,
) -> None:
    targets: dict[str, Any] = {
        "nobody": None,
        "supervisor": supervisor,
        "elsewhere": make_user("ned", pdu=pdu_a2),
        "same": practitioner,
        "blank_reason": colleague,
    }
    reason = " " if who == "blank_reason" else "Balancing caseloads"
    with pytest.raises(ValidationError) as error:
        case_reallocate(actor=spo, person=case.person, to_practitioner=targets[who], reason=reason)
    assert list(refusal(error)) == [field]
    assert refusal(error)[field][0].startswith(message)
    assert not CaseAllocation.objects.exists()
    case.person.refresh_from_db()
    assert case.person.practitioner == practitioner


def test_a_repeat_with_the_same_key_changes_nothing_and_a_different_request_is_refused(
    spo: User, colleague: User, case: Requirement, make_user: Callable[..., User], pdu_a: Pdu
) -> None:
    first = case_reallocate(actor=spo, person=case, to_practitioner=colleague, reason="Leave", idempotency_key="k1")
    again = case_reallocate(actor=spo, person=case, to_practitioner=colleague, reason="Leave", idempotency_key="k1")
    assert again.pk == first.pk
    assert CaseAllocation.objects.count() == 1
    assert AuditEvent.objects.filter(action="person.reallocated").count() == 1
    other = make_user("oli", pdu=pdu_a)
    with pytest.raises(KeyReused):
        case_reallocate(actor=spo, person=case, to_practitioner=other, reason="Leave", idempotency_key="k1")
    with pytest.raises(ValidationError) as error:
        case_reallocate(actor=spo, person=case, to_practitioner=other, reason="Leave", idempotency_key="")
    assert list(refusal(error)) == ["idempotency_key"]


def test_staff_of_another_area_cannot_reallocate_the_case(
    case: Requirement, colleague: User, make_user: Callable[..., User], pdu_b: Pdu
) -> None:
    london = make_user("lsp", role=SENIOR_PROBATION_OFFICER, pdu=pdu_b)
    with pytest.raises(ValidationError) as error:
        case_reallocate(actor=london, person=case, to_practitioner=colleague, reason="Mine now")
    assert list(refusal(error)) == ["person"]
    assert not CaseAllocation.objects.exists()


# ---------------------------------------------------------------------------------------------
# Pages


def test_the_reallocation_page_moves_the_case_and_the_summary_shows_the_history(
    spo: User, practitioner: User, colleague: User, case: Requirement
) -> None:
    client = client_for(spo)
    page = client.get(f"/cases/{case.pk}/practitioner/")
    assert page.status_code == 200
    assert [str(p) for p in page.context["form"].fields["to_practitioner"].queryset] == ["Col Tester", "Pat Tester"]
    key = page.context["form"].initial["idempotency_key"]
    answers = {"to_practitioner": colleague.pk, "reason": "Pat is on leave", "idempotency_key": key}
    done = client.post(f"/cases/{case.pk}/practitioner/", answers)
    assert done.status_code == 302 and done["Location"] == f"/cases/{case.pk}/"
    assert client.post(f"/cases/{case.pk}/practitioner/", answers).status_code == 302  # a double submit
    assert CaseAllocation.objects.count() == 1
    reused = client.post(f"/cases/{case.pk}/practitioner/", {**answers, "reason": "Something else"})
    assert reused.context["form"].non_field_errors() == [
        "This form was already used: check the answers, then reallocate again"
    ]
    assert reused.context["form"]["idempotency_key"].value() != key
    summary = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Pat is on leave" in summary and "Reallocations" in summary
    blank = client.post(f"/cases/{case.pk}/practitioner/", {**answers, "reason": "", "idempotency_key": "k2"})
    assert blank.context["form"].errors == {"reason": ["Enter why the case is being reallocated"]}


def test_only_seniors_and_operations_managers_may_reallocate(
    practitioner: User, case: Requirement, make_user: Callable[..., User], pdu_a: Pdu
) -> None:
    assert client_for(practitioner).get(f"/cases/{case.pk}/practitioner/").status_code == 403
    assert "Reallocate" not in client_for(practitioner).get(f"/cases/{case.pk}/").content.decode()
    manager = make_user("om", role=OPERATIONS_MANAGER, pdu=pdu_a)
    assert client_for(manager).get(f"/cases/{case.pk}/practitioner/").status_code == 200
    assert make_user("sup", role=SUPERVISOR, pdu=pdu_a).has_perm("staff.manage_caseloads") is False


def test_another_areas_case_is_not_found(case: Requirement, make_user: Callable[..., User], pdu_b: Pdu) -> None:
    london = make_user("lsp", role=SENIOR_PROBATION_OFFICER, pdu=pdu_b)
    assert client_for(london).get(f"/cases/{case.pk}/practitioner/").status_code == 404


# ---------------------------------------------------------------------------------------------
# The caseload: my cases by default, everyone's on request, my team for a senior


def names(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/cases/{query}")
    return sorted(row["case"].person.last_name for row in response.context["rows"])


@pytest.fixture
def team_world(
    spo: User,
    practitioner: User,
    colleague: User,
    make_user: Callable[..., User],
    make_case: Callable[..., Requirement],
    pdu_a: Pdu,
) -> Team:
    """Pat and Col in Sue's team; Out (same PDU) in no team; one case each and one unallocated."""
    team = team_create(actor=spo, name="Tyne A", pdu=pdu_a, lead=spo)
    team_member_add(actor=spo, team=team, practitioner=practitioner)
    team_member_add(actor=spo, team=team, practitioner=colleague)
    new_case(practitioner, last_name="Pats")
    new_case(colleague, last_name="Cols")
    new_case(make_user("out", pdu=pdu_a), last_name="Outs")
    make_case(last_name="Nobodys")
    return team


def test_a_practitioner_sees_their_own_cases_unless_they_ask_for_everyones(
    team_world: Team, practitioner: User
) -> None:
    client = client_for(practitioner)
    assert names(client) == ["Pats"]
    assert client.get("/cases/").context["form"]["mine"].value() == "1"
    assert names(client, "?q=&status=") == ["Pats"]  # filters without saying whose: still their own
    assert names(client, "?mine=everyone") == ["Cols", "Nobodys", "Outs", "Pats"]
    assert names(client, "?mine=team") == ["Cols", "Pats"]


def test_a_senior_sees_everyones_cases_by_default_and_can_choose_their_team(team_world: Team, spo: User) -> None:
    client = client_for(spo)
    assert names(client) == ["Cols", "Nobodys", "Outs", "Pats"]
    assert names(client, "?mine=team") == ["Cols", "Pats"]
    assert ("team", "My team") in client.get("/cases/").context["form"].fields["mine"].choices


def test_my_team_is_offered_only_to_someone_in_or_leading_a_team(make_user: Callable[..., User], pdu_a: Pdu) -> None:
    loner = make_user("lone", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    choices = client_for(loner).get("/cases/").context["form"].fields["mine"].choices
    assert [value for value, _ in choices] == ["everyone", "1"]
