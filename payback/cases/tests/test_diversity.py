"""The Diversity Information Form: recorded on its own page and through the API, every answer
optional, answers outside the lists refused naming the question, and nothing of it in the audit
trail but that it was recorded."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from payback.api.tests.client import ApiClient, token_for
from payback.cases.models import DiversityInformation, Requirement
from payback.cases.services.diversity import diversity_record
from payback.core.models import AuditEvent
from payback.staff.models import User
from payback.staff.roles import SUPERVISOR
from payback.testing.builders import make_staff, new_case

pytestmark = pytest.mark.django_db

ANSWERS = {
    "ethnicity": "Black or Black British: Caribbean",
    "religion_or_belief": "Rastafarian",
    "disability": "Dyslexia",
    "sexual_orientation": "Prefer not to say",
    "interpreter_required": False,
}


@pytest.fixture
def case(practitioner: User) -> Requirement:
    return new_case(practitioner)


def test_answers_are_recorded_and_the_audit_says_only_that(practitioner: User, case: Requirement) -> None:
    info = diversity_record(actor=practitioner, person=case.person, answers=ANSWERS)
    again = diversity_record(actor=practitioner, person=case.person, answers=ANSWERS)
    assert info.pk == again.pk and DiversityInformation.objects.count() == 1
    assert (again.ethnicity, again.religion_or_belief, again.gender_identity) == (
        "Black or Black British: Caribbean",
        "Rastafarian",
        "",
    )
    event = AuditEvent.objects.filter(action="person.diversity_recorded").latest("pk")
    assert event.summary == "Diversity Information Form recorded" and "Caribbean" not in str(event.after)


def test_answers_outside_the_lists_are_refused_naming_the_question(practitioner: User, case: Requirement) -> None:
    with pytest.raises(ValidationError) as refused:
        diversity_record(
            actor=practitioner,
            person=case.person,
            answers={"ethnicity": "Martian", "shoe_size": "9", "disability": "x" * 301},
        )
    errors = refused.value.message_dict
    assert errors["ethnicity"] == ["Select an answer from the list"]
    assert errors["shoe_size"] == ["This is not a question on the form"]
    assert not DiversityInformation.objects.exists()


def test_the_page_records_the_form(practitioner: User, case: Requirement) -> None:
    client = Client()
    client.force_login(practitioner)
    url = f"/cases/{case.pk}/diversity/"
    assert "Diversity information" in client.get(url).content.decode()
    posted: dict[str, Any] = {k: v for k, v in ANSWERS.items() if k != "interpreter_required"}
    response = client.post(url, {**posted, "interpreter_required": "on"})
    assert response.status_code == 302
    info = DiversityInformation.objects.get(person=case.person)
    assert (info.religion_or_belief, info.interpreter_required) == ("Rastafarian", True)
    assert "Recorded" in client.get(f"/cases/{case.pk}/").content.decode()


def test_the_api_reads_and_records_the_form_in_scope(
    practitioner: User, other_region_practitioner: User, case: Requirement, pdu_a: Any
) -> None:
    api = ApiClient(token_for(practitioner))
    crn = case.person.crn
    assert api.get(f"/people/{crn}/diversity").json()["recorded"] is False
    answer = api.post(f"/people/{crn}/diversity", {"ethnicity": "Prefer not to say"})
    assert answer.status_code == 200 and answer.json()["ethnicity"] == "Prefer not to say"
    bad = api.post(f"/people/{crn}/diversity", {"religion_or_belief": "Jedi"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "religion_or_belief"
    assert ApiClient(token_for(other_region_practitioner)).get(f"/people/{crn}/diversity").status_code == 404
    supervisor = make_staff("sid", role=SUPERVISOR, pdu=pdu_a)
    assert ApiClient(token_for(supervisor)).post(f"/people/{crn}/diversity", {}).status_code == 403
