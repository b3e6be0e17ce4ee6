"""The pages of nominations, beneficiaries and projects, through the Django test client: the public
nomination form and its abuse limits, the register and its CSV, decisions on nominations, the
project assessment and its approval, activation, review-needed, audit samples, and scope (404)
and permission (403) on every page."""

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from payback.cases.models import RiskFlag
from payback.projects import services
from payback.projects.models import (
    AssessmentDecision,
    Beneficiary,
    Nomination,
    Project,
    ProjectAssessment,
    ProjectStatus,
    ProjectTask,
    RiskAssessmentAuditSample,
)
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SUPERVISOR

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def london_coordinator(make_user: MakeUser, pdu_b: Pdu) -> User:
    return make_user("lena", role=PLACEMENT_COORDINATOR, pdu=pdu_b)


@pytest.fixture
def london_manager(make_user: MakeUser, pdu_b: Pdu) -> User:
    return make_user("lem", role=OPERATIONS_MANAGER, pdu=pdu_b)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_errors(response: Any) -> dict[str, list[str]]:
    return {field: list(errors) for field, errors in response.context["form"].errors.items()}


# ---------------------------------------------------------------------------------------------
# The public nomination form

PUBLIC_PAGES = ["about-you", "the-work", "where", "who-benefits", "how-you-heard"]


def public_answers(pdu: Pdu, **overrides: str) -> dict[str, dict[str, str]]:
    pages = {
        "about-you": {
            "nominator_name": "Jo Bloggs",
            "nominator_email": "jo@example.org",
            "nominator_phone": "",
            "on_behalf_of_group": "yes",
            "organisation": "Friends of Jesmond Dene",
        },
        "the-work": {"work_description": "Clear litter and cut back brambles along the riverside path"},
        "where": {"location": "Jesmond Dene, by the old mill", "postcode": "ne2 2ej", "pdu": str(pdu.pk)},
        "who-benefits": {"who_benefits": "Walkers, families and the park volunteers"},
        "how-you-heard": {"heard_about": "seen_work"},
    }
    for page in pages.values():
        for name in page:
            if name in overrides:
                page[name] = overrides[name]
    return pages


def answer_every_page(client: Client, pdu: Pdu, **overrides: str) -> None:
    for slug, data in public_answers(pdu, **overrides).items():
        response = client.post(f"/nominate/{slug}/", data)
        assert response.status_code == 302, (slug, response.context and page_errors(response))


def send(client: Client, **data: str) -> Any:
    return client.post("/nominate/check-your-answers/", data)


def reference_shown(client: Client) -> str:
    response = client.get("/nominate/confirmation/")
    assert response.status_code == 200
    return str(response.context["reference"])


