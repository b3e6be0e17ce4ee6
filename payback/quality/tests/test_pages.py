"""The quality assurance pages: who may open them, what they list, and forms that name the field."""

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from payback.projects.services import audit_sample_draw
from payback.quality.models import AuditFinding, ReflectiveSupervision, SpotCheck, SupervisorObservation
from payback.quality.rules import OBSERVATION_AREAS, SPOT_CHECK_ITEMS
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER
from payback.testing import builders

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]
TODAY = date(2026, 11, 18)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def day(prefix: str, value: date) -> dict[str, str]:
    return {f"{prefix}_0": str(value.day), f"{prefix}_1": str(value.month), f"{prefix}_2": str(value.year)}


@pytest.fixture
def session(coordinator: User, manager: User, supervisor: User, pdu_a: Pdu):  # type: ignore[no-untyped-def]
    project = builders.active_project(coordinator, manager, pdu_a)
    return builders.plan_session(coordinator, project, TODAY, supervisor=supervisor)


def test_only_those_who_assure_quality_open_the_page(manager: User, coordinator: User, supervisor: User) -> None:
    assert client_for(coordinator).get("/quality/").status_code == 403
    response = client_for(manager).get("/quality/")
    assert response.status_code == 200
    assert 'href="/quality/"' in text_of(response)  # in the navigation, labelled Quality


def test_the_page_lists_overdue_observations_and_todays_sessions(manager: User, supervisor: User, session) -> None:  # type: ignore[no-untyped-def]
    supervisor.date_joined = timezone.make_aware(datetime.combine(date(2026, 1, 5), time(9)))
    supervisor.save(update_fields=["date_joined"])
    page = text_of(client_for(manager).get("/quality/"))
    assert f'href="/quality/supervisors/{supervisor.pk}/observation/">Sam Tester</a>' in page
    assert "5 July 2026" in page and "Overdue" in page
    assert f'href="/quality/sessions/{session.pk}/spot-check/"' in page


def test_spot_check_form_names_the_field_then_records(manager: User, session) -> None:  # type: ignore[no-untyped-def]
    client = client_for(manager)
    url = f"/quality/sessions/{session.pk}/spot-check/"
    answers = {name: "yes" for name, _ in SPOT_CHECK_ITEMS} | {"ppe_worn": "no"}
    response = client.post(url, answers | {"toolbox_talk_given": ""})
    page = text_of(response)
    assert response.status_code == 200
    assert "Select yes or no" in page
    response = client.post(url, answers)
    assert "Enter what was found where an answer is no" in text_of(response)
    assert not SpotCheck.objects.exists()
    response = client.post(url, answers | {"findings": "Two without gloves"})
    assert response.status_code == 302
    assert SpotCheck.objects.get().ppe_worn is False


def test_observation_form(manager: User, supervisor: User) -> None:
    client = client_for(manager)
    url = f"/quality/supervisors/{supervisor.pk}/observation/"
    ratings = {name: "strong" for name, _ in OBSERVATION_AREAS}
    response = client.post(url, ratings | day("observed_on", TODAY))
    assert "Enter strengths" in text_of(response)
    response = client.post(url, ratings | day("observed_on", TODAY) | {"strengths": "Warm and firm"})
    assert response.status_code == 302
    assert SupervisorObservation.objects.get().rating_prosocial == "strong"


def test_reflective_supervision_form(manager: User, coordinator: User) -> None:
    client = client_for(manager)
    url = f"/quality/staff/{coordinator.pk}/reflective-supervision/"
    response = client.post(url, day("held_on", date(2026, 12, 1)) | {"notes": "Settling in"})
    assert "The date of the supervision must be today or in the past" in text_of(response)
    response = client.post(url, day("held_on", TODAY) | {"notes": "Settling in"})
    assert response.status_code == 302
    assert ReflectiveSupervision.objects.get().member == coordinator


def test_audit_finding_and_action_done(manager: User, coordinator: User, pdu_a: Pdu) -> None:
    project = builders.active_project(coordinator, manager, pdu_a)
    sample = audit_sample_draw(actor=manager, region=pdu_a.region, year=2026, size=1, seed=3)
    client = client_for(manager)
    url = f"/quality/audit-samples/{sample.pk}/"
    answers = {"project": project.pk, "checked": "risk_assessment", "compliant": "no", "findings": "Out of date"}
    response = client.post(url, answers | {"action": "Review it"})
    assert "Enter the date the action is due by" in text_of(response)
    response = client.post(url, answers | {"action": "Review it"} | day("action_due", date(2026, 12, 1)))
    assert response.status_code == 302
    finding = AuditFinding.objects.get()
    assert "Due soon" in text_of(client.get("/quality/"))
    response = client.post(f"/quality/findings/{finding.pk}/action-done/", day("done_on", TODAY))
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.action_done_on == TODAY


def test_another_areas_manager_gets_not_found(
    make_user: Callable[..., User],
    pdu_b: Pdu,
    supervisor: User,
    session,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for(make_user("lena", role=OPERATIONS_MANAGER, pdu=pdu_b))
    assert client.get(f"/quality/supervisors/{supervisor.pk}/observation/").status_code == 404
    assert client.post(f"/quality/sessions/{session.pk}/spot-check/", {}).status_code == 404
    assert f"/quality/supervisors/{supervisor.pk}/" not in text_of(client.get("/quality/"))
