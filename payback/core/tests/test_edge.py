"""The request edge written once: a form bound to the request, a service run on a valid posted
form with its errors put back on the fields, and the staff member behind an API call."""

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from payback.core import edge
from payback.core.edge import api_staff, apply_errors, bound, record_page, staff_user, submit
from payback.staff.models import User


class NameForm(forms.Form):
    name = forms.CharField()
    age = forms.IntegerField(required=False)


def test_bound_on_post_unbound_on_get() -> None:
    factory = RequestFactory()
    assert bound(factory.post("/", {"name": "Ann"}), NameForm).is_bound
    assert not bound(factory.get("/", {"name": "Ann"}), NameForm).is_bound


def test_submit_runs_the_service_with_the_cleaned_data() -> None:
    form = NameForm({"name": " Ann ", "age": "40"})
    done = submit(form, lambda data: f"{data['name']} is {data['age']}")
    assert done.ok and done.value == "Ann is 40"


def test_submit_does_not_run_the_service_for_an_invalid_or_unbound_form() -> None:
    ran: list[Any] = []
    assert not submit(NameForm({"name": ""}), ran.append).ok
    assert not submit(NameForm(), ran.append).ok
    assert ran == []


def test_a_service_error_lands_on_the_field_it_names_renamed_where_the_form_differs() -> None:
    def refuse(data: dict[str, Any]) -> None:
        raise ValidationError({"years": "Too young", "session": "The session is full", "other": "Elsewhere"})

    form = NameForm({"name": "Ann", "age": "12"})
    done = submit(form, refuse, rename={"years": "age"})
    assert not done.ok
    assert form.errors["age"] == ["Too young"]
    assert form.non_field_errors() == ["The session is full", "Elsewhere"]


def test_apply_errors_puts_a_message_once_when_two_fields_are_renamed_to_one() -> None:
    form = NameForm({"name": "Ann"})
    form.is_valid()
    apply_errors(form, ValidationError({"a": "Same", "b": "Same"}), rename={"a": "name", "b": "name"})
    assert form.errors["name"] == ["Same"]


def _record(request: Any, shown: list[Any]) -> HttpResponse:
    def context() -> dict[str, Any]:
        shown.append("read")
        return {"extra": 1}

    request._messages = CookieStorage(request)
    return record_page(
        request,
        bound(request, NameForm),
        lambda data: data["name"],
        success=lambda name: f"{name} recorded",
        to="quality:audit-sample",
        to_args={"pk": 7},
        template="name.html",
        context=context,
    )


def test_record_page_goes_on_with_a_message_after_a_valid_post() -> None:
    shown: list[Any] = []
    request = RequestFactory().post("/", {"name": "Ann"})
    response = _record(request, shown)
    assert response.status_code == 302 and response["Location"].endswith("/7/")
    assert [str(m) for m in get_messages(request)] == ["Ann recorded"]
    assert shown == []


def test_record_page_shows_the_form_and_its_context_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[Any] = []
    monkeypatch.setattr(edge, "render", lambda request, template, context: rendered.append((template, context)))
    shown: list[Any] = []
    _record(RequestFactory().post("/", {"name": ""}), shown)
    ((template, context),) = rendered
    assert template == "name.html" and context["extra"] == 1 and context["form"].errors["name"]
    assert shown == ["read"]


@pytest.mark.django_db
def test_staff_user_and_api_staff(practitioner: User) -> None:
    request = RequestFactory().get("/")
    request.user = practitioner
    assert staff_user(request) == practitioner
    request.auth = practitioner  # type: ignore[attr-defined]
    assert api_staff(request, "cases.view_requirement", message="No") == practitioner
    with pytest.raises(PermissionDenied, match="Only planners"):
        api_staff(request, "delivery.add_session", message="Only planners")
    request.auth = None  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied):
        api_staff(request, "cases.view_requirement", message="No")
