"""The adjustment and correction forms carry an idempotency key made when the form is shown, so a
double submit (a double click, a resend) records once."""

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from payback.cases.models import LedgerEntry, Requirement
from payback.cases.services import ledger_record_travel
from payback.staff.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-25")]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown_key(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    key: str = page.context["form"]["idempotency_key"].value()
    assert f'name="idempotency_key" value="{key}"' in page.content.decode()
    return key


def test_submitting_the_adjustment_form_twice_records_once(
    make_case: Callable[..., Requirement], practitioner: User
) -> None:
    requirement = make_case(practitioner=practitioner)
    client = client_for(practitioner)
    url = f"/cases/{requirement.pk}/adjustments/new/"
    key = shown_key(client, url)
    assert shown_key(client, url) != key  # each showing of the form has its own key
    data = {
        "kind": "travel",
        "minutes": "90",
        "occurred_on_0": "9",
        "occurred_on_1": "3",
        "occurred_on_2": "2026",
        "reason": "Two buses",
        "idempotency_key": key,
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert LedgerEntry.objects.filter(requirement=requirement).count() == 1
    shown = [str(m) for m in get_messages(second.wsgi_request)]
    assert any("already been saved" in message for message in shown)


def test_the_same_form_sent_again_with_other_answers_is_not_recorded_under_the_old_key(
    make_case: Callable[..., Requirement], practitioner: User
) -> None:
    requirement = make_case(practitioner=practitioner)
    client = client_for(practitioner)
    url = f"/cases/{requirement.pk}/adjustments/new/"
    data = {
        "kind": "travel",
        "minutes": "90",
        "occurred_on_0": "9",
        "occurred_on_1": "3",
        "occurred_on_2": "2026",
        "reason": "Two buses",
        "idempotency_key": shown_key(client, url),
    }
    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, "minutes": "60"})
    assert again.status_code == 200
    assert "already used" in " ".join(again.context["form"].non_field_errors())
    fresh_key = again.context["form"]["idempotency_key"].value()
    assert fresh_key != data["idempotency_key"]
    assert client.post(url, {**data, "minutes": "60", "idempotency_key": fresh_key}).status_code == 302
    assert sorted(LedgerEntry.objects.filter(requirement=requirement).values_list("minutes", flat=True)) == [60, 90]


def test_submitting_the_correction_form_twice_reverses_once(
    make_case: Callable[..., Requirement], practitioner: User
) -> None:
    requirement = make_case(practitioner=practitioner)
    entry = ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=60, occurred_on=date(2026, 3, 9), reason="Bus"
    )
    client = client_for(practitioner)
    url = f"/cases/{requirement.pk}/hours/{entry.pk}/correct/"
    data = {"reason": "Entered twice", "idempotency_key": shown_key(client, url)}
    first = client.post(url, data)
    second = client.post(url, data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert LedgerEntry.objects.filter(reverses=entry).count() == 1


def test_a_form_without_its_key_records_nothing(make_case: Callable[..., Requirement], practitioner: User) -> None:
    requirement = make_case(practitioner=practitioner)
    response = client_for(practitioner).post(
        f"/cases/{requirement.pk}/adjustments/new/",
        {
            "kind": "travel",
            "minutes": "90",
            "occurred_on_0": "9",
            "occurred_on_1": "3",
            "occurred_on_2": "2026",
            "reason": "Bus",
        },
    )
    assert response.status_code == 200
    assert not LedgerEntry.objects.filter(requirement=requirement).exists()
