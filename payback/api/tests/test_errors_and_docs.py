"""Every error is JSON; the OpenAPI document and the docs page are served."""

from collections.abc import Callable

import pytest
from django.test import Client

from payback.cases import selectors
from payback.staff.models import User

from .client import API, ApiClient

pytestmark = pytest.mark.django_db


def test_an_address_under_the_api_that_matches_nothing_is_a_json_404(
    api_as: Callable[[User | None], ApiClient], practitioner: User
) -> None:
    for path in ("/", "/nothing-here", "/requirements/abc/ledger/extra"):
        response = api_as(practitioner).get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found"}


def test_a_method_an_endpoint_does_not_support_is_a_json_405(
    api_as: Callable[[User | None], ApiClient], practitioner: User
) -> None:
    response = api_as(practitioner).post("/people", {})
    assert response.status_code == 405
    assert response.json() == {"detail": "Method not allowed"}
    assert response["Allow"] == "GET"


def test_an_unexpected_failure_is_a_json_500(
    api_as: Callable[[User | None], ApiClient], practitioner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(user: User) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(selectors, "people_for", broken)
    response = api_as(practitioner).get("/people")
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong: try again later"}


def test_the_openapi_document_declares_every_error_response(practitioner: User) -> None:
    client = Client()
    client.force_login(practitioner)
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["BearerTokenAuth"] == {"type": "http", "scheme": "bearer"}
    operations = {
        (method.upper(), path): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) == {
        ("POST", f"{API}/allocation/runs"),
        ("GET", f"{API}/allocation/runs/{{run_id}}"),
        ("GET", f"{API}/allocation/runs/{{run_id}}/plan"),
        ("POST", f"{API}/allocation/runs/{{run_id}}/hand-edits"),
        ("POST", f"{API}/allocation/runs/{{run_id}}/publish"),
        ("GET", f"{API}/people"),
        ("GET", f"{API}/people/{{crn}}"),
        ("GET", f"{API}/people/{{crn}}/diversity"),
        ("POST", f"{API}/people/{{crn}}/diversity"),
        ("POST", f"{API}/people/{{crn}}/reallocation"),
        ("GET", f"{API}/people/{{crn}}/consultations"),
        ("POST", f"{API}/people/{{crn}}/consultations"),
        ("POST", f"{API}/people/{{crn}}/consultations/answer"),
        ("GET", f"{API}/requirements"),
        ("GET", f"{API}/requirements/{{id}}"),
        ("GET", f"{API}/requirements/{{id}}/ledger"),
        ("POST", f"{API}/requirements/{{id}}/adjustments"),
        ("GET", f"{API}/ledger-entries/{{id}}"),
        ("POST", f"{API}/ledger-entries/{{id}}/corrections"),
        ("GET", f"{API}/requirements/{{id}}/inductions"),
        ("POST", f"{API}/requirements/{{id}}/inductions"),
        ("POST", f"{API}/inductions/{{id}}/outcome"),
        ("GET", f"{API}/risk-flags"),
        ("GET", f"{API}/people/{{crn}}/assessment"),
        ("GET", f"{API}/people/{{crn}}/assessments"),
        ("POST", f"{API}/people/{{crn}}/assessments"),
        ("GET", f"{API}/assessments/{{id}}"),
        ("POST", f"{API}/assessments/{{id}}/countersignature"),
        ("GET", f"{API}/requirements/{{id}}/placeability"),
        ("GET", f"{API}/projects"),
        ("POST", f"{API}/projects"),
        ("GET", f"{API}/projects/{{id}}"),
        ("POST", f"{API}/projects/{{id}}/status"),
        ("POST", f"{API}/projects/{{id}}/review-needed"),
        ("GET", f"{API}/beneficiaries"),
        ("POST", f"{API}/beneficiaries"),
        ("GET", f"{API}/beneficiaries/{{id}}"),
        ("GET", f"{API}/nominations"),
        ("GET", f"{API}/nominations/{{id}}"),
        ("POST", f"{API}/nominations/{{id}}/acknowledge"),
        ("POST", f"{API}/nominations/{{id}}/reject"),
        ("POST", f"{API}/nominations/{{id}}/accept"),
        ("GET", f"{API}/sessions"),
        ("GET", f"{API}/sessions/{{id}}"),
        ("POST", f"{API}/sessions/{{id}}/appointments"),
        ("POST", f"{API}/sessions/{{id}}/register"),
        ("POST", f"{API}/sessions/{{id}}/stand-down"),
        ("POST", f"{API}/incidents"),
        ("GET", f"{API}/incidents/{{id}}"),
        ("POST", f"{API}/risk-concerns"),
        ("GET", f"{API}/risk-concerns/{{id}}"),
        ("POST", f"{API}/risk-concerns/{{id}}/acknowledge"),
        ("GET", f"{API}/failures"),
        ("GET", f"{API}/failures/{{ref}}"),
        ("POST", f"{API}/failures/{{ref}}/evidence-requests"),
        ("POST", f"{API}/failures/{{ref}}/evidence"),
        ("POST", f"{API}/failures/{{ref}}/decision"),
        ("POST", f"{API}/failures/{{ref}}/reversal"),
        ("GET", f"{API}/requirements/{{id}}/enforcement"),
        ("POST", f"{API}/requirements/{{id}}/court-outcomes"),
        ("POST", f"{API}/requirements/{{id}}/extension-applications"),
        ("GET", f"{API}/requirements/{{id}}/reviews"),
        ("POST", f"{API}/requirements/{{id}}/reviews/{{point}}"),
        ("POST", f"{API}/requirements/{{id}}/further-requirements"),
        ("GET", f"{API}/requirements/{{id}}/letters"),
        ("POST", f"{API}/requirements/{{id}}/appointment-letters"),
        ("GET", f"{API}/insight/definitions"),
        ("GET", f"{API}/insight/mine"),
        ("GET", f"{API}/insight/areas/{{level}}/{{id}}"),
        ("GET", f"{API}/insight/areas/{{level}}/{{id}}/figures/{{code}}"),
        ("GET", f"{API}/insight/areas/{{level}}/{{id}}/fairness"),
        ("GET", f"{API}/notifications"),
        ("POST", f"{API}/notifications/read"),
        ("POST", f"{API}/my/sign-in"),
        ("POST", f"{API}/my/sign-in/code"),
        ("POST", f"{API}/my/sign-out"),
        ("GET", f"{API}/my/summary"),
        ("GET", f"{API}/my/letters"),
        ("GET", f"{API}/my/contact"),
        ("POST", f"{API}/my/contact/messages"),
        ("POST", f"{API}/my/contact-changes"),
        ("POST", f"{API}/my/absences"),
        ("POST", f"{API}/partners/sign-in"),
        ("POST", f"{API}/partners/sign-in/code"),
        ("POST", f"{API}/partners/sign-out"),
        ("GET", f"{API}/partners/projects"),
        ("GET", f"{API}/partners/sessions"),
        ("GET", f"{API}/partners/placements"),
        ("GET", f"{API}/partners/placements/{{placement_id}}"),
        ("POST", f"{API}/partners/placements/{{placement_id}}/timesheets"),
        ("GET", f"{API}/partners/timesheets/{{timesheet_id}}"),
        ("POST", f"{API}/partners/reports"),
    }
    post = operations[("POST", f"{API}/requirements/{{id}}/adjustments")]
    assert sorted(post["responses"]) == ["201", "400", "401", "403", "404", "409", "422"]
    assert post["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorList"
    }
    assert sorted(operations[("GET", f"{API}/people")]["responses"]) == ["200", "401", "403", "422"]
    # A change without a body can still be refused by a rule of the service (acknowledging twice).
    acknowledge = operations[("POST", f"{API}/nominations/{{id}}/acknowledge")]
    assert sorted(acknowledge["responses"]) == ["200", "400", "401", "403", "404", "422"]
    for operation in operations.values():
        assert operation["description"], operation["operationId"]


def test_the_docs_page_works_offline_under_the_content_security_policy(practitioner: User) -> None:
    client = Client()
    client.force_login(practitioner)
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{API}/openapi.json"' in html
    assert f"POST {API}/requirements/{{id}}/adjustments" in html
    assert "cdn" not in html.lower()
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "script-src 'self' 'nonce-" in policy
