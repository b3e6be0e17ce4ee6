"""/ping, the smallest signed-in page: the yardstick of the benchmarks, for GET and for POST."""

import pytest
from django.test import Client

from payback.staff.models import User

pytestmark = pytest.mark.django_db


def test_ping_answers_get_and_post_when_signed_in(practitioner: User) -> None:
    client = Client()
    client.force_login(practitioner)
    for response in (client.get("/ping"), client.post("/ping")):
        assert (response.status_code, response.content) == (200, b"ok")
    assert client.put("/ping").status_code == 405


def test_ping_needs_a_signed_in_user_and_a_post_its_csrf_token(practitioner: User) -> None:
    assert Client().get("/ping").status_code == 302  # to the sign-in page
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(practitioner)
    assert strict.post("/ping").status_code == 403
