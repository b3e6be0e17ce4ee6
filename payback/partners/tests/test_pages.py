"""The contact's pages: only their own organisation (another's placement, person or survey is their
own "not found"), the people on a placement by first name with only what to know on site, signing a
timesheet that credits the case, each refusal named by its field with nothing saved, a repeat that
records once, a concern and an incident that reach staff, a survey answered; and the coordinator's
page to invite and remove contacts, within their own area."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from payback.cases.models import Assessment, AssessmentStatus
from payback.delivery.models import Incident, IndividualPlacementTimesheet, RiskConcern
from payback.partners.models import BeneficiaryContact
from payback.projects.models import BeneficiarySurvey
from payback.projects.rules import survey_token_hash
from payback.staff.models import Pdu
from payback.staff.roles import PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import make_staff, remaining

from .conftest import MONDAY, TODAY, World, sign_in, text_of, timesheet_form

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]


def alex(world: World, outbox: Path) -> Client:
    return sign_in(Client(), "alex@shop.example", outbox)


def sheet_url(world: World, person: int | None = None, placement: int | None = None) -> str:
    return f"/partners/placements/{placement or world.shop.pk}/people/{person or world.jo.pk}/timesheet/"


def test_a_contact_sees_their_own_placement_people_by_first_name_and_what_to_know(world: World, outbox: Path) -> None:
    Assessment.objects.filter(person=world.jo.person, status=AssessmentStatus.CURRENT).update(
        disability_adjustments="Needs a seat for tasks longer than an hour", risk_notes="Private risk detail"
    )
    client = alex(world, outbox)
    page = text_of(client.get(f"/partners/placements/{world.shop.pk}/"))
    assert "Jo" in page and "Needs a seat for tasks longer than an hour" in page
    person = world.jo.person
    for hidden in (person.last_name, person.crn, "Private risk detail", "Sam", str(person.date_of_birth.year)):
        assert hidden not in page
    home = text_of(client.get("/partners/"))
    assert "Charity shop" in home and "Food bank" not in home and "Sam" not in home


def test_another_organisations_placement_person_and_survey_are_not_found(world: World, outbox: Path) -> None:
    client = alex(world, outbox)
    survey = BeneficiarySurvey.objects.create(
        project=world.bank,
        kind="ongoing",
        point=TODAY,
        token_hash=survey_token_hash("t"),
        sent_to="b@x.example",
        sent_on=TODAY,
        expires_on=TODAY + timedelta(days=60),
    )
    for url in (
        f"/partners/placements/{world.bank.pk}/",
        sheet_url(world, person=world.sam.pk, placement=world.bank.pk),
        sheet_url(world, person=world.sam.pk),  # Sam is not on Alex's placement
        f"/partners/surveys/{survey.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404 and "Page not found" in text_of(response), url
    response = client.post(sheet_url(world, person=world.sam.pk, placement=world.bank.pk), timesheet_form())
    assert response.status_code == 404
    assert not IndividualPlacementTimesheet.objects.exists()


def test_a_signed_timesheet_credits_the_case_once_through_the_ledger(world: World, outbox: Path) -> None:
    client = alex(world, outbox)
    owed = remaining(world.jo)
    response = client.post(sheet_url(world), timesheet_form(), follow=True)
    assert "Timesheet signed: 09:00 to 13:30, 30 minutes of breaks: 4 hours for Jo" in text_of(response)
    assert owed - remaining(world.jo) == 240
    line = IndividualPlacementTimesheet.objects.get()
    assert (line.minutes, line.beneficiary_supervisor, line.signed_by_email, line.entered_by) == (
        240,
        "Alex Ward",
        "alex@shop.example",
        None,
    )
    assert line.credited_entry is not None and line.credited_entry.source == "individual_placement"
    assert line.credited_entry.reason == "Charity shop, signed online by Alex Ward"
    # The same form sent again (a double click) records nothing more.
    client.post(sheet_url(world), timesheet_form())
    assert IndividualPlacementTimesheet.objects.count() == 1 and owed - remaining(world.jo) == 240


def test_bad_timesheets_are_refused_naming_the_field_and_nothing_is_saved(world: World, outbox: Path) -> None:
    client = alex(world, outbox)
    client.post(sheet_url(world), timesheet_form())
    owed = remaining(world.jo)
    cases = {
        "overlap": (
            timesheet_form(idempotency_key="2", started_at="13:00", ended_at="15:00", break_minutes="0"),
            "These times overlap hours already recorded for that day, from 09:00 to 13:30",
        ),
        "no placement": (
            timesheet_form(date(2026, 11, 17), idempotency_key="3"),
            "Jo has no placement here on 17 November 2026",
        ),
        "future": (
            timesheet_form(date(2026, 11, 19), idempotency_key="4"),
            "The day worked must be today or in the past",
        ),
        "backwards": (
            timesheet_form(idempotency_key="5", started_at="15:00", ended_at="14:00"),
            "The time they finished must be after the time they started",
        ),
        "breaks": (
            timesheet_form(idempotency_key="6", started_at="14:00", ended_at="15:00", break_minutes="60"),
            "The breaks must be shorter than the time from start to finish",
        ),
        "no tasks": (
            timesheet_form(idempotency_key="7", started_at="14:00", ended_at="15:00", tasks=""),
            "Enter the tasks they did",
        ),
        "not signed": (
            timesheet_form(idempotency_key="8", started_at="14:00", ended_at="15:00", confirm=""),
            "Confirm the hours are right to sign the timesheet",
        ),
        "bad time": (
            timesheet_form(idempotency_key="9", started_at="nine"),
            "Enter the time they started using the 24-hour clock, like 09:30",
        ),
    }
    for name, (form, message) in cases.items():
        page = text_of(client.post(sheet_url(world), form))
        assert "There is a problem" in page and message in page, name
    assert IndividualPlacementTimesheet.objects.count() == 1 and remaining(world.jo) == owed
    # Later the same day, not overlapping: recorded.
    client.post(
        sheet_url(world), timesheet_form(idempotency_key="10", started_at="13:30", ended_at="15:00", break_minutes="0")
    )
    assert owed - remaining(world.jo) == 90


def test_a_concern_and_an_incident_reach_staff_marked_as_from_the_contact(world: World, outbox: Path) -> None:
    client = alex(world, outbox)
    page = text_of(client.post("/partners/tell-us/", {"idempotency_key": "r0", "details": ""}))
    assert "Select what it is about" in page and "Select the project" in page and "Tell us what happened" in page
    page = text_of(
        client.post(
            "/partners/tell-us/",
            {"idempotency_key": "r1", "kind": "concern", "project": world.shop.pk, "details": "Upset"},
        )
    )
    assert "Select who the concern is about" in page and not RiskConcern.objects.exists()
    concern = {
        "idempotency_key": "r2",
        "kind": "concern",
        "project": world.shop.pk,
        "person": world.jo.pk,
        "details": "Jo seemed very low today",
    }
    assert client.post("/partners/tell-us/", concern)["Location"] == "/partners/"
    client.post("/partners/tell-us/", concern)
    (raised,) = RiskConcern.objects.all()
    assert raised.person == world.jo.person
    assert raised.details == "Jo seemed very low today"
    assert (
        raised.reporter
        == f"Alex Ward, the contact at Charity shop Trust (online, passed to {raised.raised_by.get_full_name()})"
    )
    incident = {
        "idempotency_key": "r3",
        "kind": "incident",
        "project": world.shop.pk,
        "details": "A shelf fell",
        "occurred_on_0": "18",
        "occurred_on_1": "11",
        "occurred_on_2": "2026",
    }
    assert client.post("/partners/tell-us/", incident)["Location"] == "/partners/"
    (reported,) = Incident.objects.all()
    assert reported.project == world.shop and reported.what_happened == "A shelf fell"
    assert reported.reported_online_by == "Alex Ward, the contact at Charity shop Trust"
    # Another organisation's project is not one to choose.
    other = {**incident, "idempotency_key": "r4", "project": world.bank.pk}
    assert "Select a valid choice" in text_of(client.post("/partners/tell-us/", other))
    assert Incident.objects.count() == 1


def test_a_contact_answers_their_organisations_survey(world: World, outbox: Path) -> None:
    survey = BeneficiarySurvey.objects.create(
        project=world.shop,
        kind="ongoing",
        point=TODAY,
        token_hash=survey_token_hash("s"),
        sent_to="a@x.example",
        sent_on=TODAY,
        expires_on=TODAY + timedelta(days=60),
    )
    client = alex(world, outbox)
    assert "Answer our survey about Charity shop" in text_of(client.get("/partners/"))
    page = text_of(client.post(f"/partners/surveys/{survey.pk}/", {"project": world.shop.pk}))
    assert "Select how satisfied you are with the work overall" in page
    answers = {
        "project": world.shop.pk,
        "overall_satisfaction": "5",
        "work_quality": "4",
        "would_have_again": "yes",
        "comments": "Great",
    }
    assert client.post(f"/partners/surveys/{survey.pk}/", answers)["Location"] == "/partners/"
    survey.refresh_from_db()
    assert survey.used_at is not None and survey.answered_by == "Alex Ward" and survey.overall_satisfaction == 5
    assert client.get(f"/partners/surveys/{survey.pk}/").status_code == 404


def test_the_coordinator_invites_and_removes_a_contact_in_their_own_area(
    world: World, outbox: Path, pdu_b: Pdu, django_capture_on_commit_callbacks: Any
) -> None:
    staff = Client()
    staff.force_login(world.coordinator)
    url = f"/partners/staff/beneficiaries/{world.shop.beneficiary_id}/contacts/"
    page = text_of(staff.get(url))
    assert "Alex Ward" in page and "alex@shop.example" in page
    assert "Enter the contact's full name" in text_of(staff.post(url, {"name": "", "email": "cal@shop.example"}))
    page = text_of(staff.post(url, {"name": "Bea Two", "email": "BEA@bank.example"}))
    assert "Someone with this email address can already sign in" in page
    assert "Enter their email address in the right format" in text_of(staff.post(url, {"name": "X Y", "email": "x"}))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {"name": "Cal Moss", "email": "cal@shop.example"}, follow=True)
    assert "Cal Moss can now sign in" in text_of(response)
    invitation = (
        outbox / f"email-partner-invitation-{BeneficiaryContact.objects.get(name='Cal Moss').pk}.txt"
    ).read_text()
    assert invitation.startswith("To: cal@shop.example") and "http://testserver/partners/sign-in/" in invitation
    staff.post(f"{url}{world.alex.pk}/remove/", follow=True)
    world.alex.refresh_from_db()
    assert world.alex.removed_at is not None and "Alex Ward" not in text_of(staff.get(url))
    # Staff elsewhere, or without the role, cannot.
    far = Client()
    far.force_login(make_staff("far", role=PLACEMENT_COORDINATOR, pdu=pdu_b))
    assert far.get(url).status_code == 404
    assert far.post(f"{url}{world.alex.pk}/remove/").status_code == 404
    sid = Client()
    sid.force_login(make_staff("sid", role=SUPERVISOR, pdu=world.shop.pdu))
    assert sid.get(url).status_code == 403


def test_the_beneficiarys_page_links_to_its_contacts(world: World) -> None:
    staff = Client()
    staff.force_login(world.coordinator)
    page = staff.get(f"/projects/beneficiaries/{world.shop.beneficiary_id}/").content.decode()
    assert f"/partners/staff/beneficiaries/{world.shop.beneficiary_id}/contacts/" in page


def test_a_monday_booking_is_what_makes_the_day_signable(world: World) -> None:
    assert world.monday.date == MONDAY and world.monday.session.project == world.shop
