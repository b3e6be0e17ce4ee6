"""SBAR consultations: raised by a practitioner on a case for the senior who leads their team,
answered once by that senior, recorded on the case, audited, idempotent and scoped to the area."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.test import Client

from payback.cases.models import Requirement, SbarAnswer, SbarConsultation
from payback.cases.services import sbar_answer, sbar_raise
from payback.core.models import AuditEvent
from payback.staff.models import Pdu, User
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.staff.services import team_create, team_member_add
from payback.testing.builders import new_case

pytestmark = pytest.mark.django_db

SBAR = {
    "situation": "Missed two sessions since his mother went into hospital",
    "background": "Good compliance until October",
    "assessment": "Caring duties, not defiance",
    "recommendation": "Move him to Saturday sessions",
}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def spo(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("sue", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


@pytest.fixture
def other_spo(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("oscar", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


@pytest.fixture
def team(spo: User, practitioner: User, pdu_a: Pdu) -> None:
    tyne = team_create(actor=spo, name="Tyne A", pdu=pdu_a, lead=spo)
    team_member_add(actor=spo, team=tyne, practitioner=practitioner)
    practitioner.refresh_from_db()


@pytest.fixture
def case(practitioner: User) -> Requirement:
    return new_case(practitioner, first_name="Alex", last_name="Consulted")


def refusal(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_a_consultation_goes_to_the_senior_who_leads_the_practitioners_team(
    team: None, spo: User, practitioner: User, case: Requirement
) -> None:
    consultation = sbar_raise(actor=practitioner, requirement=case, **{**SBAR, "situation": "  Missed two  "})
    assert consultation.addressed_to == spo and consultation.raised_by == practitioner
    assert consultation.situation == "Missed two" and consultation.recommendation == SBAR["recommendation"]
    event = AuditEvent.objects.get(action="sbar.raised")
    assert event.subject == f"person:{case.person_id}"
    assert event.summary == "SBAR consultation raised for Sue Tester"


def test_the_senior_answers_once_and_a_second_answer_is_refused(
    team: None, spo: User, practitioner: User, case: Requirement
) -> None:
    consultation = sbar_raise(actor=practitioner, requirement=case, **SBAR)
    answer = sbar_answer(actor=spo, consultation=consultation, decision=" Agreed: Saturdays from next week ")
    assert (answer.decision, answer.answered_by) == ("Agreed: Saturdays from next week", spo)
    assert AuditEvent.objects.get(action="sbar.answered").summary == "SBAR consultation answered by Sue Tester"
    with pytest.raises(ValidationError) as error:
        sbar_answer(actor=spo, consultation=consultation, decision="Changed my mind")
    assert refusal(error) == {
        "consultation": ["This consultation was already answered by Sue Tester on 18 November 2026"]
    }
    assert SbarAnswer.objects.get().decision == "Agreed: Saturdays from next week"


def test_a_repeat_with_the_same_key_gets_the_first_answer(
    team: None, spo: User, practitioner: User, case: Requirement
) -> None:
    first = sbar_raise(actor=practitioner, requirement=case, idempotency_key="r1", **SBAR)
    assert sbar_raise(actor=practitioner, requirement=case, idempotency_key="r1", **SBAR).pk == first.pk
    answer = sbar_answer(actor=spo, consultation=first, decision="Agreed", idempotency_key="a1")
    assert sbar_answer(actor=spo, consultation=first, decision="Agreed", idempotency_key="a1").pk == answer.pk
    assert (SbarConsultation.objects.count(), SbarAnswer.objects.count()) == (1, 1)
    assert AuditEvent.objects.filter(action__startswith="sbar.").count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("situation", " ", "Enter the situation"),
        ("background", "", "Enter the background"),
        ("assessment", "", "Enter your assessment"),
        ("recommendation", "", "Enter your recommendation"),
        ("background", "x" * 2001, "Background must be 2,000 characters or fewer"),
    ],
)
def test_a_consultation_missing_a_part_is_refused_naming_it(
    field: str, value: str, message: str, practitioner: User, case: Requirement
) -> None:
    with pytest.raises(ValidationError) as error:
        sbar_raise(actor=practitioner, requirement=case, **{**SBAR, field: value})
    assert refusal(error) == {field: [message]}
    assert not SbarConsultation.objects.exists()
    assert sbar_raise(actor=practitioner, requirement=case, **{**SBAR, field: "x" * 2000}).pk


def test_an_answer_is_refused_naming_what_is_wrong(
    team: None, spo: User, other_spo: User, practitioner: User, case: Requirement
) -> None:
    consultation = sbar_raise(actor=practitioner, requirement=case, **SBAR)
    with pytest.raises(ValidationError) as error:
        sbar_answer(actor=spo, consultation=consultation, decision=" ")
    assert refusal(error) == {"decision": ["Enter your decision or advice"]}
    with pytest.raises(ValidationError) as error:
        sbar_answer(actor=other_spo, consultation=consultation, decision="Agreed")
    assert refusal(error) == {
        "consultation": ["This consultation is for Sue Tester, who leads the practitioner's team"]
    }
    assert not SbarAnswer.objects.exists()


def test_without_a_team_any_senior_in_the_cases_pdu_may_answer_but_no_one_else(
    other_spo: User, practitioner: User, case: Requirement, make_user: Callable[..., User], pdu_a: Pdu, pdu_a2: Pdu
) -> None:
    consultation = sbar_raise(actor=practitioner, requirement=case, **SBAR)
    assert consultation.addressed_to is None
    with pytest.raises(ValidationError) as error:
        sbar_answer(actor=make_user("col", pdu=pdu_a), consultation=consultation, decision="Agreed")
    assert refusal(error) == {"consultation": ["Only a senior probation officer can answer a consultation"]}
    neighbour = make_user("nia", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a2)
    with pytest.raises(ValidationError) as error:
        sbar_answer(actor=neighbour, consultation=consultation, decision="Agreed")
    assert refusal(error) == {"consultation": ["The case is outside your area"]}
    assert sbar_answer(actor=other_spo, consultation=consultation, decision="Agreed").answered_by == other_spo


def test_staff_of_another_area_cannot_raise_a_consultation(
    case: Requirement, make_user: Callable[..., User], pdu_b: Pdu
) -> None:
    with pytest.raises(ValidationError) as error:
        sbar_raise(actor=make_user("lou", pdu=pdu_b), requirement=case, **SBAR)
    assert refusal(error) == {"requirement": ["The case is outside your area"]}
    assert not SbarConsultation.objects.exists()


def test_a_consultation_and_its_answer_cannot_be_changed(
    team: None, spo: User, practitioner: User, case: Requirement
) -> None:
    consultation = sbar_raise(actor=practitioner, requirement=case, **SBAR)
    sbar_answer(actor=spo, consultation=consultation, decision="Agreed")
    for model, change in ((SbarConsultation, {"situation": "Edited"}), (SbarAnswer, {"decision": "Edited"})):
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.update(**change)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Pages


def test_a_practitioner_raises_a_consultation_from_the_case(team: None, practitioner: User, case: Requirement) -> None:
    client = client_for(practitioner)
    assert "Raise an SBAR consultation" in client.get(f"/cases/{case.pk}/").content.decode()
    page = client.get(f"/cases/{case.pk}/consultations/new/")
    assert page.status_code == 200 and "The consultation goes to Sue Tester" in page.content.decode()
    key = page.context["form"].initial["idempotency_key"]
    blank = client.post(f"/cases/{case.pk}/consultations/new/", {**SBAR, "assessment": "", "idempotency_key": key})
    assert blank.context["form"].errors == {"assessment": ["Enter your assessment"]}
    done = client.post(f"/cases/{case.pk}/consultations/new/", {**SBAR, "idempotency_key": key})
    assert done.status_code == 302 and done["Location"] == f"/cases/{case.pk}/"
    assert client.post(f"/cases/{case.pk}/consultations/new/", {**SBAR, "idempotency_key": key}).status_code == 302
    assert SbarConsultation.objects.count() == 1
    summary = client.get(f"/cases/{case.pk}/").content.decode()
    assert SBAR["situation"] in summary and "Waiting for an answer" in summary


def test_the_senior_sees_the_consultation_to_answer_and_answers_it_once(
    team: None, spo: User, practitioner: User, case: Requirement
) -> None:
    consultation = sbar_raise(actor=practitioner, requirement=case, **SBAR)
    client = client_for(spo)
    assert list(client.get("/cases/consultations/").context["queue"]) == [consultation]
    url = f"/cases/{case.pk}/consultations/answer/?consultation={consultation.pk}"
    page = client.get(url)
    assert page.status_code == 200 and page.context["consultation"] == consultation
    blank = client.post(url, {"decision": "", "idempotency_key": "k1"})
    assert blank.context["form"].errors == {"decision": ["Enter your decision or advice"]}
    done = client.post(url, {"decision": "Agreed: Saturdays", "idempotency_key": "k2"})
    assert done.status_code == 302 and done["Location"] == f"/cases/{case.pk}/"
    again = client.post(url, {"decision": "Something else", "idempotency_key": "k3"})
    assert again.context["form"].non_field_errors() == [
        "This consultation was already answered by Sue Tester on 18 November 2026"
    ]
    assert list(client.get("/cases/consultations/").context["queue"]) == []
    assert "Agreed: Saturdays" in client_for(practitioner).get(f"/cases/{case.pk}/").content.decode()


def test_only_seniors_see_consultations_to_answer(practitioner: User, case: Requirement) -> None:
    client = client_for(practitioner)
    assert client.get("/cases/consultations/").status_code == 403
    assert client.get(f"/cases/{case.pk}/consultations/answer/").status_code == 403


def test_consultation_pages_of_another_area_are_not_found(
    practitioner: User, case: Requirement, make_user: Callable[..., User], pdu_b: Pdu
) -> None:
    consultation = sbar_raise(actor=practitioner, requirement=case, **SBAR)
    london = client_for(make_user("lsp", role=SENIOR_PROBATION_OFFICER, pdu=pdu_b))
    assert london.get(f"/cases/{case.pk}/consultations/new/").status_code == 404
    assert london.get(f"/cases/{case.pk}/consultations/answer/?consultation={consultation.pk}").status_code == 404
    assert list(london.get("/cases/consultations/").context["queue"]) == []