def test_a_member_of_the_public_nominates_work_with_one_error_on_the_way(pdu_a: Pdu) -> None:
    client = Client()
    start = client.get("/nominate/")
    assert start.status_code == 200
    page = start.content.decode()
    assert "Nominate work for Community Payback" in page
    assert "govuk-service-navigation" not in page  # no staff navigation for the public

    first = client.get("/nominate/about-you/").content.decode()
    assert '<h1 class="govuk-heading-l">About you</h1>' in first
    assert 'name="website"' in first and 'tabindex="-1"' in first and 'autocomplete="off"' in first
    assert 'aria-hidden="true"' in first

    # One error on the way: the email address is missing.
    about = public_answers(pdu_a)["about-you"]
    response = client.post("/nominate/about-you/", {**about, "nominator_email": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_nominator_email"' in page
    assert "Enter your email address" in page
    assert page.count("<title>Error: ") == 1

    answer_every_page(client, pdu_a)
    check = client.get("/nominate/check-your-answers/")
    assert check.status_code == 200
    page = check.content.decode()
    for shown in ("Jo Bloggs", "Friends of Jesmond Dene", "NE2 2EJ", pdu_a.name, "Saw Community Payback working"):
        assert shown in page
    assert "/nominate/where/?return=check" in page

    # Change an answer from the check page and come back to it.
    response = client.post("/nominate/the-work/?return=check", {"work_description": "Paint the park benches"})
    assert response["Location"] == "/nominate/check-your-answers/"

    response = send(client)
    assert response.status_code == 302
    assert response["Location"] == "/nominate/confirmation/"
    confirmation = client.get("/nominate/confirmation/")
    page = confirmation.content.decode()
    assert "govuk-panel--confirmation" in page
    nomination = Nomination.objects.get()
    assert nomination.reference in page
    assert nomination.work_description == "Paint the park benches"
    assert nomination.postcode == "NE2 2EJ"
    assert nomination.on_behalf_of_group and nomination.organisation == "Friends of Jesmond Dene"
    assert nomination.referral_means == "public_form"
    assert nomination.pdu == pdu_a
    # Nothing but the confirmation is shown back.
    assert "jo@example.org" not in page


def test_the_area_question_groups_areas_by_region(pdu_a: Pdu, pdu_b: Pdu) -> None:
    page = Client().get("/nominate/where/").content.decode()
    assert "Which area is the work in?" in page
    assert f'<optgroup label="{pdu_a.region.name}">' in page
    assert f'<optgroup label="{pdu_b.region.name}">' in page


def test_check_and_confirmation_pages_need_the_answers_first() -> None:
    client = Client()
    assert client.get("/nominate/check-your-answers/")["Location"] == "/nominate/about-you/"
    assert client.get("/nominate/confirmation/")["Location"] == "/nominate/"
    assert client.get("/nominate/no-such-question/").status_code == 404


def test_missing_answers_are_refused_naming_each_question(pdu_a: Pdu) -> None:
    client = Client()
    expected = {
        "about-you": {
            "nominator_name": "Enter your full name",
            "nominator_email": "Enter your email address",
            "on_behalf_of_group": "Select yes if you are nominating on behalf of a group or organisation",
        },
        "the-work": {"work_description": "Enter what needs doing"},
        "where": {
            "location": "Enter where the work is",
            "postcode": "Enter the postcode",
            "pdu": "Select which area the work is in",
        },
        "who-benefits": {"who_benefits": "Enter who would benefit from the work"},
        "how-you-heard": {"heard_about": "Select how you heard about Community Payback"},
    }
    for slug, messages in expected.items():
        response = client.post(f"/nominate/{slug}/", {})
        assert response.status_code == 200
        assert page_errors(response) == {field: [message] for field, message in messages.items()}, slug
    response = client.post(
        "/nominate/about-you/",
        {**public_answers(pdu_a)["about-you"], "organisation": ""},
    )
    assert page_errors(response) == {"organisation": ["Enter the name of the group or organisation"]}
    assert Nomination.objects.count() == 0


def test_over_long_text_is_refused_naming_the_field(pdu_a: Pdu) -> None:
    client = Client()
    response = client.post("/nominate/the-work/", {"work_description": "x" * 2001})
    assert response.status_code == 200
    assert page_errors(response) == {"work_description": ["What needs doing must be 2,000 characters or fewer"]}
    assert "What needs doing must be 2,000 characters or fewer" in response.content.decode()
    response = client.post("/nominate/who-benefits/", {"who_benefits": "y" * 2001})
    assert page_errors(response) == {"who_benefits": ["Who would benefit must be 2,000 characters or fewer"]}
    response = client.post("/nominate/about-you/", {**public_answers(pdu_a)["about-you"], "nominator_name": "z" * 201})
    assert page_errors(response) == {"nominator_name": ["Full name must be 200 characters or fewer"]}
    # Exactly at the limit is fine.
    assert client.post("/nominate/the-work/", {"work_description": "x" * 2000}).status_code == 302


def test_bad_email_and_postcode_are_refused(pdu_a: Pdu) -> None:
    client = Client()
    answers = public_answers(pdu_a)
    response = client.post("/nominate/about-you/", {**answers["about-you"], "nominator_email": "jo.example.org"})
    assert page_errors(response) == {
        "nominator_email": ["Enter an email address in the correct format, like name@example.com"]
    }
    for postcode in ("XYZ", "NE1 4S", "12345", "NE1 4STT"):
        response = client.post("/nominate/where/", {**answers["where"], "postcode": postcode})
        assert page_errors(response) == {"postcode": ["Enter a real postcode, like NE1 4ST"]}, postcode
    response = client.post("/nominate/where/", {**answers["where"], "pdu": "999999"})
    assert page_errors(response) == {"pdu": ["Select an area from the list"]}
    assert client.post("/nominate/where/", {**answers["where"], "postcode": " sw1a1aa "}).status_code == 302
    assert client.session["nomination_answers"]["postcode"] == "SW1A 1AA"


def test_a_filled_honeypot_is_discarded_while_pretending_success(pdu_a: Pdu) -> None:
    client = Client()
    answer_every_page(client, pdu_a)
    response = send(client, website="http://spam.example")
    assert response["Location"] == "/nominate/confirmation/"
    assert reference_shown(client).startswith("NOM-")
    assert Nomination.objects.count() == 0

    # Filled on a question page instead: the whole nomination is discarded.
    other = Client()
    answers = public_answers(pdu_a)
    other.post("/nominate/about-you/", {**answers["about-you"], "website": "buy now"})
    answer_every_page(other, pdu_a)
    assert send(other)["Location"] == "/nominate/confirmation/"
    assert Nomination.objects.count() == 0


def test_an_identical_repeat_gives_the_same_reference_and_one_nomination(pdu_a: Pdu) -> None:
    client = Client()
    answer_every_page(client, pdu_a)
    send(client)
    first = reference_shown(client)
    send(client)  # the button pressed again
    assert reference_shown(client) == first
    again = Client()  # the same nomination typed again in another browser
    answer_every_page(again, pdu_a, work_description="Clear litter and cut back  BRAMBLES along the riverside path")
    send(again)
    assert reference_shown(again) == first
    assert Nomination.objects.count() == 1


def test_too_many_submissions_from_one_address_are_refused(pdu_a: Pdu) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(5):
        answer_every_page(client, pdu_a, who_benefits=f"Neighbours on street {i}")
        assert send(client).status_code == 302
        client.get("/nominate/")  # start again
    answer_every_page(client, pdu_a, who_benefits="Neighbours on street 6")
    response = send(client)
    assert response.status_code == 429
    assert "You have sent too many nominations" in response.content.decode()
    assert Nomination.objects.count() == 5
    # Another address is not affected.
    other = Client(REMOTE_ADDR="198.51.100.7")
    answer_every_page(other, pdu_a, who_benefits="Neighbours on street 7")
    assert send(other).status_code == 302
    assert Nomination.objects.count() == 6


# ---------------------------------------------------------------------------------------------
# Nominations register and decisions


def nominate(pdu: Pdu, **overrides: Any) -> Nomination:
    fields: dict[str, Any] = {
        "nominator_name": "Jo Bloggs",
        "nominator_email": "jo@example.org",
        "nominator_phone": "",
        "organisation": "",
        "on_behalf_of_group": False,
        "work_description": "Clear the churchyard paths",
        "location": "St Mary's churchyard",
        "postcode": "DH1 3AA",
        "who_benefits": "The parish",
        "heard_about": "word_of_mouth",
        "pdu": pdu,
    }
    fields.update(overrides)
    nomination, _ = services.nomination_submit(**fields)
    return nomination


def test_register_shows_due_dates_with_tags_filters_and_scope(
    pdu_a: Pdu, pdu_b: Pdu, coordinator: User, manager: User
) -> None:
    overdue = nominate(pdu_a, work_description="Overdue towpath")
    Nomination.objects.filter(pk=overdue.pk).update(acknowledge_by=timezone.localdate() - timedelta(days=2))
    due = nominate(pdu_a, work_description="Due allotment")
    done = nominate(pdu_a, work_description="Acknowledged hall")
    services.nomination_acknowledge(actor=coordinator, nomination=done)
    nominate(pdu_b, work_description="Southern park")

    client = client_for(coordinator)
    page = client.get("/projects/nominations/").content.decode()
    for reference in (overdue.reference, due.reference, done.reference):
        assert reference in page
    assert "Southern park" not in page
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in page
    assert f"Due {due.acknowledge_by:%-d %b}" in page
    assert '<strong class="govuk-tag govuk-tag--green">Acknowledged</strong>' in page

    only_overdue = client.get("/projects/nominations/", {"overdue": "yes"}).content.decode()
    assert overdue.reference in only_overdue and due.reference not in only_overdue
    searched = client.get("/projects/nominations/", {"q": due.reference}).content.decode()
    assert due.reference in searched and overdue.reference not in searched
    by_status = client.get("/projects/nominations/", {"status": "acknowledged"}).content.decode()
    assert done.reference in by_status and due.reference not in by_status


def test_register_downloads_as_csv_with_the_same_filters(pdu_a: Pdu, pdu_b: Pdu, coordinator: User) -> None:
    first = nominate(pdu_a, nominator_name="=HYPERLINK(1)", work_description="Paint the scout hut")
    nominate(pdu_a, work_description="Weed the war memorial")
    nominate(pdu_b, work_description="Southern park")
    services.nomination_reject(actor=coordinator, nomination=first, reason="private", detail="A private hut")

    client = client_for(coordinator)
    response = client.get("/projects/nominations/download.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "Reference",
        "Received",
        "Area",
        "Nominator",
        "Email",
        "What",
        "Where",
        "Postcode",
        "Who benefits",
        "Heard about",
        "Means of referral",
        "Status",
        "Acknowledge by",
        "Acknowledged at",
        "Decision",
        "Rejection reason",
        "Rejection detail",
        "Beneficiary",
        "Project",
    ]
    assert len(rows) == 3  # the header and two in the user's area
    rejected = next(row for row in rows if row[0] == first.reference)
    assert rejected[2] == pdu_a.name
    assert rejected[3] == "'=HYPERLINK(1)"  # never a spreadsheet formula
    assert rejected[5] == "Paint the scout hut"
    assert rejected[7] == "DH1 3AA"
    assert rejected[9] == "Word of mouth"
    assert rejected[10] == "Public nomination form"
    assert rejected[11] == "Rejected"
    assert rejected[12] == f"{first.acknowledge_by:%Y-%m-%d}"
    assert rejected[14].startswith("Rejected ")
    assert rejected[15] == "Benefits a private individual, not the community"
    assert rejected[16] == "A private hut"

    filtered = client.get("/projects/nominations/download.csv", {"status": "rejected"})
    assert len(list(csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode())))) == 2


