"""The induction, assessment, countersigning and session-needs pages through the test client:
the question flow, GOV.UK errors, who may see what and what a supervisor is never shown."""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from payback.cases.assessment import services as aservices
from payback.cases.models import (
    Assessment,
    AssessmentStatus,
    Induction,
    LedgerEntry,
    NonAssociation,
    Person,
    Requirement,
    RiskFlag,
)
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SENIOR_PROBATION_OFFICER, SUPERVISOR

pytestmark = pytest.mark.django_db

A = AssessmentStatus
MakeCase = Callable[..., Requirement]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def error_summary(page: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert match, "no GOV.UK error summary on the page"
    return match.group(0)


@pytest.fixture
def spo(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("sophie", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


@pytest.fixture
def woman(make_case: MakeCase, practitioner: User) -> Requirement:
    return make_case(
        first_name="Maryam",
        last_name="Haddad",
        sex="female",
        date_of_birth=date(1987, 7, 14),
        phone="07700 900461",
        email="maryam.h@example.org",
        address="17 Quayside Wharf, Newcastle",
        postcode="NE1 3DX",
        practitioner=practitioner,
        diversity={
            "ethnicity": "Gypsy or Irish Traveller",
            "religion_or_belief": "Rastafari",
            "disability": "Hearing loss noted on the form",
            "neurodiversity": "Dyslexia noted on the form",
            "gender_identity": "Gender identity recorded on the form",
            "sexual_orientation": "Bisexual",
            "first_language": "Kurdish Sorani",
        },
    )


# ---------------------------------------------------------------------------------------------
# The question flow for a woman, page by page

FLOW: list[tuple[str, dict[str, Any]]] = [
    ("availability", {"mon_parts": ["morning", "afternoon"], "tue_parts": ["evening"], "tue_reason": "caring"}),
    (
        "health",
        {
            "health_limitations": "Cannot kneel for long: knee injury",
            "disability_adjustments": "Large-print written instructions",
            "neurodiversity_adjustments": "Structured day with a written task list",
        },
    ),
    ("language", {"first_language": "Tigrinya", "interpreter_required": "yes", "interpreter_language": "Tigrinya"}),
    (
        "religion",
        {
            "prayer_times": "13:15 and 16:00",
            "days_cannot_work": ["fri"],
            "religious_observance_notes": "Observes a fast each Thursday",
        },
    ),
    ("preference", {"placement_preference": "women_only"}),
    ("travel", {"transport": "public_transport", "max_travel_minutes": "45"}),
    (
        "skills",
        {
            "skills": "Stained-glass restoration",
            "experience": "Eleven years as a ship's cook",
            "clothing_size": "Size 14-TALL",
            "boot_size": "EU-38W",
        },
    ),
    (
        "placements",
        {"group_work_unsuitable": "no", "group_work_unsuitable_reason": "", "suitable_placement_types": ["group"]},
    ),
    (
        "risk",
        {
            "rosh_level": "medium",
            "risk_assessed_on_0": "3",
            "risk_assessed_on_1": "11",
            "risk_assessed_on_2": "2026",
            "risk_notes": "Threatened a neighbour with a kitchen knife",
        },
    ),
]


def test_a_womans_assessment_page_by_page(woman: Requirement, practitioner: User) -> None:
    client = client_for(practitioner)
    base = f"/cases/{woman.pk}/assessment/"
    response = client.post(f"{base}start/")
    assessment = Assessment.objects.get(person=woman.person)
    assert (assessment.version, assessment.status) == (1, A.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == f"{base}{assessment.pk}/availability/"

    # nothing ticked: the GOV.UK error summary says why and nothing is saved
    response = client.post(f"{base}{assessment.pk}/availability/", {"action": "continue", "mon_reason": "caring"})
    assert response.status_code == 200
    page = response.content.decode()
    summary = error_summary(page)
    assert "Select at least one day" in summary
    assert 'href="#id_mon_parts-0"' in summary
    assert "<title>Error: " in page
    assessment.refresh_from_db()
    assert (assessment.availability, assessment.commitments) == ({}, [])

    slugs = [slug for slug, _ in FLOW]
    for index, (slug, data) in enumerate(FLOW):
        page_url = f"{base}{assessment.pk}/{slug}/"
        assert client.get(page_url).status_code == 200, slug
        response = client.post(page_url, {**data, "action": "continue"})
        assert response.status_code == 302, (slug, response.context and response.context["form"].errors)
        expected = f"{base}{assessment.pk}/{slugs[index + 1]}/" if index + 1 < len(slugs) else "check/"
        assert response["Location"].endswith(expected), slug

    assessment.refresh_from_db()
    assert assessment.availability == {
        "mon": ["morning", "afternoon"],
        "tue": ["evening"],
        "wed": [],
        "thu": [],
        "fri": [],
        "sat": [],
        "sun": [],
    }
    assert assessment.commitments == [{"day": "tue", "parts": ["morning", "afternoon"], "reason": "caring"}]
    assert assessment.interpreter_required is True
    assert assessment.placement_preference == "women_only"
    assert assessment.max_travel_minutes == 45
    assert assessment.risk_assessed_on == date(2026, 11, 3)
    assert assessment.status == A.DRAFT

    # check your answers
    response = client.get(f"{base}{assessment.pk}/check/")
    page = response.content.decode()
    assert "Check your answers" in page
    for text in (
        "Monday: morning, afternoon",
        "Tuesday: evening (otherwise: caring)",
        "Needed (Tigrinya)",
        "Women-only group",
        "Public transport",
        "45 minutes",
        "Size 14-TALL / EU-38W",
        "3 November 2026",
        "Once submitted, this version becomes the current assessment.",
    ):
        assert text in page, text

    # change one answer from the check page: back to the check page after saving
    response = client.post(
        f"{base}{assessment.pk}/travel/?return=check",
        {"transport": "walk_or_cycle", "max_travel_minutes": "30", "action": "continue"},
    )
    assert response["Location"] == f"{base}{assessment.pk}/check/"

    response = client.post(f"{base}{assessment.pk}/check/")
    assert response.status_code == 302
    assert response["Location"] == base
    assessment.refresh_from_db()
    assert (assessment.status, assessment.transport) == (A.CURRENT, "walk_or_cycle")
    page = client.get(base).content.decode()
    assert "Assessment completed" in page
    assert "Current assessment: version 1" in page
    # a submitted version's pages go back to the tab
    assert client.get(f"{base}{assessment.pk}/skills/")["Location"] == base


def test_the_preference_page_is_only_for_women(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(sex="male")
    draft = aservices.assessment_start(actor=practitioner, person=requirement.person)
    client = client_for(practitioner)
    assert client.get(f"/cases/{requirement.pk}/assessment/{draft.pk}/preference/").status_code == 404
    response = client.post(
        f"/cases/{requirement.pk}/assessment/{draft.pk}/religion/", {"prayer_times": "", "action": "continue"}
    )
    assert response["Location"].endswith("/travel/")


def test_group_work_unsuitable_without_reason_is_shown_on_its_field(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    draft = aservices.assessment_start(actor=practitioner, person=requirement.person)
    response = client_for(practitioner).post(
        f"/cases/{requirement.pk}/assessment/{draft.pk}/placements/",
        {"group_work_unsuitable": "yes", "suitable_placement_types": ["individual"], "action": "continue"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"group_work_unsuitable_reason": ["Enter why group work is unsuitable"]}
    draft.refresh_from_db()
    assert (draft.group_work_unsuitable, draft.suitable_placement_types) == (False, [])


def test_save_and_come_back_later_keeps_the_answers(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    client = client_for(practitioner)
    base = f"/cases/{requirement.pk}/assessment/"
    client.post(f"{base}start/")
    draft = Assessment.objects.get(person=requirement.person)
    response = client.post(f"{base}{draft.pk}/availability/", {"sat_parts": ["morning"], "action": "continue"})
    assert response.status_code == 302
    response = client.post(
        f"{base}{draft.pk}/health/",
        {"health_limitations": "Back pain: no heavy lifting", "action": "later"},
    )
    assert response.status_code == 302
    assert response["Location"] == base
    page = client.get(base).content.decode()
    assert "Your answers are saved. You can come back to the assessment later" in page
    assert "Version 1 is draft" in page
    assert f'href="{base}{draft.pk}/check/"' in page  # Continue version 1
    draft.refresh_from_db()
    assert (draft.status, draft.health_limitations) == (A.DRAFT, "Back pain: no heavy lifting")
    assert draft.availability["sat"] == ["morning"]
    # the pages show what was saved
    assert "Back pain: no heavy lifting" in client.get(f"{base}{draft.pk}/health/").content.decode()
    assert 'value="morning" checked' in client.get(f"{base}{draft.pk}/availability/").content.decode()
    # submitting too early lists what is missing, each linked to its page
    response = client.post(f"{base}{draft.pk}/check/")
    assert response.status_code == 200
    assert "<title>Error: Check your answers" in response.content.decode()
    summary = error_summary(response.content.decode())
    assert f'href="{base}{draft.pk}/travel/?return=check">Select how the person will travel' in summary
    assert f'href="{base}{draft.pk}/risk/?return=check">Select the risk of serious harm level' in summary
    draft.refresh_from_db()
    assert draft.status == A.DRAFT


# ---------------------------------------------------------------------------------------------
# Induction and non-association pages


def test_induction_booked_and_outcome_recorded(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case()
    client = client_for(practitioner)
    response = client.post(
        f"/cases/{requirement.pk}/induction/new/",
        {"day_0": "1", "day_1": "3", "day_2": "2026", "time": "10:00", "location": "Office"},
    )
    assert response.status_code == 200
    summary = error_summary(response.content.decode())
    assert summary.count("The induction must be on or after the date of sentence") == 1
    assert 'href="#id_day-day"' in summary
    response = client.post(
        f"/cases/{requirement.pk}/induction/new/",
        {"day_0": "11", "day_1": "3", "day_2": "2026", "time": "10:00", "location": "Office"},
    )
    assert response.context["form"].errors == {
        "late_reason": ["The induction is due by 9 March 2026: enter why it is booked later"]
    }
    response = client.post(
        f"/cases/{requirement.pk}/induction/new/",
        {"day_0": "5", "day_1": "3", "day_2": "2026", "time": "10:00", "location": "Office"},
    )
    assert response.status_code == 302
    induction = Induction.objects.get(requirement=requirement)
    assert timezone.localtime(induction.starts_at).replace(tzinfo=None) == datetime(2026, 3, 5, 10, 0)
    url = f"/cases/{requirement.pk}/induction/{induction.pk}/outcome/"
    response = client.post(url, {"outcome": "attended", "minutes_attended": "500"})
    assert response.context["form"].errors == {
        "minutes_attended": ["Enter the minutes the induction lasted, between 1 and 480"]
    }
    response = client.post(url, {"outcome": "attended", "minutes_attended": "120"})
    assert response.status_code == 302
    assert LedgerEntry.objects.get(requirement=requirement).source == "induction"
    requirement.refresh_from_db()
    assert requirement.status == "awaiting_assessment"


def test_non_association_page(make_case: MakeCase, practitioner: User, pdu_b: Pdu) -> None:
    requirement = make_case()
    other = make_case(first_name="Kyle", last_name="Other").person
    far_away = make_case(pdu=pdu_b).person
    client = client_for(practitioner)
    url = f"/cases/{requirement.pk}/non-associations/new/"
    response = client.post(url, {"crn": far_away.crn, "reason": "Feud"})
    assert response.context["form"].errors == {"crn": ["No person with that CRN was found in your area"]}
    response = client.post(url, {"crn": requirement.person.crn.lower(), "reason": "Feud"})
    summary = error_summary(response.content.decode())
    assert summary.count("A person cannot be a non-association of themselves") == 1
    response = client.post(url, {"crn": other.crn, "reason": "Co-defendants"})
    assert response.status_code == 302
    assert NonAssociation.objects.count() == 1
    page = client.get(f"/cases/{requirement.pk}/assessment/").content.decode()
    assert f"Kyle Other ({other.crn}): Co-defendants" in page


# ---------------------------------------------------------------------------------------------
# Countersigning pages


def test_spo_countersigns_from_the_list(make_case: MakeCase, practitioner: User, spo: User) -> None:
    requirement = make_case(first_name="Rory", last_name="Gallagher")
    assessment = aservices.assessment_start(actor=practitioner, person=requirement.person)
    aservices.assessment_update(
        actor=practitioner,
        assessment=assessment,
        values={
            "availability": {"wed": ["morning"]},
            "transport": "own_vehicle",
            "max_travel_minutes": 60,
            "suitable_placement_types": ["group"],
            "rosh_level": "high",
            "risk_notes": "Known to carry a blade",
            "risk_assessed_on": date(2026, 11, 2),
        },
    )
    aservices.assessment_submit(actor=practitioner, assessment=assessment)
    client = client_for(spo)
    page = client.get("/cases/countersign/").content.decode()
    assert f'href="/cases/countersign/{assessment.pk}/"' in page
    assert f"Rory Gallagher ({requirement.person.crn})" in page
    url = f"/cases/countersign/{assessment.pk}/"
    page = client.get(url).content.decode()
    assert "Countersign the assessment" in page
    assert "Known to carry a blade" in page
    response = client.post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 200
    assert "Enter what needs to change before it can be countersigned" in error_summary(response.content.decode())
    response = client.post(url, {"decision": "approve", "comment": ""})
    assert response.status_code == 302
    assert response["Location"] == "/cases/countersign/"
    assessment.refresh_from_db()
    assert (assessment.status, assessment.countersigned_by) == (A.CURRENT, spo)
    page = client.get("/cases/countersign/").content.decode()
    assert "Assessment for Rory Gallagher countersigned" in page
    assert "Nothing is waiting for you." in page
    assert "This assessment is current." in client.get(url).content.decode()


def test_spo_cannot_countersign_their_own(make_case: MakeCase, spo: User) -> None:
    person = make_case().person
    assessment = aservices.assessment_start(actor=spo, person=person)
    aservices.assessment_update(
        actor=spo,
        assessment=assessment,
        values={
            "availability": {"wed": ["morning"]},
            "transport": "own_vehicle",
            "max_travel_minutes": 60,
            "suitable_placement_types": ["group"],
            "rosh_level": "very_high",
            "risk_assessed_on": date(2026, 11, 2),
        },
    )
    aservices.assessment_submit(actor=spo, assessment=assessment)
    client = client_for(spo)
    assert "Nothing is waiting for you." in client.get("/cases/countersign/").content.decode()
    response = client.post(f"/cases/countersign/{assessment.pk}/", {"decision": "approve"})
    assert response.status_code == 200
    assert "another senior probation officer must countersign it" in error_summary(response.content.decode())
    assessment.refresh_from_db()
    assert assessment.status == A.AWAITING_COUNTERSIGNATURE


def test_practitioner_and_supervisor_have_no_countersign_list(practitioner: User, supervisor: User) -> None:
    assert client_for(practitioner).get("/cases/countersign/").status_code == 403
    assert client_for(supervisor).get("/cases/countersign/").status_code == 403


# ---------------------------------------------------------------------------------------------
# Scope: nothing of a person outside the user's area


def test_other_region_gets_404_for_every_assessment_page(
    woman: Requirement,
    practitioner: User,
    other_region_practitioner: User,
    make_user: Callable[..., User],
    pdu_b: Pdu,
) -> None:
    assessment = aservices.assessment_start(actor=practitioner, person=woman.person)
    induction = aservices.induction_book(
        actor=practitioner,
        requirement=woman,
        starts_at=timezone.make_aware(datetime(2026, 3, 5, 10)),
        location="Office",
    )
    case_urls = [
        f"/cases/{woman.pk}/assessment/",
        f"/cases/{woman.pk}/assessment/{assessment.pk}/availability/",
        f"/cases/{woman.pk}/assessment/{assessment.pk}/preference/",
        f"/cases/{woman.pk}/assessment/{assessment.pk}/check/",
        f"/cases/{woman.pk}/induction/new/",
        f"/cases/{woman.pk}/induction/{induction.pk}/outcome/",
        f"/cases/{woman.pk}/non-associations/new/",
    ]
    own = client_for(practitioner)
    stranger = client_for(other_region_practitioner)
    for url in case_urls:
        assert own.get(url).status_code == 200, url
        assert stranger.get(url).status_code == 404, url
    assert stranger.post(f"/cases/{woman.pk}/assessment/start/").status_code == 404
    response = stranger.post(
        f"/cases/{woman.pk}/assessment/{assessment.pk}/health/", {"health_limitations": "Written from afar"}
    )
    assert response.status_code == 404
    assessment.refresh_from_db()
    assert assessment.health_limitations == ""
    assert Assessment.objects.count() == 1

    # the countersign and session-needs pages need their own permission first, then scope
    london_spo = client_for(make_user("leah", role=SENIOR_PROBATION_OFFICER, pdu=pdu_b))
    london_supervisor = client_for(make_user("stan", role=SUPERVISOR, pdu=pdu_b))
    assert london_spo.get(f"/cases/countersign/{assessment.pk}/").status_code == 404
    assert london_spo.post(f"/cases/countersign/{assessment.pk}/", {"decision": "approve"}).status_code == 404
    assert london_supervisor.get(f"/cases/people/{woman.person.crn}/session-needs/").status_code == 404
    assert stranger.get(f"/cases/countersign/{assessment.pk}/").status_code == 403
    assert stranger.get(f"/cases/people/{woman.person.crn}/session-needs/").status_code == 403


def test_an_assessment_of_one_case_cannot_be_opened_through_another(make_case: MakeCase, practitioner: User) -> None:
    first, second = make_case(), make_case()
    draft = aservices.assessment_start(actor=practitioner, person=first.person)
    client = client_for(practitioner)
    assert client.get(f"/cases/{second.pk}/assessment/{draft.pk}/availability/").status_code == 404
    assert client.get(f"/cases/{second.pk}/assessment/{draft.pk}/check/").status_code == 404


# ---------------------------------------------------------------------------------------------
# What a supervisor sees


def test_supervisor_cannot_open_the_assessment(woman: Requirement, supervisor: User) -> None:
    client = client_for(supervisor)
    assert client.get(f"/cases/{woman.pk}/assessment/").status_code == 403
    assert client.post(f"/cases/{woman.pk}/assessment/start/").status_code == 403
    assert not Assessment.objects.exists()


def booked_on_a_session_of(supervisor: User, requirement: Requirement) -> None:
    from payback.cases.tests.test_session_needs_scope import booked_on
    from payback.testing.builders import active_project, make_staff, plan_session

    assert supervisor.pdu is not None
    coordinator = make_staff("booking-coordinator", role=PLACEMENT_COORDINATOR, pdu=supervisor.pdu)
    manager = make_staff("booking-manager", role=OPERATIONS_MANAGER, pdu=supervisor.pdu)
    project = active_project(coordinator, manager, supervisor.pdu)
    booked_on(plan_session(coordinator, project, timezone.localdate(), supervisor=supervisor), requirement)


def test_session_needs_shows_only_what_the_session_needs(
    woman: Requirement, practitioner: User, spo: User, supervisor: User
) -> None:
    person: Person = woman.person
    booked_on_a_session_of(supervisor, woman)  # a supervisor sees only people on their own sessions
    hidden = RiskFlag.objects.create(
        code="intelligence-marker", label="Police intelligence marker", shown_to_supervisors=False
    )
    shown = RiskFlag.objects.get(code="not-near-children")
    client = client_for(supervisor)
    url = f"/cases/people/{person.crn}/session-needs/"
    assert "There is no completed assessment" in client.get(url).content.decode()

    assessment = aservices.assessment_start(actor=practitioner, person=person)
    aservices.assessment_update(
        actor=practitioner,
        assessment=assessment,
        values={
            "availability": {"mon": ["morning", "afternoon"], "thu": ["evening"]},
            "commitments": [{"day": "tue", "parts": ["morning"], "reason": "caring"}],
            "health_limitations": "Cannot kneel for long: knee injury",
            "disability_adjustments": "Large-print written instructions",
            "neurodiversity_adjustments": "Structured day with a written task list",
            "first_language": "Tigrinya",
            "interpreter_required": True,
            "interpreter_language": "Tigrinya",
            "prayer_times": "13:15 and 16:00",
            "religious_observance_notes": "Observes a fast each Thursday",
            "placement_preference": "women_only",
            "transport": "own_vehicle",
            "max_travel_minutes": 75,
            "skills": "Stained-glass restoration",
            "experience": "Eleven years as a ship's cook",
            "clothing_size": "Size 14-TALL",
            "boot_size": "EU-38W",
            "suitable_placement_types": ["group", "individual"],
            "rosh_level": "very_high",
            "risk_notes": "Threatened a neighbour with a kitchen knife",
            "risk_assessed_on": date(2026, 11, 3),
        },
        risk_flags=[shown, hidden],
    )
    aservices.assessment_submit(actor=practitioner, assessment=assessment)
    # not countersigned yet: it does not count
    assert "There is no completed assessment" in client.get(url).content.decode()
    aservices.assessment_countersign(actor=spo, assessment=assessment, approve=True)
    # the practitioner sees the whole assessment
    full = client_for(practitioner).get(f"/cases/{woman.pk}/assessment/").content.decode()
    for text in ("Stained-glass restoration", "Size 14-TALL", "kitchen knife", "Very high", "Police intelligence"):
        assert text in full, text

    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Maryam Haddad",
        "Cannot kneel for long: knee injury",
        "Large-print written instructions",
        "Structured day with a written task list",
        "13:15 and 16:00",
        "Interpreter needed (Tigrinya)",
        "Women-only group",
        "Not near children",
    ):
        assert text in page, text
    for text in (
        "Police intelligence marker",  # a flag not meant for supervisors
        "Stained-glass restoration",
        "ship&#x27;s cook",
        "Eleven years",
        "Size 14-TALL",
        "EU-38W",
        "kitchen knife",
        "Very high",
        "very_high",
        "Risk of serious harm",
        "Availability",
        "morning",
        "Monday",
        "caring",
        "Observes a fast",
        "Own vehicle",
        "75 minutes",
        "3 November 2026",
        "14 July 1987",
        "1987-07-14",
        "14/07/1987",
        "Quayside Wharf",
        "NE1 3DX",
        "07700 900461",
        "maryam.h@example.org",
        "Gypsy or Irish Traveller",
        "Rastafari",
        "Hearing loss noted on the form",
        "Dyslexia noted on the form",
        "Gender identity recorded on the form",
        "Bisexual",
        "Kurdish Sorani",
    ):
        assert text not in page, text