def test_acknowledge_sends_one_email(pdu_a: Pdu, coordinator: User) -> None:
    nomination = nominate(pdu_a)
    client = client_for(coordinator)
    detail = client.get(f"/projects/nominations/{nomination.pk}/").content.decode()
    assert "Acknowledge by email" in detail
    response = client.post(f"/projects/nominations/{nomination.pk}/acknowledge/")
    assert response["Location"] == f"/projects/nominations/{nomination.pk}/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jo@example.org"]
    assert nomination.reference in mail.outbox[0].subject
    nomination.refresh_from_db()
    assert nomination.status == "acknowledged" and nomination.acknowledged_by == coordinator
    # Pressed again: refused, and no second email.
    again = client.post(f"/projects/nominations/{nomination.pk}/acknowledge/")
    assert again.status_code == 400
    assert "already been acknowledged" in again.content.decode()
    assert len(mail.outbox) == 1
    assert client.get(f"/projects/nominations/{nomination.pk}/acknowledge/").status_code == 405


def test_means_of_referral_is_recorded(pdu_a: Pdu, coordinator: User) -> None:
    nomination = nominate(pdu_a)
    client = client_for(coordinator)
    response = client.post(f"/projects/nominations/{nomination.pk}/referral/", {"referral_means": ""})
    assert page_errors(response) == {"referral_means": ["Select how the nomination was received"]}
    response = client.post(f"/projects/nominations/{nomination.pk}/referral/", {"referral_means": "phone"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.referral_means == "phone"


def accept_data(**overrides: str) -> dict[str, str]:
    data = {
        "beneficiary": "",
        "name": "St Mary's Parochial Church Council",
        "kind": "charity",
        "additionality_justification": "",
        "contact_name": "Revd Ann Lee",
        "contact_email": "ann@stmarys.example",
        "contact_phone": "0191 496 0000",
        "project_name": "St Mary's churchyard paths",
    }
    data.update(overrides)
    return data


def test_accept_creates_the_beneficiary_and_a_draft_project(pdu_a: Pdu, coordinator: User) -> None:
    nomination = nominate(pdu_a)
    client = client_for(coordinator)
    assert client.get(f"/projects/nominations/{nomination.pk}/accept/").status_code == 200

    # A commercial organisation without the additionality justification: the error lands on that field.
    response = client.post(f"/projects/nominations/{nomination.pk}/accept/", accept_data(kind="commercial"))
    assert response.status_code == 200
    assert list(page_errors(response)) == ["additionality_justification"]
    assert Beneficiary.objects.count() == 0 and Project.objects.count() == 0

    response = client.post(f"/projects/nominations/{nomination.pk}/accept/", accept_data(project_name=""))
    assert page_errors(response) == {"project_name": ["Enter a name for the project"]}
    assert Beneficiary.objects.count() == 0

    response = client.post(f"/projects/nominations/{nomination.pk}/accept/", accept_data())
    project = Project.objects.get()
    assert response["Location"] == f"/projects/{project.pk}/"
    assert project.status == ProjectStatus.DRAFT
    assert project.name == "St Mary's churchyard paths"
    assert project.beneficiary.name == "St Mary's Parochial Church Council"
    assert project.beneficiary.pdu == pdu_a
    nomination.refresh_from_db()
    assert nomination.status == "accepted" and nomination.project == project
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert nomination.reference in page


def test_accept_with_an_existing_beneficiary_or_neither(pdu_a: Pdu, coordinator: User) -> None:
    beneficiary = services.beneficiary_create(
        actor=coordinator, pdu=pdu_a, name="Durham Parish Council", kind="council", contact_name="Clerk"
    )
    nomination = nominate(pdu_a)
    client = client_for(coordinator)
    url = f"/projects/nominations/{nomination.pk}/accept/"
    response = client.post(url, accept_data(beneficiary=str(beneficiary.pk)))
    assert page_errors(response) == {"beneficiary": ["Choose an existing beneficiary or enter a new one, not both"]}
    empty = dict.fromkeys(accept_data(), "") | {"project_name": "Paths"}
    response = client.post(url, empty)
    assert page_errors(response) == {"beneficiary": ["Choose the beneficiary, or enter a new one"]}
    response = client.post(url, empty | {"beneficiary": str(beneficiary.pk)})
    assert response.status_code == 302
    assert Project.objects.get().beneficiary == beneficiary
    assert Beneficiary.objects.count() == 1


def test_reject_needs_a_reason_and_an_explanation(pdu_a: Pdu, coordinator: User) -> None:
    nomination = nominate(pdu_a)
    client = client_for(coordinator)
    url = f"/projects/nominations/{nomination.pk}/reject/"
    response = client.post(url, {"reason": "", "detail": ""})
    assert response.status_code == 200
    assert set(page_errors(response)) == {"reason", "detail"}
    response = client.post(url, {"reason": "private", "detail": ""})
    assert set(page_errors(response)) == {"detail"}
    nomination.refresh_from_db()
    assert nomination.status == "new"
    response = client.post(url, {"reason": "private", "detail": "The garden belongs to one household"})
    assert response["Location"] == f"/projects/nominations/{nomination.pk}/"
    nomination.refresh_from_db()
    assert nomination.status == "rejected" and nomination.rejection_reason == "private"
    page = client.get(f"/projects/nominations/{nomination.pk}/").content.decode()
    assert "Benefits a private individual, not the community" in page
    # Decided: the decision pages send the user back to the nomination.
    assert client.get(url)["Location"] == f"/projects/nominations/{nomination.pk}/"


# ---------------------------------------------------------------------------------------------
# Beneficiaries


def beneficiary_data(pdu: Pdu, **overrides: str) -> dict[str, str]:
    data = {
        "name": "Gilesgate Allotments Association",
        "kind": "community_group",
        "additionality_justification": "",
        "address": "Gilesgate allotments",
        "postcode": "dh1 1ab",
        "pdu": str(pdu.pk),
        "contact_name": "Pat Green",
        "contact_email": "pat@allotments.example",
        "contact_phone": "",
        "mou_signed_on_0": "",
        "mou_signed_on_1": "",
        "mou_signed_on_2": "",
    }
    data.update(overrides)
    return data


def test_beneficiary_pages(pdu_a: Pdu, coordinator: User) -> None:
    client = client_for(coordinator)
    assert client.get("/projects/beneficiaries/new/").status_code == 200
    response = client.post("/projects/beneficiaries/new/", beneficiary_data(pdu_a, kind="commercial"))
    assert response.status_code == 200
    errors = page_errors(response)
    assert list(errors) == ["additionality_justification"]
    assert "how this work is additional" in errors["additionality_justification"][0]
    assert 'href="#id_additionality_justification"' in response.content.decode()
    response = client.post("/projects/beneficiaries/new/", beneficiary_data(pdu_a, contact_email="pat@", name=""))
    assert set(page_errors(response)) == {"contact_email", "name"}
    assert Beneficiary.objects.count() == 0

    response = client.post("/projects/beneficiaries/new/", beneficiary_data(pdu_a))
    beneficiary = Beneficiary.objects.get()
    assert response["Location"] == f"/projects/beneficiaries/{beneficiary.pk}/"
    assert beneficiary.postcode == "DH1 1AB"
    page = client.get(f"/projects/beneficiaries/{beneficiary.pk}/").content.decode()
    assert beneficiary.feedback_token not in page  # feedback is asked for about each project now
    assert "No feedback surveys have been sent" in page
    assert "Not signed" in page

    edit = beneficiary_data(pdu_a, mou_signed_on_0="12", mou_signed_on_1="1", mou_signed_on_2="2026")
    response = client.post(f"/projects/beneficiaries/{beneficiary.pk}/edit/", edit)
    assert response.status_code == 302
    beneficiary.refresh_from_db()
    assert beneficiary.mou_signed_on == date(2026, 1, 12)
    future = beneficiary_data(pdu_a, mou_signed_on_0="1", mou_signed_on_1="1", mou_signed_on_2="2999")
    response = client.post(f"/projects/beneficiaries/{beneficiary.pk}/edit/", future)
    assert list(page_errors(response)) == ["mou_signed_on"]

    services.beneficiary_create(
        actor=coordinator, pdu=pdu_a, name="Durham Parish Council", kind="council", contact_name="Clerk"
    )
    listing = client.get("/projects/beneficiaries/", {"kind": "council"}).content.decode()
    assert "Durham Parish Council" in listing and "Gilesgate" not in listing
    listing = client.get("/projects/beneficiaries/", {"q": "gilesgate"}).content.decode()
    assert "Gilesgate" in listing and "Durham Parish Council" not in listing


# ---------------------------------------------------------------------------------------------
# Projects, the project assessment and approval


def make_project(actor: User, pdu: Pdu, *, signed: bool = False, **overrides: Any) -> Project:
    beneficiary = services.beneficiary_create(
        actor=actor,
        pdu=pdu,
        name="Durham School",
        kind="public_body",
        contact_name="Head teacher",
        mou_signed_on=date(2026, 1, 5) if signed else None,
    )
    fields: dict[str, Any] = {"name": "School grounds", "address": "Durham School"}
    fields.update(overrides)
    return services.project_create(actor=actor, beneficiary=beneficiary, pdu=pdu, **fields)


def assessment_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "hazards": "Uneven ground; traffic at the gate",
        "controls": "Toolbox talk; high-visibility vests; cones at the gate",
        "welfare": ["welfare_toilets", "welfare_shelter", "welfare_drinking_water"],
        "all_weather": "no",
        "wet_weather_contingency": "Paint the pavilion",
        "duration_weeks": "12",
        "max_people": "6",
        "excluded_flags": [str(RiskFlag.objects.get(code="not-near-children").pk)],
        "women_only": "no",
        "tools_provided": "Wheelbarrows",
        "environmental_value": "Wildflower planting",
        "replaces_paid_work": "no",
        "makes_profit": "no",
        "involves_personal_care": "no",
        "supervises_children_or_vulnerable_adults": "no",
        "recommendation": "Good community value; risks controlled",
        "action": "recommend",
    }
    data.update(overrides)
    return data


def start_assessment(client: Client, project: Project) -> ProjectAssessment:
    response = client.post(f"/projects/{project.pk}/assessment/start/")
    assessment = ProjectAssessment.objects.filter(project=project).order_by("-created_at").first()
    assert assessment is not None
    assert response["Location"] == f"/projects/assessments/{assessment.pk}/"
    return assessment


def test_recommending_with_a_principle_answered_yes_is_refused_naming_it(pdu_a: Pdu, coordinator: User) -> None:
    project = make_project(coordinator, pdu_a)
    client = client_for(coordinator)
    assessment = start_assessment(client, project)
    url = f"/projects/assessments/{assessment.pk}/"
    assert client.get(url).status_code == 200

    response = client.post(url, assessment_data(makes_profit="yes", hazards=""))
    assert response.status_code == 200
    errors = page_errors(response)
    assert set(errors) == {"makes_profit", "hazards"}
    assert "must not make a profit" in errors["makes_profit"][0]
    page = response.content.decode()
    assert 'href="#id_makes_profit-0"' in page
    assessment.refresh_from_db()
    assert assessment.status == AssessmentDecision.DRAFT
    assert assessment.controls == ""  # nothing half-saved by a refused recommendation

    # Missing welfare facilities land on the welfare question.
    response = client.post(url, assessment_data(welfare=["welfare_shelter"]))
    assert set(page_errors(response)) == {"welfare"}

    # Save keeps a draft, even with a principle still unanswered.
    response = client.post(url, assessment_data(action="save", makes_profit=""))
    assert response["Location"] == f"/projects/{project.pk}/"
    assessment.refresh_from_db()
    assert assessment.status == AssessmentDecision.DRAFT
    assert assessment.controls.startswith("Toolbox talk") and assessment.makes_profit is None
    assert [flag.code for flag in assessment.excluded_flags.all()] == ["not-near-children"]
    page = client.get(url).content.decode()
    flag = RiskFlag.objects.get(code="not-near-children")
    assert f'value="{flag.pk}" checked' in page and 'value="welfare_shelter" checked' in page
    assert 'name="makes_profit" type="radio" value="yes">' in page  # still unanswered


def test_the_pipeline_from_assessment_to_an_active_project(
    pdu_a: Pdu, coordinator: User, manager: User, make_user: MakeUser
) -> None:
    project = make_project(coordinator, pdu_a)
    coordinator_client = client_for(coordinator)
    assessment = start_assessment(coordinator_client, project)
    response = coordinator_client.post(f"/projects/assessments/{assessment.pk}/", assessment_data())
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentDecision.RECOMMENDED
    # Now read-only: a further POST changes nothing.
    coordinator_client.post(f"/projects/assessments/{assessment.pk}/", assessment_data(hazards="Changed"))
    assessment.refresh_from_db()
    assert assessment.hazards.startswith("Uneven ground")
    detail = coordinator_client.get(f"/projects/{project.pk}/").content.decode()
    assert "waiting for an operations manager" in detail
    assert coordinator_client.get("/projects/approvals/").status_code == 403

    manager_client = client_for(manager)
    queue = manager_client.get("/projects/approvals/").content.decode()
    assert project.name in queue
    decide_url = f"/projects/approvals/{assessment.pk}/"
    page = manager_client.get(decide_url).content.decode()
    assert "Not near children" in page and "Uneven ground" in page
    response = manager_client.post(decide_url, {"decision": "return", "comment": ""})
    assert page_errors(response) == {"comment": ["Enter what must change before the project can be approved"]}
    response = manager_client.post(decide_url, {"decision": "approve", "comment": ""})
    assert response["Location"] == "/projects/approvals/"
    project.refresh_from_db()
    assert project.status == ProjectStatus.ASSESSED

    # Activation is refused until the memorandum, days and hours, and tasks are in place.
    status_url = f"/projects/{project.pk}/status/"
    activate = {"to_status": "active", "reason": "Ready to start"}
    response = coordinator_client.post(status_url, activate)
    assert page_errors(response) == {"to_status": ["The beneficiary has not signed the memorandum of understanding"]}
    Beneficiary.objects.filter(pk=project.beneficiary_id).update(mou_signed_on=date(2026, 1, 5))
    response = coordinator_client.post(status_url, activate)
    assert page_errors(response) == {"to_status": ["Set the days and hours the project can run"]}

    edit = {
        "name": "School grounds",
        "project_type": "group",
        "description": "",
        "address": "Durham School",
        "postcode": "DH1 4SZ",
        "latitude": "54.77",
        "longitude": "-1.58",
        "days": ["sat", "mon"],
        "start_time": "09:00",
        "end_time": "8:30",
        "capacity": "6",
    }
    response = coordinator_client.post(f"/projects/{project.pk}/edit/", edit)
    assert page_errors(response) == {"end_time": ["The finish time must be after the start time"]}
    response = coordinator_client.post(f"/projects/{project.pk}/edit/", edit | {"end_time": "15:30"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.days == ["mon", "sat"] and project.end_time == time(15, 30)
    form = coordinator_client.get(f"/projects/{project.pk}/edit/").content.decode()
    assert 'value="09:00"' in form and 'value="15:30"' in form and 'value="sat" checked' in form
    # The form as shown saves again unchanged.
    assert coordinator_client.post(f"/projects/{project.pk}/edit/", edit | {"end_time": "15:30"}).status_code == 302
    response = coordinator_client.post(status_url, activate)
    assert page_errors(response) == {"to_status": ["Add the work schedule: at least one task"]}

    tasks = "Toolbox talk\n\n  Clear the hedge line  \nBag the cuttings\n"
    assert coordinator_client.post(f"/projects/{project.pk}/tasks/", {"tasks": tasks}).status_code == 302
    assert list(ProjectTask.objects.filter(project=project).values_list("description", flat=True)) == [
        "Toolbox talk",
        "Clear the hedge line",
        "Bag the cuttings",
    ]
    response = coordinator_client.post(status_url, {"to_status": "active", "reason": ""})
    assert page_errors(response) == {"reason": ["Enter the reason"]}
    response = coordinator_client.post(status_url, activate)
    assert response["Location"] == f"/projects/{project.pk}/"
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    detail = coordinator_client.get(f"/projects/{project.pk}/").content.decode()
    assert "Monday, Saturday" in detail and "09:00 to 15:30" in detail
    assert '<ol class="govuk-list govuk-list--number" data-testid="tasks"><li>Toolbox talk</li>' in detail


def test_the_assessor_cannot_approve_their_own_assessment(pdu_a: Pdu, manager: User) -> None:
    project = make_project(manager, pdu_a)
    client = client_for(manager)
    assessment = start_assessment(client, project)
    client.post(f"/projects/assessments/{assessment.pk}/", assessment_data())
    assert project.name not in client.get("/projects/approvals/").content.decode()
    response = client.post(f"/projects/approvals/{assessment.pk}/", {"decision": "approve", "comment": ""})
    assert response.status_code == 200
    assert "another manager must decide" in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT


def test_anyone_who_can_view_projects_can_raise_review_needed(
    pdu_a: Pdu, coordinator: User, make_user: MakeUser
) -> None:
    project = make_project(coordinator, pdu_a)
    supervisor = make_user("sid", role=SUPERVISOR, pdu=pdu_a)
    client = client_for(supervisor)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "Raise review needed" in page and "Change details" not in page
    assert client.get(f"/projects/{project.pk}/edit/").status_code == 403
    response = client.post(f"/projects/{project.pk}/review-needed/", {"reason": ""})
    assert page_errors(response) == {"reason": ["Enter what happened or what changed"]}
    response = client.post(f"/projects/{project.pk}/review-needed/", {"reason": "Near miss with a strimmer"})
    assert response["Location"] == f"/projects/{project.pk}/"
    project.refresh_from_db()
    assert project.review_needed and project.review_raised_by == supervisor
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "The risk assessment must be reviewed: Near miss with a strimmer" in page
    listing = client_for(coordinator).get("/projects/", {"review_needed": "yes"}).content.decode()
    assert "School grounds" in listing and "Review needed" in listing


def test_project_list_create_and_sort(pdu_a: Pdu, coordinator: User) -> None:
    client = client_for(coordinator)
    beneficiary = services.beneficiary_create(
        actor=coordinator, pdu=pdu_a, name="Durham Parish Council", kind="council", contact_name="Clerk"
    )
    assert client.get("/projects/new/").status_code == 200
    data = {"beneficiary": str(beneficiary.pk), "pdu": str(pdu_a.pk), "name": "", "capacity": "40"}
    response = client.post("/projects/new/", data)
    assert set(page_errors(response)) == {"name", "capacity"}
    response = client.post("/projects/new/", data | {"name": "Abbey Road verges", "capacity": "8"})
    assert response.status_code == 302
    client.post("/projects/new/", data | {"name": "Zetland Park", "capacity": "8"})
    ascending = client.get("/projects/").content.decode()
    assert ascending.index("Abbey Road verges") < ascending.index("Zetland Park")
    descending = client.get("/projects/", {"order": "desc"}).content.decode()
    assert descending.index("Zetland Park") < descending.index("Abbey Road verges")
    assert 'aria-sort="descending"' in descending


# ---------------------------------------------------------------------------------------------
# Audit samples


SOUND: dict[str, Any] = {
    "hazards": "Uneven ground",
    "controls": "Toolbox talk",
    "welfare_toilets": True,
    "welfare_drinking_water": True,
    "all_weather": True,
    "max_people": 6,
    "replaces_paid_work": False,
    "makes_profit": False,
    "involves_personal_care": False,
    "supervises_children_or_vulnerable_adults": False,
}


def test_audit_sample_is_drawn_with_its_seed(pdu_a: Pdu, coordinator: User, manager: User, make_user: MakeUser) -> None:
    other_manager = make_user("mina", role=OPERATIONS_MANAGER, pdu=pdu_a)
    names = []
    for i in range(3):
        project = make_project(coordinator, pdu_a, name=f"Project {i}")
        assessment = services.project_assessment_start(actor=coordinator, project=project)
        services.project_assessment_update(actor=coordinator, assessment=assessment, values=SOUND)
        services.project_assessment_recommend(actor=coordinator, assessment=assessment, recommendation="Yes")
        services.project_assessment_decide(actor=other_manager, assessment=assessment, approve=True)
        names.append(project.name)

    assert client_for(coordinator).get("/projects/audit-samples/").status_code == 403
    client = client_for(manager)
    assert client.get("/projects/audit-samples/").status_code == 200
    data = {"year": "2026", "region": str(pdu_a.region_id), "size": "2", "seed": "12345"}
    response = client.post("/projects/audit-samples/", data | {"size": "0"})
    assert page_errors(response) == {"size": ["Enter a sample size between 1 and 200"]}
    response = client.post("/projects/audit-samples/", data)
    assert response.status_code == 302
    sample = RiskAssessmentAuditSample.objects.get()
    assert sample.seed == 12345 and sample.projects.count() == 2
    page = client.get("/projects/audit-samples/").content.decode()
    assert "12345" in page
    for project in sample.projects.all():
        assert project.name in page
    response = client.post("/projects/audit-samples/", data)
    assert list(page_errors(response)) == ["year"]


# ---------------------------------------------------------------------------------------------
# Scope and permissions


def test_every_object_page_answers_404_to_another_region(
    pdu_a: Pdu, coordinator: User, manager: User, london_coordinator: User, london_manager: User
) -> None:
    nomination = nominate(pdu_a)
    project = make_project(coordinator, pdu_a)
    assessment = services.project_assessment_start(actor=coordinator, project=project)
    beneficiary = project.beneficiary
    urls = [
        f"/projects/nominations/{nomination.pk}/",
        f"/projects/nominations/{nomination.pk}/referral/",
        f"/projects/nominations/{nomination.pk}/accept/",
        f"/projects/nominations/{nomination.pk}/reject/",
        f"/projects/beneficiaries/{beneficiary.pk}/",
        f"/projects/beneficiaries/{beneficiary.pk}/edit/",
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/edit/",
        f"/projects/{project.pk}/tasks/",
        f"/projects/{project.pk}/status/",
        f"/projects/{project.pk}/review-needed/",
        f"/projects/assessments/{assessment.pk}/",
    ]
    own, other = client_for(coordinator), client_for(london_coordinator)
    for url in urls:
        assert own.get(url).status_code == 200, url
        response = other.get(url)
        assert response.status_code == 404, url
        assert b"Page not found" in response.content
    assert client_for(manager).get(f"/projects/approvals/{assessment.pk}/").status_code == 200
    assert client_for(london_manager).get(f"/projects/approvals/{assessment.pk}/").status_code == 404

    # A POST from another region changes nothing.
    assert other.post(f"/projects/nominations/{nomination.pk}/acknowledge/").status_code == 404
    assert other.post(f"/projects/{project.pk}/assessment/start/").status_code == 404
    assert other.post(f"/projects/{project.pk}/review-needed/", {"reason": "Not mine"}).status_code == 404
    assert other.post(f"/projects/assessments/{assessment.pk}/", assessment_data(action="save")).status_code == 404
    assert len(mail.outbox) == 0
    project.refresh_from_db()
    assessment.refresh_from_db()
    assert not project.review_needed and assessment.hazards == ""
    for listing in ("/projects/nominations/", "/projects/beneficiaries/", "/projects/"):
        page = other.get(listing).content.decode()
        assert nomination.reference not in page and "Durham School" not in page and "School grounds" not in page


def test_a_practitioner_gets_403_and_the_public_form_needs_no_sign_in(practitioner: User, pdu_a: Pdu) -> None:
    nomination = nominate(pdu_a)
    client = client_for(practitioner)
    for url in (
        "/projects/",
        "/projects/new/",
        "/projects/nominations/",
        "/projects/nominations/download.csv",
        f"/projects/nominations/{nomination.pk}/",
        "/projects/beneficiaries/",
        "/projects/beneficiaries/new/",
        "/projects/approvals/",
        "/projects/audit-samples/",
    ):
        assert client.get(url).status_code == 403, url
    assert Client().get("/projects/nominations/")["Location"].startswith("/sign-in/")
    assert Client().get("/nominate/").status_code == 200


def test_navigation_shows_what_each_role_may_use(coordinator: User, manager: User, practitioner: User) -> None:
    def items(user: User) -> list[str]:
        return [item["text"] for item in client_for(user).get("/").context["primary_navigation"]]

    assert {"Nominations", "Projects", "Beneficiaries"} <= set(items(coordinator))
    assert "Approvals" not in items(coordinator)
    assert "Approvals" in items(manager)
    assert not {"Nominations", "Projects", "Beneficiaries", "Approvals"} & set(items(practitioner))
